package watch

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
	"github.com/dronebot/dronebot/notify"
)

// BenchmarkPollCycle5000 measures one poll cycle over 5,000 repositories
// when nothing changed and when 1% got a new finished build.
func BenchmarkPollCycle5000(b *testing.B) {
	const repos = 5000
	for _, changedPct := range []int{0, 1} {
		b.Run(fmt.Sprintf("changed=%d%%", changedPct), func(b *testing.B) {
			h := newHarness(b, drone.DialectV1)
			slugs := make([]string, repos)
			for i := range slugs {
				slugs[i] = fmt.Sprintf("org%02d/repo%04d", i%50, i)
				h.fake.AddRepo(slugs[i], dronetest.RepoOptions{})
				h.fake.AddBuild(slugs[i], successBuild())
			}
			w := h.watcher()
			ctx := context.Background()
			if _, err := w.RunOnce(ctx); err != nil { // first sighting of all
				b.Fatal(err)
			}
			changed := repos * changedPct / 100
			var requests int
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				b.StopTimer()
				for j := range changed {
					h.fake.AddBuild(slugs[(i*changed+j)%repos], successBuild())
				}
				h.fake.ResetRequests()
				b.StartTimer()
				st, err := w.RunOnce(ctx)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				requests += len(h.fake.Requests())
				if st.Processed != changed {
					b.Fatalf("processed %d builds, want %d", st.Processed, changed)
				}
				h.take()
				b.StartTimer()
			}
			b.ReportMetric(float64(requests)/float64(b.N), "drone-requests/cycle")
		})
	}
}

// BenchmarkWebhookToEmit measures a signed delivery of a failed build from
// the HTTP handler to the emitted alert, log tail included.
func BenchmarkWebhookToEmit(b *testing.B) {
	h := newHarness(b, drone.DialectV1)
	h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
	emitted := make(chan *notify.Alert, 1)
	now := time.Now()
	w := h.watcher(func(o *Options) {
		o.Mode = ModeWebhook
		o.WebhookSecret = "bench-secret"
		o.SafetyPoll = time.Hour
		o.Now = func() time.Time { return now }
		o.LogTail = 30
		o.Emit = func(_ context.Context, a *notify.Alert) error { emitted <- a; return nil }
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := w.RunOnce(ctx); err != nil {
		b.Fatal(err)
	}
	go func() { _ = w.webhook.Run(ctx) }()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		n := h.fake.AddBuild("octo/demo", failingBuild())
		body := h.fake.WebhookPayload("octo/demo", n, "updated")
		header := dronetest.SignWebhook("bench-secret", body, now)
		b.StartTimer()
		if code := post(w.Webhook(), header, body); code != http.StatusAccepted {
			b.Fatalf("status %d", code)
		}
		if a := <-emitted; a.Build != n {
			b.Fatalf("emitted #%d, want #%d", a.Build, n)
		}
	}
}
