package webhook_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/webhook"
	"github.com/dronebot/dronebot/notify/webhook/webhooktest"
)

func message() *notify.Message {
	return &notify.Message{ID: "dlv-0001", Alerts: []*notify.Alert{{
		ID: "octo/demo#42:failure", Outcome: notify.OutcomeFailure, Repo: "octo/demo", Build: 42,
		Status: "failure", Branch: "main", Commit: "abc1234def",
		FailedSteps: []notify.FailedStep{{Stage: "default", Name: "test", ExitCode: 2, Duration: time.Second}},
		Log:         &notify.LogExcerpt{Step: "test", Lines: []string{"a", "b"}, Total: 9},
	}}}
}

func newSink(t *testing.T, url string) *webhook.Sink {
	t.Helper()
	s, err := webhook.New(webhook.Config{URL: url, Headers: map[string]string{"Authorization": "Bearer OPS-SECRET"}},
		notify.Env{Name: "audit-hook", HTTP: &http.Client{Timeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSendPayloadAndHeaders(t *testing.T) {
	rcv := webhooktest.NewReceiver()
	defer rcv.Close()
	if err := newSink(t, rcv.URL()+"/dronebot").Send(context.Background(), message()); err != nil {
		t.Fatal(err)
	}
	reqs := rcv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Path != "/dronebot" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	for k, want := range map[string]string{"X-Dronebot-Delivery": "dlv-0001", "Authorization": "Bearer OPS-SECRET", "Content-Type": "application/json; charset=utf-8"} {
		if got := r.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	p := r.Payload
	if p == nil || p.Delivery != "dlv-0001" || p.Lang != "en" || len(p.Alerts) != 1 {
		t.Fatalf("payload %s", r.Body)
	}
	a := p.Alerts[0]
	if a.ID != "octo/demo#42:failure" || a.Outcome != notify.OutcomeFailure || a.FailedSteps[0].ExitCode != 2 || a.Log.Total != 9 {
		t.Errorf("alert %+v", a)
	}
	for _, field := range []string{`"schema":"dronebot.alert/v1"`, `"outcome":"failure"`, `"failed_steps":[{"stage":"default","name":"test","exit_code":2,"duration_ns":1000000000}]`} {
		if !strings.Contains(string(r.Body), field) {
			t.Errorf("body lacks %s: %s", field, r.Body)
		}
	}
	if strings.Contains(string(r.Body), `"started"`) {
		t.Errorf("zero times should be omitted: %s", r.Body)
	}
}

func TestSendStatuses(t *testing.T) {
	tests := []struct {
		status     int
		retryAfter string
		permanent  bool
		delay      time.Duration
	}{
		{500, "", false, 0},
		{503, "7", false, 7 * time.Second},
		{429, "30", false, 30 * time.Second},
		{400, "", true, 0},
		{401, "", true, 0},
		{404, "", true, 0},
	}
	for _, tt := range tests {
		rcv := webhooktest.NewReceiver()
		rcv.AnswerNext(1, tt.status, tt.retryAfter, "nope")
		err := newSink(t, rcv.URL()+"/hook/PATH-SECRET?token=Q-SECRET").Send(context.Background(), message())
		rcv.Close()
		if err == nil {
			t.Errorf("%d: no error", tt.status)
			continue
		}
		if notify.IsPermanent(err) != tt.permanent {
			t.Errorf("%d: permanent = %v", tt.status, notify.IsPermanent(err))
		}
		if d, _ := notify.RetryDelay(err); d != tt.delay {
			t.Errorf("%d: delay %v, want %v", tt.status, d, tt.delay)
		}
		if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%d: secret in %v", tt.status, err)
		}
	}
}

func TestContextCancelled(t *testing.T) {
	rcv := webhooktest.NewReceiver()
	defer rcv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := newSink(t, rcv.URL()+"/?key=K-SECRET").Send(ctx, message())
	if err == nil || len(rcv.Requests()) != 0 || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("err = %v, requests %d", err, len(rcv.Requests()))
	}
}

func TestNewRejectsBadURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x/y", "localhost:80"} {
		if _, err := webhook.New(webhook.Config{URL: u}, notify.Env{}); err == nil {
			t.Errorf("New(%q) accepted", u)
		}
	}
}
