package commands

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
)

func TestErrorSentences(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		tests := []struct {
			who      Identity
			text     string
			want     string // the whole reply text
			observed string
			noDrone  bool // no request may reach Drone
		}{
			{reader, "/stauts octo/demo", "unknown command /stauts; did you mean /status? (/help lists every command)", "unknown unknown", true},
			{reader, "/frobnicate", "unknown command /frobnicate; /help lists every command.", "unknown unknown", true},
			{writer, "/restart octo/demo", "a build number is needed; usage: /restart owner/name N [KEY=VALUE ...]", "restart usage", true},
			{writer, "/restart octo/demo abc", `"abc" is not a build number; usage: /restart owner/name N [KEY=VALUE ...]`, "restart usage", true},
			{reader, "/status octo/../admin", `"octo/../admin" is not a repository (write owner/name); usage: /status owner/name [N | branch]`, "status usage", true},
			{reader, "/status octo/demo?x=1", `"octo/demo?x=1" is not a repository (write owner/name); usage: /status owner/name [N | branch]`, "status usage", true},
			{reader, "/logs a/b/c 1", `"a/b/c" is not a repository (write owner/name); usage: /logs owner/name [N] [step | stage/step] [--tail | -n LINES | --around LINE | --grep TEXT]`, "logs usage", true},
			{reader, "/logs octo/demo 2 -n", "-n needs a number of lines; usage: /logs owner/name [N] [step | stage/step] [--tail | -n LINES | --around LINE | --grep TEXT]", "logs usage", true},
			{reader, `/logs "octo/demo 2`, "a quote is not closed; usage: /logs owner/name [N] [step | stage/step] [--tail | -n LINES | --around LINE | --grep TEXT]", "logs usage", true},
			{writer, "/build", "usage: /build owner/name [branch] [KEY=VALUE ...]", "build usage", true},
			{reader, "/restart octo/demo 2", "you are not allowed to run /restart on octo/demo. The bot's operator can grant the right.", "restart refused", true},
			{reader, "/activate octo/demo", "you are not allowed to run /activate on octo/demo. The bot's operator can grant the right.", "activate refused", true},
			{reader, "/subscriptions", "you are not allowed to run /subscriptions. The bot's operator can grant the right.", "subscriptions refused", true},
			{reader, "/status octo/nope", "unknown repository octo/nope (/repos --all syncs the list from the forge).", "status error", false},
			{reader, "/logs octo/nope 1", "unknown repository octo/nope (/repos --all syncs the list from the forge).", "logs error", false},
			{reader, "/status octo/demo 99", "no such build: octo/demo has no build #99.", "status error", false},
			{reader, "/logs octo/demo #99", "no such build: octo/demo has no build #99.", "logs error", false},
			{writer, "/cancel octo/demo 99", "no such build: octo/demo has no build #99.", "cancel error", false},
			{reader, "/status octo/other", e.pick("octo/other has no build on its default branch yet.",
				"octo/other has no push pipeline on its default branch yet (Woodpecker counts only pushes there; /status with a number shows any pipeline)."), "status error", false},
		}
		for _, tt := range tests {
			e.srv.ResetRequests()
			r := e.run(t, tt.who, tt.text)
			if r.Text != tt.want || !r.Err || r.Public {
				t.Errorf("%s:\n got %q (Err=%v Public=%v)\nwant %q", tt.text, r.Text, r.Err, r.Public, tt.want)
			}
			if got := e.lastObserved(); got != tt.observed {
				t.Errorf("%s: observed %q, want %q", tt.text, got, tt.observed)
			}
			if n := len(e.srv.Requests()); tt.noDrone && n != 0 {
				t.Errorf("%s: sent %d requests to Drone: %v", tt.text, n, paths(e.srv.Requests()))
			}
		}
		logs := e.logs.String()
		mustContain(t, "audit of a refusal", logs, "who=slack:UREADER", "platform=slack", "command=restart",
			"repo=octo/demo", "result=refused")
		mustNotContain(t, "logs", logs, e.srv.Token)
	})
}

func TestOperatorAlwaysAllowed(t *testing.T) {
	e := newEnv(t, drone.DialectV1)
	e.seed(t)
	r := e.run(t, Identity{Platform: "cli", ID: "alice"}, "/promote octo/demo 1 prod")
	checkWrite(t, e, r, "promote")
}

