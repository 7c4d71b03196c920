package commands

import (
	"bytes"
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

// testEnv is a registry wired to a real client and a fake Drone server.
type testEnv struct {
	srv    *dronetest.Server
	client drone.Client
	reg    *Registry
	subs   Subscriptions
	logs   *syncBuffer
	mu     sync.Mutex
	seen   []string // "command result" pairs told to Observe
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var (
	writer   = Identity{Platform: "slack", ID: "UWRITER"}
	reader   = Identity{Platform: "slack", ID: "UREADER"}
	deployer = Identity{Platform: "wecom", ID: "deployer"}
	room     = Conversation{Platform: "slack", ID: "C123"}
)

const droneUI = "https://drone.example.com"

func newEnv(t testing.TB, dialect drone.Dialect) *testEnv {
	t.Helper()
	srv := dronetest.New(dialect)
	t.Cleanup(srv.Close)
	client, err := drone.New(drone.Config{Server: srv.URL, Token: srv.Token, Dialect: dialect,
		Timeout: 5 * time.Second, Retries: -1})
	if err != nil {
		t.Fatalf("drone.New: %v", err)
	}
	e := &testEnv{srv: srv, client: client, subs: NewMemorySubscriptions(), logs: &syncBuffer{}}
	e.reg = NewRegistry(Deps{
		Drone: client,
		ACL: &ACL{
			Read:   []string{"*"},
			Write:  []string{writer.String(), deployer.String()},
			Deploy: []string{deployer.String()},
		},
		Subs:     e.subs,
		Logger:   slog.New(slog.NewTextHandler(e.logs, nil)),
		DroneURL: droneUI + "/",
		Observe: func(command, result string) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.seen = append(e.seen, command+" "+result)
		},
		Timeout: 20 * time.Second,
	})
	return e
}

// run runs text as who in room and checks that Observe heard about it.
func (e *testEnv) run(t *testing.T, who Identity, text string) Reply {
	t.Helper()
	e.mu.Lock()
	before := len(e.seen)
	e.mu.Unlock()
	reply := e.reg.Run(context.Background(), Request{Text: text, From: who, Conversation: room})
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.seen) != before+1 {
		t.Fatalf("%s: Observe called %d times, want once", text, len(e.seen)-before)
	}
	return reply
}

func (e *testEnv) lastObserved() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.seen[len(e.seen)-1]
}

// named is text as the replies word it for the fake's server: Woodpecker
// where they say Drone.
func (e *testEnv) named(text string) string {
	if e.srv.Dialect() == drone.DialectWoodpecker {
		return strings.ReplaceAll(text, "Drone", "Woodpecker")
	}
	return text
}

// pick is wp on Woodpecker, else drone.
func (e *testEnv) pick(droneText, wp string) string {
	if e.srv.Dialect() == drone.DialectWoodpecker {
		return wp
	}
	return droneText
}

// forBoth runs fn against a fake server of each dialect.
func forBoth(t *testing.T, fn func(t *testing.T, e *testEnv)) {
	for _, d := range []drone.Dialect{drone.DialectV1, drone.DialectV08, drone.DialectWoodpecker} {
		t.Run(string(d), func(t *testing.T) { fn(t, newEnv(t, d)) })
	}
}

// seed adds octo/demo with a green build #1, a build #2 that failed in
// build/compile (exit 2) and lint/vet (exit 1), and a running build #3.
func (e *testEnv) seed(t testing.TB) {
	t.Helper()
	e.srv.AddRepo("octo/demo", dronetest.RepoOptions{DefaultBranch: "main", Branches: []string{"dev"}})
	e.srv.AddRepo("octo/other", dronetest.RepoOptions{DefaultBranch: "master"})
	e.srv.AddRepo("octo/idle", dronetest.RepoOptions{Inactive: true})
	e.srv.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusSuccess, Branch: "main",
		Commit: "1111111aaaaaaa", Message: "first", Author: "pan",
		Stages: []dronetest.StageSpec{{Name: "build", Status: drone.StatusSuccess, Steps: []dronetest.StepSpec{
			{Name: "clone", Status: drone.StatusSuccess, Log: []string{"cloned"}},
			{Name: "compile", Status: drone.StatusSuccess, Log: []string{"ok"}},
		}}}})
	compileLog := make([]string, 0, 60)
	compileLog = append(compileLog, "error: undefined: frobnicate")
	for i := 1; i <= 55; i++ {
		compileLog = append(compileLog, "noisy line "+itoa(i))
	}
	compileLog = append(compileLog, "\x1b[31mcompile failed\x1b[0m", "export PASSWORD=hunter2hunter2", "exit status 2")
	e.srv.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusFailure, Branch: "main",
		Commit: "2222222bbbbbbb", Message: "break it\n\nlong body", Author: "pan",
		Stages: []dronetest.StageSpec{
			{Name: "build", Status: drone.StatusFailure, Steps: []dronetest.StepSpec{
				{Name: "clone", Status: drone.StatusSuccess, Log: []string{"cloned"}},
				{Name: "compile", Status: drone.StatusFailure, ExitCode: 2, Log: compileLog},
				{Name: "notify", Status: drone.StatusSuccess, Log: []string{"sent"}},
			}},
			{Name: "lint", Status: drone.StatusFailure, Steps: []dronetest.StepSpec{
				{Name: "vet", Status: drone.StatusFailure, ExitCode: 1, Log: []string{"vet: bad"}},
			}},
		}})
	e.srv.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusRunning, Branch: "main",
		Commit: "3333333ccccccc", Message: "try again", Author: "pan",
		Stages: []dronetest.StageSpec{{Name: "build", Status: drone.StatusRunning, Steps: []dronetest.StepSpec{
			{Name: "clone", Status: drone.StatusSuccess, Log: []string{"cloned"}},
			{Name: "compile", Status: drone.StatusRunning},
		}}}})
	e.srv.ResetRequests()
}

func itoa(i int) string { return strconv.Itoa(i) }

// writes are the requests that change something on the server.
func writes(reqs []dronetest.Request) []dronetest.Request {
	var out []dronetest.Request
	for _, r := range reqs {
		if r.Method != "GET" {
			out = append(out, r)
		}
	}
	return out
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s = %q, want it to contain %q", what, got, w)
		}
	}
}

func mustNotContain(t *testing.T, what, got string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(got, b) {
			t.Errorf("%s = %q, must not contain %q", what, got, b)
		}
	}
}

// paths lists the requests as "METHOD path?query".
func paths(reqs []dronetest.Request) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = r.Method + " " + r.Path
		if r.RawQuery != "" {
			out[i] += "?" + r.RawQuery
		}
	}
	return out
}
