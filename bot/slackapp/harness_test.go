package slackapp

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/dronebot/dronebot/bot/intake"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

const (
	testSecret = "8f742231b10e8888abcd99yyyzzz85a5"
	testTeam   = "T0DRONE"
	testChan   = "C0BUILDS"
	writer     = "UWRITER"
	reader     = "UREADER"
)

// harness is the bot's Slack routes on 127.0.0.1 in front of a fake Drone,
// with a local server standing in for Slack's response_url.
type harness struct {
	fake    *dronetest.Server
	dc      drone.Client
	app     *App
	bot     *httptest.Server
	replies *recorder
	seq     atomic.Int64
}

func newHarness(tb testing.TB, cfg Config, opts ...Option) *harness {
	tb.Helper()
	fake := dronetest.New(drone.DialectV1)
	tb.Cleanup(fake.Close)
	seedDrone(fake)
	dc, err := drone.New(drone.Config{Server: fake.URL, Token: fake.Token})
	if err != nil {
		tb.Fatalf("drone client: %v", err)
	}
	reg := commands.NewRegistry(commands.Deps{
		Drone:    dc,
		ACL:      &commands.ACL{Write: []string{"slack:" + writer}},
		DroneURL: "https://drone.example.com",
	})
	if cfg.SigningSecret == "" {
		cfg.SigningSecret = testSecret
	}
	if cfg.FollowEvery == 0 {
		cfg.FollowEvery = 20 * time.Millisecond
	}
	cfg.DroneURL = "https://drone.example.com"
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 100}}
	app, err := New(cfg, reg, dc, hc, nil, opts...)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	mux := http.NewServeMux()
	app.Routes(mux)
	h := &harness{fake: fake, dc: dc, app: app, bot: httptest.NewServer(intake.Guard(mux, nil, nil)), replies: newRecorder()}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := app.Wait(ctx); err != nil {
			tb.Errorf("Wait: %v", err)
		}
		h.bot.Close()
		h.replies.srv.Close()
	})
	return h
}

// seedDrone adds the repositories and builds the tests talk about.
func seedDrone(fake *dronetest.Server) {
	fake.AddRepo("octo/demo", dronetest.RepoOptions{})
	fake.AddRepo("octo/idle", dronetest.RepoOptions{Inactive: true})
	fake.AddRepo("octo/old", dronetest.RepoOptions{})
	clone := dronetest.StepSpec{Name: "clone", Status: drone.StatusSuccess, Log: []string{"+ git fetch origin", "+ git checkout abc1234"}}
	fake.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusSuccess, Message: "first", Stages: []dronetest.StageSpec{
		{Name: "default", Status: drone.StatusSuccess, Steps: []dronetest.StepSpec{clone}}}})
	fake.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusFailure, Message: "add feature", Stages: []dronetest.StageSpec{
		{Name: "default", Status: drone.StatusFailure, Steps: []dronetest.StepSpec{clone, {
			Name: "test", Status: drone.StatusFailure, ExitCode: 2,
			Log: []string{"go test ./...", "--- FAIL: TestAdd (0.00s)", "    add_test.go:12: got 3, want 4", "FAIL"},
		}}}}})
	fake.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusRunning, Stages: []dronetest.StageSpec{
		{Name: "default", Status: drone.StatusRunning, Steps: []dronetest.StepSpec{{Name: "test", Status: drone.StatusRunning}}}}})
	for range 2 {
		fake.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusBlocked, Stages: []dronetest.StageSpec{
			{Name: "deploy", Status: drone.StatusBlocked, Steps: []dronetest.StepSpec{{Name: "ship", Status: drone.StatusPending}}}}})
	}
}