func TestDroneUnreachable(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		e.srv.SetDown(true)
		for _, text := range []string{"/status octo/demo", "/repos", "/logs octo/demo 2", "/restart octo/demo 2"} {
			r := e.run(t, writer, text)
			if !r.Err || !strings.HasPrefix(r.Text, e.named("Drone is unreachable (")) {
				t.Errorf("%s with Drone down: %q", text, r.Text)
			}
			mustNotContain(t, text, r.Text, "127.0.0.1", e.srv.Token, "http")
		}
		e.srv.SetDown(false)
		if r := e.run(t, reader, "/status octo/demo 2"); r.Err {
			t.Errorf("after Drone is back: %q", r.Text)
		}
	})
}

func TestDroneTooSlow(t *testing.T) {
	e := newEnv(t, drone.DialectV1)
	e.seed(t)
	e.reg.deps.Timeout = 100 * time.Millisecond
	e.srv.SetDelay(5 * time.Second)
	r := e.run(t, reader, "/status octo/demo 2")
	if !r.Err || r.Text != "Drone is unreachable (timed out)." {
		t.Errorf("slow Drone: %q", r.Text)
	}
}

func TestDroneGatewayAndCutAnswersSayWhatHappened(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		e.srv.Fail("GET", "", http.StatusBadGateway, 1)
		r := e.run(t, reader, "/repos")
		if want := e.named("Drone is not answering: HTTP 502 Bad Gateway from the server or its proxy."); !r.Err || r.Text != want {
			t.Errorf("502:\n got %q\nwant %q", r.Text, want)
		}

		// An answer that starts but does not arrive within drone.timeout.
		client, err := drone.New(drone.Config{Server: e.srv.URL, Token: e.srv.Token, Dialect: e.srv.Dialect(),
			Timeout: 200 * time.Millisecond, Retries: -1})
		if err != nil {
			t.Fatal(err)
		}
		e.reg.deps.Drone = client
		e.srv.StallBody("GET", "", 1)
		r = e.run(t, reader, "/repos")
		if want := e.named("Drone began to answer but did not send the whole answer within 200ms."); !r.Err || r.Text != want {
			t.Errorf("stalled body:\n got %q\nwant %q", r.Text, want)
		}
	})
}

func TestDroneServerError(t *testing.T) {
	e := newEnv(t, drone.DialectV1)
	e.seed(t)
	e.srv.Fail("GET", "/api/repos/octo/demo/builds/2", http.StatusInternalServerError, 5)
	r := e.run(t, reader, "/status octo/demo 2")
	if !r.Err || r.Text != "Drone failed to answer (HTTP 500)." {
		t.Errorf("500: %q", r.Text)
	}
}

// TestNothingTriggered puts a proxy in front of the fake that answers a
// create with the 200 "null" Drone sends when no pipeline matched.
func TestNothingTriggered(t *testing.T) {
	e := newEnv(t, drone.DialectV1)
	e.seed(t)
	target, _ := url.Parse(e.srv.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/api/repos/octo/demo/builds" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte("null\n"))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	client, err := drone.New(drone.Config{Server: front.URL, Token: e.srv.Token, Dialect: drone.DialectV1, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	reg := NewRegistry(Deps{Drone: client, ACL: &ACL{Write: []string{"*"}}})
	r := reg.Run(context.Background(), Request{Text: "/build octo/demo", From: writer, Conversation: room})
	if !r.Err || r.Text != "Drone started no pipeline: nothing in .drone.yml matched this build." || r.Follow != nil {
		t.Errorf("nothing triggered: %q follow %+v", r.Text, r.Follow)
	}
}

func TestPanicRecovered(t *testing.T) {
	e := newEnv(t, drone.DialectV1)
	e.reg.commands["boom"] = Command{Name: "boom", Usage: "/boom", Class: Read,
		parse: func(*Registry, Args, Request) (call, error) {
			return call{run: func(context.Context) (Reply, error) { panic("token=abc123 leaked") }}, nil
		}}
	r := e.run(t, reader, "/boom")
	if !r.Err || r.Text != "internal error: the command failed; the details are in the bot's log." {
		t.Errorf("panic reply: %q", r.Text)
	}
	if e.lastObserved() != "boom error" {
		t.Errorf("observed %q", e.lastObserved())
	}
	mustContain(t, "log", e.logs.String(), "command panicked")
	mustNotContain(t, "log", e.logs.String(), "abc123")
}

func TestNilDepsStillAnswer(t *testing.T) {
	reg := NewRegistry(Deps{})
	r := reg.Run(context.Background(), Request{Text: "/help", From: reader})
	if r.Err || !strings.Contains(r.Text, "/status owner/name [N | branch]") {
		t.Errorf("help without deps: %+v", r)
	}
	r = reg.Run(context.Background(), Request{Text: "/restart octo/demo 1", From: reader})
	if !r.Err || r.Text != "you are not allowed to run /restart on octo/demo. The bot's operator can grant the right." {
		t.Errorf("nil ACL write: %q", r.Text)
	}
}
