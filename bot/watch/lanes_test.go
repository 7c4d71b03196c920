package watch

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
	"github.com/dronebot/dronebot/notify"
)

// slowWorld has two repositories, each with a build from before the first
// run, and a client patient enough that a held request stays held.
func slowWorld(t *testing.T, dialect drone.Dialect, emitted chan<- string, edit ...func(*Options)) (*harness, *Watcher) {
	t.Helper()
	h := newHarness(t, dialect)
	client, err := drone.New(drone.Config{Server: h.fake.URL, Token: h.fake.Token, Dialect: dialect,
		Timeout: 2 * time.Minute, LogTimeout: 2 * time.Minute, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	h.client = client
	for _, r := range []string{"octo/a-hung", "octo/b-fine"} {
		h.fake.AddRepo(r, dronetest.RepoOptions{})
		h.fake.AddBuild(r, ago(successBuild(), 2*time.Hour))
	}
	w := h.watcher(append([]func(*Options){func(o *Options) {
		o.Emit = func(_ context.Context, a *notify.Alert) error { emitted <- a.ID; return nil }
	}}, edit...)...)
	if _, err := w.RunOnce(context.Background()); err != nil { // first sighting
		t.Fatal(err)
	}
	return h, w
}

// hungPrefix is the path prefix of every request about octo/a-hung, the
// first repository of slowWorld (Woodpecker names repositories by id).
func hungPrefix(dialect drone.Dialect) string {
	if dialect == drone.DialectWoodpecker {
		return "/api/repos/1/"
	}
	return "/api/repos/octo/a-hung/"
}

func waitFor(t *testing.T, ch <-chan string, want string) {
	t.Helper()
	select {
	case got := <-ch:
		if got != want {
			t.Fatalf("emitted %s, want %s first", got, want)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("%s never came while another repository's Drone calls hang", want)
	}
}

func TestPollSlowRepositoryDoesNotDelayAnother(t *testing.T) {
	for _, dialect := range dialects {
		t.Run(string(dialect), func(t *testing.T) {
			emitted := make(chan string, 16)
			h, w := slowWorld(t, dialect, emitted)
			h.fake.AddBuild("octo/a-hung", failingBuild())
			h.fake.AddBuild("octo/b-fine", failingBuild())
			release := h.fake.Hold("", hungPrefix(dialect))
			defer release()
			done := make(chan struct{})
			go func() { defer close(done); w.RunOnce(context.Background()) }()
			waitFor(t, emitted, "octo/b-fine#2:failure")
			release()
			waitFor(t, emitted, "octo/a-hung#2:failure")
			<-done
		})
	}
}

func TestWebhookSlowRepositoryDoesNotDelayAnother(t *testing.T) {
	emitted := make(chan string, 16)
	h, w := slowWorld(t, drone.DialectV1, emitted, func(o *Options) {
		o.Mode, o.WebhookSecret, o.SafetyPoll = ModeWebhook, "hook-secret-1", time.Hour
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	release := h.fake.Hold("", hungPrefix(drone.DialectV1))
	defer release()
	for _, r := range []string{"octo/a-hung", "octo/b-fine"} {
		n := h.fake.AddBuild(r, failingBuild())
		body := h.fake.WebhookPayload(r, n, "created") // no steps: the build is fetched
		if code := post(w.Webhook(), dronetest.SignWebhook("hook-secret-1", body, time.Now()), body); code != http.StatusAccepted {
			t.Fatalf("%s: status %d", r, code)
		}
	}
	waitFor(t, emitted, "octo/b-fine#2:failure")
	release()
	waitFor(t, emitted, "octo/a-hung#2:failure")
	cancel()
	<-done
}

// TestWebhookBurstWakesThePoller: deliveries beyond what the queue holds
// go on the pending list, are counted, and wake the poller at once instead
// of waiting for the safety poll.
func TestWebhookBurstWakesThePoller(t *testing.T) {
	h := newHarness(t, drone.DialectV1)
	h.fake.AddRepo("octo/busy", dronetest.RepoOptions{})
	h.fake.AddBuild("octo/busy", ago(successBuild(), 2*time.Hour))
	var mu sync.Mutex
	ids := map[string]bool{}
	overflows, cycles := 0, 0
	cycled := make(chan struct{}, 1000)
	w := h.watcher(func(o *Options) {
		o.Mode, o.WebhookSecret, o.SafetyPoll = ModeWebhook, "hook-secret-1", time.Hour
		o.Emit = func(_ context.Context, a *notify.Alert) error {
			mu.Lock()
			defer mu.Unlock()
			ids[a.ID] = true
			return nil
		}
		o.OnOverflow = func() { mu.Lock(); overflows++; mu.Unlock() }
		o.OnCycle = func(time.Duration, error) { mu.Lock(); cycles++; mu.Unlock(); cycled <- struct{}{} }
	})
	w.webhook.queue = make(chan hookJob, 8) // a small queue: a burst of 100 overflows it
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	<-cycled // the first poll has seen the repository

	const burst = 100
	release := h.fake.Hold("GET", "/api/repos/octo/busy/builds/")
	defer release()
	for range burst {
		n := h.fake.AddBuild("octo/busy", successBuild())
		body := h.fake.WebhookPayload("octo/busy", n, "created")
		if code := post(w.Webhook(), dronetest.SignWebhook("hook-secret-1", body, time.Now()), body); code != http.StatusAccepted {
			t.Fatalf("build %d: status %d", n, code)
		}
	}
	release()
	deadline := time.Now().Add(60 * time.Second)
	for {
		mu.Lock()
		got, o, c := len(ids), overflows, cycles
		mu.Unlock()
		if got == burst {
			if o == 0 || c < 2 {
				t.Errorf("%d overflows counted and %d poll cycles, want overflows counted and the poller woken", o, c)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d builds alerted, %d overflows, %d poll cycles: the overflow waits for the safety poll", got, burst, o, c)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
}
