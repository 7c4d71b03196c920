package slackapp

import (
	"bytes"
	"context"
	"github.com/dronebot/dronebot/bot/intake"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRefusedRequestsDoNothing: a forged signature, a stale timestamp, an
// oversized or malformed body are refused before anything runs, and a user
// without write permission gets a refusal; Drone sees no write in any case.
func TestRefusedRequestsDoNothing(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	var results []string
	logger := slog.New(slog.NewTextHandler(&syncWriter{w: &logs, mu: &mu}, nil))
	h := newHarness(t, Config{}, WithObserver(func(route, result string) {
		mu.Lock()
		defer mu.Unlock()
		results = append(results, route+":"+result)
	}))
	h.app.log = logger

	restart, _ := h.slashForm(writer, "/restart", "octo/demo 2")
	restartBody := []byte(restart.Encode())
	huge := append([]byte("text="), bytes.Repeat([]byte("a"), intake.MaxBody)...)
	missingUser, _ := h.slashForm("", "/restart", "octo/demo 2")
	badURL, _ := h.slashForm(writer, "/restart", "octo/demo 2")
	badURL.Set("response_url", "file:///etc/passwd")
	cases := []struct {
		name   string
		secret string
		ts     time.Time
		body   []byte
		status int
		result string
	}{
		{"forged signature", "not-the-secret", time.Now(), restartBody, http.StatusUnauthorized, "bad_signature"},
		{"stale timestamp", testSecret, time.Now().Add(-6 * time.Minute), restartBody, http.StatusUnauthorized, "stale"},
		{"future timestamp", testSecret, time.Now().Add(6 * time.Minute), restartBody, http.StatusUnauthorized, "stale"},
		{"oversized body", testSecret, time.Now(), huge, http.StatusRequestEntityTooLarge, "too_large"},
		{"malformed form", testSecret, time.Now(), []byte("user_id=%zz&command=%"), http.StatusBadRequest, "malformed"},
		{"no user", testSecret, time.Now(), []byte(missingUser.Encode()), http.StatusBadRequest, "malformed"},
		{"response_url not http", testSecret, time.Now(), []byte(badURL.Encode()), http.StatusBadRequest, "malformed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, _ := h.post(t, "/slack/commands", c.secret, c.ts, c.body)
			if status != c.status {
				t.Errorf("status = %d, want %d", status, c.status)
			}
			mu.Lock()
			last := results[len(results)-1]
			mu.Unlock()
			if last != "commands:"+c.result {
				t.Errorf("observed %s, want commands:%s", last, c.result)
			}
		})
	}

	t.Run("write without permission", func(t *testing.T) {
		status, _, path := h.slash(t, reader, "/restart", "octo/demo 2")
		if status != http.StatusOK {
			t.Fatalf("status = %d", status)
		}
		got := h.replies.wait(t, path, 1)[0]
		mustContain(t, got.content(), "you are not allowed to run /restart on octo/demo.")
		if got.ResponseType != "ephemeral" {
			t.Errorf("refusal is %s, want ephemeral", got.ResponseType)
		}
	})
	t.Run("team not allowed", func(t *testing.T) {
		h.app.cfg.AllowedTeams = []string{"T0OTHER"}
		defer func() { h.app.cfg.AllowedTeams = nil }()
		status, ack, path := h.slash(t, writer, "/restart", "octo/demo 2")
		if status != http.StatusOK || !strings.Contains(ack, "not allowed to use this bot") {
			t.Errorf("ack = %d %s", status, ack)
		}
		if n := h.replies.count(path); n != 0 {
			t.Errorf("%d replies for a refused team", n)
		}
	})

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.app.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if w := h.writes(); len(w) != 0 {
		t.Errorf("Drone saw writes: %v", w)
	}
	mu.Lock()
	logged := logs.String()
	mu.Unlock()
	if strings.Contains(logged, testSecret) || strings.Contains(logged, h.replies.srv.URL) {
		t.Errorf("log holds the secret or a response_url:\n%s", logged)
	}
	if n := strings.Count(logged, "slack request refused"); n != len(cases) {
		t.Errorf("%d refusal log lines, want one per refused request (%d)", n, len(cases))
	}
}

func TestVerifyUsesAppClock(t *testing.T) {
	h := newHarness(t, Config{}, WithNow(func() time.Time { return time.Now().Add(10 * time.Minute) }))
	status, _, _ := h.slash(t, writer, "/help", "")
	if status != http.StatusUnauthorized {
		t.Errorf("status = %d, want 401: the app's clock is 10 minutes ahead of the request", status)
	}
}

// TestSignatureVector checks verification against Slack's documented example
// (Slack's documentation) at its own time.
func TestSignatureVector(t *testing.T) {
	body := "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	const want = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
	if got := sign("8f742231b10e8888abcd99yyyzzz85a5", "1531420618", []byte(body)); got != want {
		t.Fatalf("test signer = %s, want %s", got, want)
	}
	a := &App{cfg: Config{SigningSecret: "8f742231b10e8888abcd99yyyzzz85a5"}, now: func() time.Time { return time.Unix(1531420618, 0) }}
	hdr := http.Header{"X-Slack-Request-Timestamp": {"1531420618"}, "X-Slack-Signature": {want}}
	// slack-go also checks the wall clock, so the 2018 vector is stale today.
	if rej := a.verify(hdr, []byte(body)); rej == nil || rej.result != "stale" {
		t.Errorf("verify of a 2018 request = %v, want stale", rej)
	}
	a.now = time.Now
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	hdr = http.Header{"X-Slack-Request-Timestamp": {stamp}, "X-Slack-Signature": {sign("8f742231b10e8888abcd99yyyzzz85a5", stamp, []byte(body))}}
	if rej := a.verify(hdr, []byte(body)); rej != nil {
		t.Errorf("verify of a fresh signature: %v", rej)
	}
	hdr.Set("X-Slack-Signature", want)
	if rej := a.verify(hdr, []byte(body)); rej == nil || rej.result != "bad_signature" {
		t.Errorf("verify of a signature for another timestamp = %v, want bad_signature", rej)
	}
}

type syncWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
