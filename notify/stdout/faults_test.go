package stdout_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/dronebot/dronebot/bot/sinktest"
	"github.com/dronebot/dronebot/notify/stdout"
)

// terminal is a writer that fails when told to, as a full disk or a
// closed pipe does, and keeps what it was given.
type terminal struct {
	mu    sync.Mutex
	fail  int
	texts []string
}

func (w *terminal) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fail > 0 {
		w.fail--
		return 0, errors.New("no space left on device")
	}
	w.texts = append(w.texts, string(p))
	return len(p), nil
}

func TestFaults(t *testing.T) {
	sinktest.Run(t, func(t *testing.T) sinktest.Fake {
		w := &terminal{}
		return sinktest.Fake{Type: "stdout", Config: &stdout.Config{}, Out: w,
			Fail: func(n int) { w.mu.Lock(); w.fail += n; w.mu.Unlock() },
			Texts: func() []string {
				w.mu.Lock()
				defer w.mu.Unlock()
				return append([]string(nil), w.texts...)
			}}
	})
}
