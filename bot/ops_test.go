package bot

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/notify"
)

func TestOpsReportsOnceAndRecoversOnce(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	var sent []string
	keys := map[string]bool{}
	o := newOpsReporter(func() time.Time { return now }, slog.New(slog.DiscardHandler), func(key string, n notify.Notice) error {
		if keys[key] {
			t.Errorf("key %s used twice", key)
		}
		keys[key] = true
		sent = append(sent, n.Title)
		return nil
	})
	// Drone fails every 30 s poll for 5 minutes: one report after the grace.
	for i := 0; i < 10; i++ {
		o.bad("Drone", "cannot reach Drone", droneDownGrace)
		now = now.Add(30 * time.Second)
	}
	if len(sent) != 1 || !strings.Contains(sent[0], "Drone is in trouble") {
		t.Fatalf("reports %q, want one trouble report", sent)
	}
	o.good("Drone")
	o.good("Drone")
	if len(sent) != 2 || !strings.Contains(sent[1], "back to normal") {
		t.Fatalf("reports %q, want one recovery", sent)
	}
	// A blip shorter than the grace says nothing at all.
	o.bad("Drone", "timeout", droneDownGrace)
	now = now.Add(time.Minute)
	o.good("Drone")
	// A broken sink is reported at once.
	o.bad("sink mail", "550 mailbox unavailable", 0)
	o.bad("sink mail", "550 mailbox unavailable", 0)
	if len(sent) != 3 || !strings.Contains(sent[2], "sink mail") {
		t.Fatalf("reports %q", sent)
	}
}

func TestOpsWithoutSinkSaysNothing(t *testing.T) {
	o := newOpsReporter(time.Now, slog.New(slog.DiscardHandler), nil)
	o.bad("sink x", "refused", 0)
	if tr := o.trouble["sink x"]; tr == nil || !tr.reported {
		t.Fatalf("trouble not tracked: %+v", tr)
	}
	o.good("sink x")
	if len(o.trouble) != 0 {
		t.Errorf("trouble left after recovery: %v", o.trouble)
	}
}

func TestMissingWebhooksAreReported(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	var sent []string
	cfg := &config.Config{Watch: config.Watch{Mode: config.ModeWebhook, SafetyPoll: config.Duration(5 * time.Minute)}}
	s := &Service{cfg: cfg, ops: newOpsReporter(func() time.Time { return now }, slog.New(slog.DiscardHandler),
		func(_ string, n notify.Notice) error { sent = append(sent, n.Title); return nil })}
	s.buildFound("poll") // a webhook may simply be late
	now = now.Add(5 * time.Minute)
	s.buildFound("webhook")
	now = now.Add(5 * time.Minute)
	s.buildFound("poll")
	now = now.Add(5 * time.Minute)
	s.buildFound("poll")
	if len(sent) != 0 {
		t.Fatalf("reported %q before two safety periods without webhooks", sent)
	}
	now = now.Add(5 * time.Minute)
	s.buildFound("poll")
	if len(sent) != 1 || !strings.Contains(sent[0], "Drone webhooks") {
		t.Fatalf("reports %q, want one about missing webhooks", sent)
	}
	s.buildFound("webhook")
	if len(sent) != 2 || !strings.Contains(sent[1], "back to normal") {
		t.Fatalf("reports %q, want the recovery", sent)
	}
}
