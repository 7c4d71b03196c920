package watch

import (
	"bytes"
	"context"
	"github.com/dronebot/dronebot/bot/intake"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
	"github.com/dronebot/dronebot/notify"
)

// post sends a delivery to the handler and returns the status code.
func post(h http.Handler, header http.Header, body []byte) int {
	req := httptest.NewRequest(http.MethodPost, "/hooks/drone", bytes.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// drain processes what the handler queued, as Run would.
func drain(ctx context.Context, wh *Webhook) int {
	n := 0
	for {
		select {
		case job := <-wh.queue:
			wh.handle(ctx, job)
			n++
		default:
			return n
		}
	}
}

// helloDrone fills the fake with the builds of the recorded server, so the
// alerts of the recorded deliveries can read their logs.
func helloDrone(fake *dronetest.Server) {
	fake.AddRepo("octo/hello-drone", dronetest.RepoOptions{DefaultBranch: "master", Branches: []string{"green"}})
	noisy := make([]string, 0, 301)
	for i := 1; i <= 300; i++ {
		noisy = append(noisy, "noisy line "+strings.Repeat("x", i%5))
	}
	noisy = append(noisy, "about to fail")
	failed := dronetest.BuildSpec{Status: drone.StatusFailure, Branch: "master", Stages: []dronetest.StageSpec{{
		Name: "default", Status: drone.StatusFailure, Steps: []dronetest.StepSpec{
			{Name: "clone", Status: drone.StatusSuccess, Log: []string{"clone"}},
			{Name: "greet", Status: drone.StatusSuccess, Log: []string{"hello"}},
			{Name: "noisy-fail", Status: drone.StatusFailure, ExitCode: 1, Log: noisy},
			{Name: "notify", Status: drone.StatusSuccess, Log: []string{"notified"}},
		}}}}
	fake.AddBuild("octo/hello-drone", dronetest.BuildSpec{Status: drone.StatusError, Error: "yaml: bad"})
	fake.AddBuild("octo/hello-drone", failed)
	fake.AddBuild("octo/hello-drone", failed)
	fake.AddBuild("octo/hello-drone", dronetest.BuildSpec{Status: drone.StatusKilled})
	fake.AddBuild("octo/hello-drone", failed)
	fake.AddBuild("octo/hello-drone", dronetest.BuildSpec{Status: drone.StatusSuccess, Branch: "green"})
	fake.AddBuild("octo/hello-drone", dronetest.BuildSpec{Status: drone.StatusSuccess, Branch: "green"})
}

// TestWebhookRecordedDeliveries replays the 55 recorded deliveries in order
// with the clock at each one's Date.
func TestWebhookRecordedDeliveries(t *testing.T) {
	h := newHarness(t, drone.DialectV1)
	helloDrone(h.fake)
	h.state = newState(t, time.Unix(1795463000, 0))
	var now time.Time
	var rejects []string
	w := h.watcher(func(o *Options) {
		o.Mode = ModeWebhook
		o.WebhookSecret = fixtureSecret
		o.Now = func() time.Time { return now }
		o.OnReject = func(r string) { rejects = append(rejects, r) }
	})
	wh := w.webhook
	ctx := context.Background()
	h.fake.ResetRequests()
	accepted := 0
	for _, d := range loadDeliveries(t) {
		now = d.Date.Add(2 * time.Second)
		code := post(w.Webhook(), d.Header, d.Body)
		if code != http.StatusOK && code != http.StatusAccepted {
			t.Fatalf("%s: status %d", d.Name, code)
		}
		if code == http.StatusAccepted {
			accepted++
		}
		drain(ctx, wh)
	}
	if accepted != 7 {
		t.Fatalf("accepted %d finished builds, want 7", accepted)
	}
	if len(rejects) != 0 {
		t.Fatalf("rejects = %v", rejects)
	}
	got := h.take()
	want := "#1:failure #2:still_failing(2) #3:still_failing(3) #4:killed #5:still_failing(4) #6:success #7:success"
	if outcomes(got) != want {
		t.Fatalf("alerts = %s\nwant     %s", outcomes(got), want)
	}
	if got[0].BuildError == "" || got[0].Log != nil {
		t.Fatalf("error build alert = %+v, want its build error", got[0])
	}
	a := got[1]
	if a.Log == nil || a.Log.Step != "noisy-fail" || a.Log.Lines[len(a.Log.Lines)-1] != "about to fail" ||
		len(a.FailedSteps) != 1 || a.FailedSteps[0].ExitCode != 1 || a.FailedSteps[0].Duration != 2*time.Second ||
		a.Commit != "10eff6d0cce23a31087dad1cb0ed745b7914f26f" || a.Title != "fix notify step quoting" {
		t.Fatalf("build 2 alert = %+v, log %+v", a, a.Log)
	}
	// The payloads carried the steps: only logs were fetched.
	for _, r := range h.fake.Requests() {
		if !strings.Contains(r.Path, "/logs/") {
			t.Fatalf("unexpected request %+v", r)
		}
	}
	// A second delivery of a finished build changes nothing.
	last := loadDeliveries(t)[54]
	now = last.Date
	if code := post(w.Webhook(), last.Header, last.Body); code != http.StatusAccepted {
		t.Fatalf("replay status %d", code)
	}
	drain(ctx, wh)
	if got := h.take(); len(got) != 0 {
		t.Fatalf("replay alerted: %s", outcomes(got))
	}
}

func TestWebhookStatuses(t *testing.T) {
	h := newHarness(t, drone.DialectV1)
	h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
	running := failingBuild()
	running.Status = drone.StatusRunning
	h.fake.AddBuild("octo/demo", running)
	now := time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC)
	var rejects []string
	w := h.watcher(func(o *Options) {
		o.WebhookSecret = "hook-secret-1"
		o.WebhookMaxSkew = time.Minute
		o.Now = func() time.Time { return now }
		o.OnReject = func(r string) { rejects = append(rejects, r) }
	})
	sign := func(body []byte) http.Header { return dronetest.SignWebhook("hook-secret-1", body, now) }
	runningBody := h.fake.WebhookPayload("octo/demo", 1, "updated")
	big := bytes.Repeat([]byte("x"), intake.MaxBody+1)

	tests := []struct {
		name   string
		header http.Header
		body   []byte
		want   int
	}{
		{"non-terminal build ignored", sign(runningBody), runningBody, http.StatusOK},
		{"repo event ignored", sign([]byte(`{"event":"repo","action":"enabled","repo":{"slug":"octo/demo"}}`)),
			[]byte(`{"event":"repo","action":"enabled","repo":{"slug":"octo/demo"}}`), http.StatusOK},
		{"malformed JSON after a valid signature", sign([]byte(`{"event":`)), []byte(`{"event":`), http.StatusBadRequest},
		{"bad signature", dronetest.SignWebhook("wrong", runningBody, now), runningBody, http.StatusUnauthorized},
		{"stale date", dronetest.SignWebhook("hook-secret-1", runningBody, now.Add(-2*time.Minute)), runningBody, http.StatusUnauthorized},
		{"no signature", http.Header{}, runningBody, http.StatusUnauthorized},
		{"body over 1 MiB", sign(big), big, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := post(w.Webhook(), tt.header, tt.body); got != tt.want {
				t.Fatalf("status = %d, want %d", got, tt.want)
			}
		})
	}
	if want := []string{drone.RejectSignature, drone.RejectStale, drone.RejectMalformed}; strings.Join(rejects, ",") != strings.Join(want, ",") {
		t.Fatalf("rejects = %v, want %v", rejects, want)
	}
	req := httptest.NewRequest(http.MethodGet, "/hooks/drone", nil)
	rec := httptest.NewRecorder()
	w.Webhook().ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("GET status = %d, want 405", rec.Code)
	}
	if n := drain(context.Background(), w.webhook); n != 0 {
		t.Fatalf("%d jobs queued by refused or ignored deliveries", n)
	}
}

