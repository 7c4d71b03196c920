package slackapp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/dronebot/dronebot/bot/store"
)

// postRaw sends body signed at ts with extra headers, as a replaying
// attacker or Slack's own retry would.
func (h *harness) postRaw(t *testing.T, route string, ts time.Time, body []byte, header http.Header) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.bot.URL+route, strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	stamp := strconv.FormatInt(ts.Unix(), 10)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", sign(testSecret, stamp, body))
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := h.bot.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (h *harness) restarts() int {
	n := 0
	for _, w := range h.writes() {
		if w == "POST /api/repos/octo/demo/builds/2" {
			n++
		}
	}
	return n
}

func TestReplayedRequestsRunOnce(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "bot.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h := newHarness(t, Config{}, WithKeys(st))
	at := time.Now()

	// One signed slash command, sent twice, and once more as Slack's retry.
	form, path := h.slashForm(writer, "/restart", "octo/demo 2")
	slash := []byte(form.Encode())
	for i, header := range []http.Header{nil, nil, {"X-Slack-Retry-Num": {"1"}, "X-Slack-Retry-Reason": {"http_timeout"}}} {
		if code := h.postRaw(t, "/slack/commands", at, slash, header); code != http.StatusOK {
			t.Fatalf("send %d: status %d", i+1, code)
		}
	}
	h.replies.wait(t, path, 1)
	if err := h.app.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := h.restarts(); n != 1 {
		t.Errorf("the slash command restarted the build %d times, want once", n)
	}

	// One restart button payload sent three times.
	payload := fmt.Sprintf(`{"type":"block_actions","team":{"id":%q},"user":{"id":%q,"name":"someone"},`+
		`"channel":{"id":%q},"container":{"type":"message","channel_id":%q},"response_url":%q,"trigger_id":"9.9",`+
		`"actions":[{"type":"button","action_id":"restart","block_id":"buttons-1","value":"octo/demo#2","action_ts":"9.0"}]}`,
		testTeam, writer, testChan, testChan, h.replies.srv.URL+"/actions/replayed")
	click := []byte(url.Values{"payload": {payload}}.Encode())
	for i := range 3 {
		if code := h.postRaw(t, "/slack/interactions", at, click, nil); code != http.StatusOK {
			t.Fatalf("click %d: status %d", i+1, code)
		}
	}
	h.replies.wait(t, "/actions/replayed", 1)
	if err := h.app.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := h.restarts(); n != 2 {
		t.Errorf("after the button: %d restarts, want 2 (one per distinct request)", n)
	}

	// A restarted bot on the same store remembers them.
	again := newHarness(t, Config{}, WithKeys(st))
	again.postRaw(t, "/slack/commands", at, slash, nil)
	again.postRaw(t, "/slack/interactions", at, click, nil)
	if err := again.app.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if w := again.writes(); len(w) != 0 {
		t.Errorf("after a restart the replays ran again: %v", w)
	}
}

// A Socket Mode envelope redelivered after a restart runs once.
func TestSocketEnvelopeRemembered(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "bot.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	click := socketmode.Event{
		Type:    socketmode.EventTypeInteractive,
		Request: &socketmode.Request{Type: socketmode.RequestTypeInteractive, EnvelopeID: "env-restart"},
	}
	for run := range 2 {
		h := newHarness(t, Config{AppToken: "xapp-test"}, WithKeys(st))
		click.Data = slackapi.InteractionCallback{Type: slackapi.InteractionTypeBlockActions, User: slackapi.User{ID: writer},
			Team: slackapi.Team{ID: testTeam}, ResponseURL: h.replies.srv.URL + "/socket-click",
			ActionCallback: slackapi.ActionCallbacks{BlockActions: []*slackapi.BlockAction{{ActionID: "restart", Value: "octo/demo#2"}}}}
		acks := &ackRecorder{acks: map[string]string{}}
		ctx, cancel := context.WithCancel(context.Background())
		h.app.socketHandler(ctx, h.app.socketClient(), acks).DispatchEvent(click)
		acks.wait(t, "env-restart")
		if run == 0 {
			h.replies.wait(t, "/socket-click", 1) // the job ran
		}
		if err := h.app.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		cancel()
		if want := 1 - run; h.restarts() != want {
			t.Errorf("run %d: %d restarts, want %d (the envelope is remembered across a restart)", run+1, h.restarts(), want)
		}
	}
}
