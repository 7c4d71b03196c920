package slackapp

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestButtons(t *testing.T) {
	h := newHarness(t, Config{})

	status, path := h.click(t, writer, "logs", "octo/demo#2")
	if status != http.StatusOK {
		t.Fatalf("logs click: status %d", status)
	}
	got := h.replies.wait(t, path, 1)[0]
	mustContain(t, got.content(), "default/test: failure, exit code 2", "--- FAIL: TestAdd (0.00s)", "got 3, want 4")
	if got.ResponseType != "ephemeral" {
		t.Errorf("logs reply is %s, want ephemeral", got.ResponseType)
	}

	status, path = h.click(t, reader, "restart", "octo/demo#2")
	if status != http.StatusOK {
		t.Fatalf("restart click by a reader: status %d", status)
	}
	mustContain(t, h.replies.wait(t, path, 1)[0].content(), "you are not allowed to run /restart on octo/demo.")
	if w := h.writes(); len(w) != 0 {
		t.Fatalf("a reader's click wrote to Drone: %v", w)
	}

	status, path = h.click(t, writer, "restart", "octo/demo#2")
	if status != http.StatusOK {
		t.Fatalf("restart click: status %d", status)
	}
	got = h.replies.wait(t, path, 1)[0]
	mustContain(t, got.content(), "restarted octo/demo #2 as #6.")
	if got.ResponseType != "in_channel" {
		t.Errorf("restart reply is %s, want in_channel", got.ResponseType)
	}
	if w := h.writes(); len(w) != 1 || w[0] != "POST /api/repos/octo/demo/builds/2" {
		t.Errorf("Drone writes = %v, want the one restart", w)
	}
}

func TestButtonValuesAreStrict(t *testing.T) {
	cases := []struct {
		action, value, want string
		ok                  bool
	}{
		{"restart", "octo/demo#42", "/restart octo/demo 42", true},
		{"logs", "octo/my.repo-1#7", "/logs octo/my.repo-1 7", true},
		{"logs", "octo/demo#42 -n 100000", "", false},
		{"restart", "octo/demo#42 KEY=x", "", false},
		{"restart", "octo/demo 42", "", false},
		{"restart", "octo#42", "", false},
		{"promote", "octo/demo#42", "", false},
		{"logs", "octo/demo#", "", false},
	}
	for _, c := range cases {
		got, err := buttonCommand(c.action, c.value)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("buttonCommand(%q, %q) = %q, %v; want %q ok=%v", c.action, c.value, got, err, c.want, c.ok)
		}
	}
}

func TestInteractionRefusals(t *testing.T) {
	h := newHarness(t, Config{})
	payload := `{"type":"block_actions","user":{"id":"UWRITER"},"response_url":"` + h.replies.srv.URL + `/x",` +
		`"actions":[{"action_id":"restart","value":"octo/demo#2"}]}`
	body := []byte(url.Values{"payload": {payload}}.Encode())
	cases := []struct {
		name   string
		secret string
		ts     time.Time
		body   []byte
		status int
	}{
		{"forged", "wrong", time.Now(), body, http.StatusUnauthorized},
		{"stale", testSecret, time.Now().Add(-10 * time.Minute), body, http.StatusUnauthorized},
		{"no payload", testSecret, time.Now(), []byte("foo=bar"), http.StatusBadRequest},
		{"payload not JSON", testSecret, time.Now(), []byte("payload=%7Bnope"), http.StatusBadRequest},
		{"view submission ignored", testSecret, time.Now(), []byte(url.Values{"payload": {`{"type":"view_submission","user":{"id":"U1"}}`}}.Encode()), http.StatusOK},
	}
	for _, c := range cases {
		if status, _ := h.post(t, "/slack/interactions", c.secret, c.ts, c.body); status != c.status {
			t.Errorf("%s: status %d, want %d", c.name, status, c.status)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.app.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if w := h.writes(); len(w) != 0 {
		t.Errorf("Drone saw writes: %v", w)
	}
	if n := h.replies.count("/x"); n != 0 {
		t.Errorf("%d replies to refused clicks", n)
	}
}
