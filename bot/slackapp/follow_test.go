package slackapp

import (
	"context"
	"encoding/json"
	"github.com/dronebot/dronebot/notify/slack"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

const testBotToken = "xoxb-test-0000-secret"

// fakeSlackAPI answers chat.postMessage the way Slack does: a form body
// with the token, a channel and blocks within Block Kit's limits.
type fakeSlackAPI struct {
	srv  *httptest.Server
	mu   sync.Mutex
	sent []gotReply
}

func newFakeSlackAPI(tb testing.TB) *fakeSlackAPI {
	f := &fakeSlackAPI{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/api/chat.postMessage" {
			_, _ = io.WriteString(w, `{"ok":false,"error":"unknown_method"}`)
			return
		}
		if err := r.ParseForm(); err != nil {
			_, _ = io.WriteString(w, `{"ok":false,"error":"invalid_form_data"}`)
			return
		}
		token := r.PostForm.Get("token")
		if token == "" {
			token = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		}
		var blocks []map[string]any
		switch {
		case token != testBotToken:
			_, _ = io.WriteString(w, `{"ok":false,"error":"invalid_auth"}`)
			return
		case r.PostForm.Get("channel") != testChan:
			_, _ = io.WriteString(w, `{"ok":false,"error":"channel_not_found"}`)
			return
		case json.Unmarshal([]byte(r.PostForm.Get("blocks")), &blocks) != nil || len(blocks) > slack.MaxBlocks:
			_, _ = io.WriteString(w, `{"ok":false,"error":"invalid_blocks"}`)
			return
		case r.PostForm.Get("text") == "" && len(blocks) == 0:
			_, _ = io.WriteString(w, `{"ok":false,"error":"no_text"}`)
			return
		}
		f.mu.Lock()
		f.sent = append(f.sent, gotReply{Text: r.PostForm.Get("text"), Blocks: blocks})
		f.mu.Unlock()
		_, _ = io.WriteString(w, `{"ok":true,"channel":"`+testChan+`","ts":"1700000000.000100","message":{"text":"x"}}`)
	}))
	tb.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSlackAPI) wait(tb testing.TB, n int) []gotReply {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		f.mu.Lock()
		got := append([]gotReply(nil), f.sent...)
		f.mu.Unlock()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%d chat.postMessage calls after 10s, want %d", len(got), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestBuildFollowedWithBotToken(t *testing.T) {
	api := newFakeSlackAPI(t)
	h := newHarness(t, Config{BotToken: testBotToken, APIURL: api.srv.URL + "/api"})

	_, _, path := h.slash(t, writer, "/build", "octo/demo")
	first := h.replies.wait(t, path, 1)[0].content()
	mustContain(t, first, "started octo/demo #6")
	if strings.Contains(first, "can't") || strings.Contains(first, "30 minutes") {
		t.Errorf("with a bot token the first reply needs no caveat:\n%s", first)
	}
	h.fake.UpdateBuild("octo/demo", 6, func(b *dronetest.BuildSpec) {
		b.Status = drone.StatusFailure
		b.Started, b.Finished = time.Now().Add(-2*time.Minute), time.Now()
		b.Stages = []dronetest.StageSpec{{Name: "default", Status: drone.StatusFailure, Steps: []dronetest.StepSpec{
			{Name: "lint", Status: drone.StatusSuccess}, {Name: "test", Status: drone.StatusFailure, ExitCode: 2, Log: []string{"FAIL"}}}}}
	})
	outcome := api.wait(t, 1)[0].content()
	mustContain(t, outcome, "octo/demo #6: failure", "step default/test failed with exit code 2.",
		"https://drone.example.com/octo/demo/6", "octo/demo#6")
	if n := h.replies.count(path); n != 1 {
		t.Errorf("%d messages at the response_url, want only the first reply", n)
	}
}

func TestFollowWithoutBotToken(t *testing.T) {
	h := newHarness(t, Config{})
	note := h.app.followNote(job{}, &commands.Follow{Repo: "octo/demo", Number: 42})
	if want := "I can't post the outcome later: no bot token; check /status octo/demo 42."; note != want {
		t.Errorf("note without token or response_url = %q, want %q", note, want)
	}

	// A response_url about to expire: the watch ends a minute before it
	// does and says where to look instead.
	ru, err := newResponseURL(h.replies.srv.URL+"/late", time.Now().Add(-responseURLLife+time.Minute+100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	h.app.follow(job{route: "commands", respond: ru, channel: testChan}, &commands.Follow{Repo: "octo/demo", Number: 3})
	got := h.replies.wait(t, "/late", 1)[0]
	mustContain(t, got.content(), "octo/demo #3 is still running and I can't post its outcome later: no bot token; check /status octo/demo 3.")
}

func TestResponseURLLimits(t *testing.T) {
	now := time.Now()
	ru, err := newResponseURL("https://hooks.slack.com/commands/T1/2/x", now)
	if err != nil {
		t.Fatal(err)
	}
	for i := range responseURLUses {
		if err := ru.take(now); err != nil {
			t.Fatalf("use %d: %v", i+1, err)
		}
	}
	if err := ru.take(now); err == nil {
		t.Error("a sixth use was allowed")
	}
	ru2, _ := newResponseURL("https://hooks.slack.com/commands/T1/2/y", now)
	if err := ru2.take(now.Add(responseURLLife)); err == nil {
		t.Error("a use after 30 minutes was allowed")
	}
	for _, bad := range []string{"file:///etc/passwd", "javascript:alert(1)", "/relative", "https://"} {
		if _, err := newResponseURL(bad, now); err == nil {
			t.Errorf("response_url %q accepted", bad)
		}
	}
}

func TestResponseURLRedirects(t *testing.T) {
	h := newHarness(t, Config{})
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	ru, _ := newResponseURL(redirect.URL+"/secret-capability", time.Now())
	err := h.app.postResponse(context.Background(), ru, render(commands.Reply{Text: "hi"}))
	if err == nil {
		t.Fatal("a redirect to file:// was followed")
	}
	if strings.Contains(err.Error(), "secret-capability") {
		t.Errorf("error names the response_url: %v", err)
	}
	if u, _ := url.Parse(redirect.URL); strings.Contains(err.Error(), u.Host) {
		t.Errorf("error names the response_url host: %v", err)
	}
}
