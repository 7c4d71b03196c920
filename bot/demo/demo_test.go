package demo

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// screen is what the demo printed, safe to read while it writes.
type screen struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// waitFor polls the screen until it shows want, failing after limit.
func (s *screen) waitFor(t *testing.T, limit time.Duration, want string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !strings.Contains(s.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the demo never showed %q:\n%s", want, s.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestDemoFromAFreshStart: the README's run command is `go run . demo`,
// here with a script of commands on its input, ending when the input ends.
func TestDemoFromAFreshStart(t *testing.T) {
	in, feed := io.Pipe()
	var out screen
	done := make(chan error, 1)
	go func() { done <- Run(t.Context(), in, &out, &out, 300*time.Millisecond) }()
	io.WriteString(feed, "/repos\n")
	out.waitFor(t, 60*time.Second, "✅ octo/demo main fixed by #4")
	io.WriteString(feed, "/logs octo/demo 3 -n 5\n")
	out.waitFor(t, 30*time.Second, "last 5 of")
	feed.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("demo ended with %v:\n%s", err, out.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("demo did not end at the end of its input:\n%s", out.String())
	}
	text := out.String()
	for _, want := range []string{"octo/api", "❌ octo/demo #3 failed at test · main", "default/test: exit 1", "TestLoad17"} {
		if !strings.Contains(text, want) {
			t.Errorf("demo output lacks %q:\n%s", want, text)
		}
	}
}