// TestWebhookAndPollDedupe: a build seen by both the webhook and the poller
// is alerted once; a payload without steps is completed from the API.
func TestWebhookAndPollDedupe(t *testing.T) {
	h := newHarness(t, drone.DialectV1)
	h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
	now := time.Now()
	w := h.watcher(func(o *Options) {
		o.Mode = ModeWebhook
		o.WebhookSecret = "hook-secret-1"
		o.Now = func() time.Time { return now }
	})
	h.cycle(w)
	n := h.fake.AddBuild("octo/demo", failingBuild())
	body := h.fake.WebhookPayload("octo/demo", n, "updated")
	if code := post(w.Webhook(), dronetest.SignWebhook("hook-secret-1", body, now), body); code != http.StatusAccepted {
		t.Fatalf("status %d", code)
	}
	drain(context.Background(), w.webhook)
	if got := h.take(); outcomes(got) != "#1:failure" || got[0].Log == nil {
		t.Fatalf("webhook alerts = %s, want #1:failure with a log", outcomes(got))
	}
	h.fake.ResetRequests()
	if got := h.cycle(w); len(got) != 0 {
		t.Fatalf("safety poll re-sent: %s", outcomes(got))
	}
	if reqs := h.fake.Requests(); len(reqs) != 1 {
		t.Fatalf("safety poll requests = %+v, want only the listing", reqs)
	}

	// A finished build delivered as "created" has no steps: fetched once.
	n = h.fake.AddBuild("octo/demo", successBuild())
	body = h.fake.WebhookPayload("octo/demo", n, "created")
	h.fake.ResetRequests()
	if code := post(w.Webhook(), dronetest.SignWebhook("hook-secret-1", body, now), body); code != http.StatusAccepted {
		t.Fatalf("status %d", code)
	}
	drain(context.Background(), w.webhook)
	if got := h.take(); outcomes(got) != "#2:fixed #2:success" {
		t.Fatalf("alerts = %s, want #2:fixed #2:success", outcomes(got))
	}
	if reqs := h.fake.Requests(); len(reqs) != 1 || reqs[0].Path != "/api/repos/octo/demo/builds/2" {
		t.Fatalf("requests = %+v, want one build fetch", reqs)
	}
}

// TestWatcherRunWebhookMode runs the real loop: the webhook is processed by
// Run's worker and the first poll runs at once.
func TestWatcherRunWebhookMode(t *testing.T) {
	h := newHarness(t, drone.DialectV1)
	h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
	emitted := make(chan string, 4)
	polled := make(chan struct{}, 1)
	w := h.watcher(func(o *Options) {
		o.Mode = ModeWebhook
		o.WebhookSecret = "hook-secret-1"
		o.SafetyPoll = time.Hour
		o.Emit = func(ctx context.Context, a *notify.Alert) error { emitted <- a.ID; return nil }
		o.OnCycle = func(time.Duration, error) { polled <- struct{}{} }
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	<-polled // the repository is known before its build starts
	n := h.fake.AddBuild("octo/demo", failingBuild())
	body := h.fake.WebhookPayload("octo/demo", n, "updated")
	if code := post(w.Webhook(), dronetest.SignWebhook("hook-secret-1", body, time.Now()), body); code != http.StatusAccepted {
		t.Fatalf("status %d", code)
	}
	select {
	case id := <-emitted:
		if id != "octo/demo#1:failure" {
			t.Fatalf("emitted %s", id)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the webhook's alert never came")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
}
