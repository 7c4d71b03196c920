package bot

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// opsReporter tells the operators' sink (delivery.ops) about the bot's own
// trouble: once when a trouble has lasted its grace period, and once more
// ("back to normal") when it ends. Nothing is said without an ops sink.
type opsReporter struct {
	mu      sync.Mutex
	now     func() time.Time
	log     *slog.Logger
	notify  func(key string, n notify.Notice) error // queues a notice to the ops sink
	trouble map[string]*trouble
}

type trouble struct {
	since    time.Time
	grace    time.Duration
	detail   string
	reported bool
}

func newOpsReporter(now func() time.Time, log *slog.Logger, send func(key string, n notify.Notice) error) *opsReporter {
	return &opsReporter{now: now, log: log, notify: send, trouble: map[string]*trouble{}}
}

// bad records that what is in trouble (e.g. "Drone", "sink team-wecom");
// it is reported once it has lasted grace.
func (o *opsReporter) bad(what, detail string, grace time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	t, ok := o.trouble[what]
	if !ok {
		t = &trouble{since: now, grace: grace}
		o.trouble[what] = t
	}
	t.detail = detail
	if t.reported || now.Sub(t.since) < t.grace {
		return
	}
	t.reported = true
	key := fmt.Sprintf("ops:%s:down:%d", what, t.since.Unix())
	o.send(key, notify.Notice{Level: notify.LevelError, Title: "dronebot: " + what + " is in trouble",
		Text: fmt.Sprintf("%s since %s: %s", what, t.since.UTC().Format(time.RFC3339), detail)})
}

// good records that what works again; if its trouble was reported, the
// recovery is reported too.
func (o *opsReporter) good(what string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	t, ok := o.trouble[what]
	if !ok {
		return
	}
	delete(o.trouble, what)
	if !t.reported {
		return
	}
	key := fmt.Sprintf("ops:%s:up:%d", what, t.since.Unix())
	o.send(key, notify.Notice{Level: notify.LevelInfo, Title: "dronebot: " + what + " is back to normal",
		Text: fmt.Sprintf("%s works again (trouble since %s).", what, t.since.UTC().Format(time.RFC3339))})
}

func (o *opsReporter) send(key string, n notify.Notice) {
	if o.notify == nil {
		return
	}
	if err := o.notify(key, n); err != nil {
		o.log.Error("could not queue a report for the operators", "about", n.Title, "err", err)
	}
}

// opsNotifier queues ops notices to dest through the outbox, or is nil
// when no ops sink is configured.
func (s *Service) opsNotifier(dest string) func(key string, n notify.Notice) error {
	if dest == "" {
		return nil
	}
	return func(key string, n notify.Notice) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return s.enqueueNotice(ctx, key, dest, n)
	}
}