// writes are the requests that changed the fake Drone.
func (h *harness) writes() []string {
	var out []string
	for _, r := range h.fake.Requests() {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

func sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// post sends body to the bot's route, signed with secret at ts.
func (h *harness) post(tb testing.TB, route, secret string, ts time.Time, body []byte) (int, string) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, h.bot.URL+route, strings.NewReader(string(body)))
	if err != nil {
		tb.Fatal(err)
	}
	stamp := strconv.FormatInt(ts.Unix(), 10)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", sign(secret, stamp, body))
	resp, err := h.bot.Client().Do(req)
	if err != nil {
		tb.Fatalf("POST %s: %v", route, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(answer)
}

// slashForm is a slash command as Slack posts it; it returns the form and
// the response_url path its replies will arrive at.
func (h *harness) slashForm(user, command, text string) (url.Values, string) {
	path := fmt.Sprintf("/commands/%d", h.seq.Add(1))
	return url.Values{
		"token": {"legacy-verification-token"}, "team_id": {testTeam}, "team_domain": {"octo"},
		"channel_id": {testChan}, "channel_name": {"builds"}, "user_id": {user}, "user_name": {"someone"},
		"command": {command}, "text": {text}, "response_url": {h.replies.srv.URL + path},
		"trigger_id": {"1.2.3"}, "api_app_id": {"A0BOT"},
	}, path
}

// slash sends a correctly signed slash command and returns the status, the
// acknowledgement and the response_url path.
func (h *harness) slash(tb testing.TB, user, command, text string) (int, string, string) {
	tb.Helper()
	form, path := h.slashForm(user, command, text)
	status, ack := h.post(tb, "/slack/commands", testSecret, time.Now(), []byte(form.Encode()))
	return status, ack, path
}

// click sends a signed block_actions payload for one button.
func (h *harness) click(tb testing.TB, user, action, value string) (int, string) {
	tb.Helper()
	path := fmt.Sprintf("/actions/%d", h.seq.Add(1))
	payload := fmt.Sprintf(`{"type":"block_actions","team":{"id":%q},"user":{"id":%q,"name":"someone"},`+
		`"channel":{"id":%q},"container":{"type":"message","channel_id":%q},"response_url":%q,"trigger_id":"1.2",`+
		`"actions":[{"type":"button","action_id":%q,"block_id":"buttons-1","value":%q,"action_ts":"1.0"}]}`,
		testTeam, user, testChan, testChan, h.replies.srv.URL+path, action, value)
	status, _ := h.post(tb, "/slack/interactions", testSecret, time.Now(), []byte(url.Values{"payload": {payload}}.Encode()))
	return status, path
}

// gotReply is one message posted to a response_url.
type gotReply struct {
	ResponseType string           `json:"response_type"`
	Text         string           `json:"text"`
	Blocks       []map[string]any `json:"blocks"`
	raw          string
}

// content is every text of the message, blocks included, for assertions.
func (g gotReply) content() string {
	var sb strings.Builder
	sb.WriteString(g.Text + "\n")
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && (k == "text" || k == "value") {
					sb.WriteString(s + "\n")
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for _, b := range g.Blocks {
		walk(b)
	}
	return sb.String()
}

// recorder stands in for Slack's response_url endpoints and records what
// arrives, by path.
type recorder struct {
	srv *httptest.Server
	mu  sync.Mutex
	got map[string][]gotReply
}

func newRecorder() *recorder {
	rec := &recorder{got: map[string][]gotReply{}}
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var g gotReply
		if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") ||
			json.Unmarshal(body, &g) != nil || g.Text == "" {
			http.Error(w, "invalid_payload", http.StatusBadRequest) // what Slack answers
			return
		}
		g.raw = string(body)
		rec.mu.Lock()
		rec.got[r.URL.Path] = append(rec.got[r.URL.Path], g)
		rec.mu.Unlock()
		_, _ = io.WriteString(w, "ok")
	}))
	return rec
}

// wait returns the first n replies at path, failing after 10s without them.
func (rec *recorder) wait(tb testing.TB, path string, n int) []gotReply {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rec.mu.Lock()
		got := append([]gotReply(nil), rec.got[path]...)
		rec.mu.Unlock()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%d replies at %s after 10s, want %d", len(got), path, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (rec *recorder) count(path string) int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.got[path])
}

func mustContain(tb testing.TB, got string, wants ...string) {
	tb.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			tb.Errorf("reply lacks %q; got:\n%s", w, got)
		}
	}
}
