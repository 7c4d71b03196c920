package drone_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

// These tests run every drone.Client operation against the fake server in
// both dialects: reads here; writes, error kinds and the retry rule in
// client_fake_errors_test.go.

const demo = "octo/demo"

// clientTimeout keeps each attempt short so the fault cases stay fast.
const clientTimeout = 300 * time.Millisecond

func forEachDialect(t *testing.T, fn func(t *testing.T, d drone.Dialect)) {
	for _, dialect := range []drone.Dialect{drone.DialectV1, drone.DialectV08} {
		t.Run(string(dialect), func(t *testing.T) { fn(t, dialect) })
	}
}

// newFake starts a fake of dialect holding octo/demo (default branch main,
// the forge also knows dev).
func newFake(t *testing.T, d drone.Dialect) *dronetest.Server {
	t.Helper()
	s := dronetest.New(d)
	t.Cleanup(s.Close)
	s.AddRepo(demo, dronetest.RepoOptions{Branches: []string{"dev"}})
	return s
}

// newClient is a client of s in its dialect with its token; edits change the
// configuration first.
func newClient(t *testing.T, s *dronetest.Server, edits ...func(*drone.Config)) drone.Client {
	t.Helper()
	// A transport of its own, so no pooled connection from elsewhere is reused
	// and the fake's request counts are exact.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	cfg := drone.Config{Server: s.URL, Token: s.Token, Dialect: s.Dialect(), Timeout: clientTimeout,
		HTTPClient: &http.Client{Transport: tr}}
	for _, edit := range edits {
		edit(&cfg)
	}
	c, err := drone.New(cfg)
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	return c
}

func ctxOf(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// seen lists what the fake received with method ("" = any) as "METHOD /path?query".
func seen(s *dronetest.Server, method string) []string {
	var out []string
	for _, r := range s.Requests() {
		if method != "" && r.Method != method {
			continue
		}
		line := r.Method + " " + r.Path
		if r.RawQuery != "" {
			line += "?" + r.RawQuery
		}
		out = append(out, line)
	}
	return out
}

func wantSeen(t *testing.T, s *dronetest.Server, method string, want ...string) {
	t.Helper()
	if got := seen(s, method); !reflect.DeepEqual(got, want) {
		t.Errorf("requests = %q, want %q", got, want)
	}
}

// wantKind checks that err is a *drone.Error of kind whose text holds no token.
func wantKind(t *testing.T, err error, kind drone.Kind, tokens ...string) *drone.Error {
	t.Helper()
	var de *drone.Error
	if !errors.As(err, &de) {
		t.Fatalf("error = %v (%T), want a *drone.Error of kind %v", err, err, kind)
	}
	if de.Kind != kind {
		t.Errorf("kind = %v (%v), want %v", de.Kind, err, kind)
	}
	for _, tok := range tokens {
		if strings.Contains(err.Error(), tok) {
			t.Errorf("error text holds a token: %v", err)
		}
	}
	return de
}

func fakeBuild(t *testing.T, s *dronetest.Server, number int64) dronetest.BuildSpec {
	t.Helper()
	b, ok := s.BuildSpec(demo, number)
	if !ok {
		t.Fatalf("the fake has no build #%d", number)
	}
	return b
}

// failedBuild has two stages; its test step failed with exit code 2.
func failedBuild(testLog []string) dronetest.BuildSpec {
	return dronetest.BuildSpec{Status: drone.StatusFailure, Message: "fix flaky test", Stages: []dronetest.StageSpec{
		{Name: "build", Status: drone.StatusFailure, Steps: []dronetest.StepSpec{
			{Name: "clone", Status: drone.StatusSuccess, Log: []string{"+ git clone"}},
			{Name: "test", Status: drone.StatusFailure, ExitCode: 2, Log: testLog},
		}},
		{Name: "notify", Status: drone.StatusSuccess, Steps: []dronetest.StepSpec{
			{Name: "slack", Status: drone.StatusSuccess, Log: []string{"sent"}},
		}},
	}}
}

// runningBuild is running its test step; deploy has not started.
func runningBuild() dronetest.BuildSpec {
	return dronetest.BuildSpec{Status: drone.StatusRunning, Stages: []dronetest.StageSpec{
		{Name: "build", Status: drone.StatusRunning, Steps: []dronetest.StepSpec{
			{Name: "clone", Status: drone.StatusSuccess, Log: []string{"+ git clone"}},
			{Name: "test", Status: drone.StatusRunning},
			{Name: "deploy", Status: drone.StatusPending},
		}},
	}}
}

// blockedBuild waits for approval of its deploy stage.
func blockedBuild() dronetest.BuildSpec {
	return dronetest.BuildSpec{Status: drone.StatusBlocked, Stages: []dronetest.StageSpec{
		{Name: "build", Status: drone.StatusSuccess, Steps: []dronetest.StepSpec{{Name: "compile", Status: drone.StatusSuccess}}},
		{Name: "deploy", Status: drone.StatusBlocked, Steps: []dronetest.StepSpec{{Name: "push", Status: drone.StatusPending}}},
	}}
}

// shape renders the stages and steps of b, one line each.
func shape(b *drone.Build) []string {
	var out []string
	for _, st := range b.Stages {
		out = append(out, fmt.Sprintf("%d %s %s exit=%d", st.Number, st.Name, st.Status, st.ExitCode))
		for _, p := range st.Steps {
			out = append(out, fmt.Sprintf("  %d %s %s exit=%d", p.Number, p.Name, p.Status, p.ExitCode))
		}
	}
	return out
}

func slugsOf(rs []*drone.Repo) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.Slug)
	}
	return out
}

func numbersOf(bs []*drone.Build) []int64 {
	out := []int64{}
	for _, b := range bs {
		out = append(out, b.Number)
	}
	return out
}

// countDown lists from..to (from >= to) keeping what keep accepts (nil: all).
func countDown(from, to int64, keep func(int64) bool) []int64 {
	out := []int64{}
	for n := from; n >= to; n-- {
		if keep == nil || keep(n) {
			out = append(out, n)
		}
	}
	return out
}

func TestFakeClientReads(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d drone.Dialect) {
		t.Run("Dialect detected", func(t *testing.T) {
			s := newFake(t, d)
			c := newClient(t, s, func(cfg *drone.Config) { cfg.Dialect = drone.DialectAuto })
			for range 2 {
				got, err := c.Dialect(ctxOf(t))
				if err != nil || got != d {
					t.Fatalf("Dialect = %q, %v; want %q", got, err, d)
				}
			}
			if _, err := c.Self(ctxOf(t)); err != nil {
				t.Fatalf("Self after detection: %v", err)
			}
			wantSeen(t, s, "", "GET /version", "GET /api/user") // detected once, then cached
		})
		t.Run("Self", func(t *testing.T) {
			s := newFake(t, d)
			u, err := newClient(t, s).Self(ctxOf(t))
			if err != nil || u.Login != s.Login || !u.Admin {
				t.Fatalf("Self = %+v, %v", u, err)
			}
		})
		t.Run("Repos", func(t *testing.T) {
			s := newFake(t, d)
			s.AddRepo("octo/alpha", dronetest.RepoOptions{})
			s.AddRepo("octo/idle", dronetest.RepoOptions{Inactive: true})
			s.AddRepo("octo/hidden", dronetest.RepoOptions{Unsynced: true})
			s.AddBuild(demo, dronetest.BuildSpec{Status: drone.StatusSuccess})
			s.AddBuild(demo, dronetest.BuildSpec{Status: drone.StatusFailure, Branch: "dev"})
			c := newClient(t, s)
			rs, err := c.Repos(ctxOf(t), false)
			if err != nil || !reflect.DeepEqual(slugsOf(rs), []string{"octo/alpha", demo}) {
				t.Fatalf("Repos(false) = %v, %v", slugsOf(rs), err)
			}
			rs, err = c.Repos(ctxOf(t), true)
			if err != nil || !reflect.DeepEqual(slugsOf(rs), []string{"octo/alpha", demo}) {
				t.Fatalf("Repos(true) = %v, %v", slugsOf(rs), err)
			}
			if rs[0].Build != nil {
				t.Errorf("octo/alpha has no build, got #%d", rs[0].Build.Number)
			}
			if b := rs[1].Build; b == nil || b.Number != 2 || b.Status != drone.StatusFailure || b.Branch() != "dev" {
				t.Errorf("latest build of %s = %+v, want #2 failure on dev", demo, b)
			}
			latest := map[drone.Dialect]string{drone.DialectV1: "GET /api/user/repos?latest=true", drone.DialectV08: "GET /api/user/feed?latest=true"}
			wantSeen(t, s, "", "GET /api/user/repos", latest[d])
		})
		t.Run("SyncRepos", func(t *testing.T) {
			s := newFake(t, d)
			s.AddRepo("octo/idle", dronetest.RepoOptions{Inactive: true})
			s.AddRepo("octo/hidden", dronetest.RepoOptions{Unsynced: true})
			c := newClient(t, s)
			rs, err := c.SyncRepos(ctxOf(t))
			if err != nil || !reflect.DeepEqual(slugsOf(rs), []string{demo, "octo/hidden", "octo/idle"}) {
				t.Fatalf("SyncRepos = %v, %v", slugsOf(rs), err)
			}
			if rs[2].Active {
				t.Errorf("octo/idle listed as active")
			}
			sync := map[drone.Dialect][]string{
				drone.DialectV1:  {"POST /api/user/repos", "GET /api/user/repos"},
				drone.DialectV08: {"GET /api/user/repos?all=true&flush=true"},
			}
			wantSeen(t, s, "", sync[d]...)
			rs, err = c.Repos(ctxOf(t), false) // the synced repository is active from now on
			if err != nil || !reflect.DeepEqual(slugsOf(rs), []string{demo, "octo/hidden"}) {
				t.Errorf("Repos after sync = %v, %v", slugsOf(rs), err)
			}
		})
		t.Run("Repo", func(t *testing.T) {
			s := newFake(t, d)
			s.AddRepo("octo/secret", dronetest.RepoOptions{Private: true, DefaultBranch: "trunk"})
			c := newClient(t, s)
			r, err := c.Repo(ctxOf(t), demo)
			if err != nil || r.Slug != demo || r.Owner != "octo" || r.Name != "demo" || !r.Active || r.Private || r.DefaultBranch != "main" {
				t.Fatalf("Repo = %+v, %v", r, err)
			}
			r, err = c.Repo(ctxOf(t), "octo/secret")
			if err != nil || !r.Private || r.DefaultBranch != "trunk" {
				t.Fatalf("Repo(private) = %+v, %v", r, err)
			}
		})
		t.Run("Builds", func(t *testing.T) {
			s := newFake(t, d)
			for n := int64(1); n <= 60; n++ {
				branch := "main"
				if n%2 == 0 {
					branch = "dev"
				}
				s.AddBuild(demo, dronetest.BuildSpec{Status: drone.StatusSuccess, Branch: branch})
			}
			even := func(n int64) bool { return n%2 == 0 }
			cases := map[drone.Dialect][]struct {
				opts  drone.ListOptions
				want  []int64
				query string
			}{
				drone.DialectV1: {
					{drone.ListOptions{}, countDown(60, 36, nil), "page=1&per_page=25"},
					{drone.ListOptions{Page: 2, PerPage: 10}, countDown(50, 41, nil), "page=2&per_page=10"},
					{drone.ListOptions{Branch: "dev", PerPage: 100}, countDown(60, 1, even), "branch=dev&page=1&per_page=100"},
				},
				drone.DialectV08: { // fixed pages of 50; the branch filter applies to the page
					{drone.ListOptions{PerPage: 10}, countDown(60, 11, nil), ""},
					{drone.ListOptions{Page: 2}, countDown(10, 1, nil), "page=2"},
					{drone.ListOptions{Branch: "dev"}, countDown(60, 11, even), ""},
				},
			}
			c := newClient(t, s)
			for _, tc := range cases[d] {
				s.ResetRequests()
				bs, err := c.Builds(ctxOf(t), demo, tc.opts)
				if err != nil || !reflect.DeepEqual(numbersOf(bs), tc.want) {
					t.Errorf("Builds(%+v) = %v, %v; want %v", tc.opts, numbersOf(bs), err, tc.want)
				}
				want := "GET /api/repos/octo/demo/builds"
				if tc.query != "" {
					want += "?" + tc.query
				}
				wantSeen(t, s, "", want)
			}
		})
		t.Run("Build", func(t *testing.T) {
			s := newFake(t, d)
			n := s.AddBuild(demo, failedBuild([]string{"FAIL"}))
			b, err := newClient(t, s).Build(ctxOf(t), demo, n)
			if err != nil || b.Number != n || b.Status != drone.StatusFailure || b.Message != "fix flaky test" {
				t.Fatalf("Build = %+v, %v", b, err)
			}
			want := map[drone.Dialect][]string{
				drone.DialectV1: {"1 build failure exit=0", "  1 clone success exit=0", "  2 test failure exit=2",
					"2 notify success exit=0", "  1 slack success exit=0"},
				// 0.8: top-level procs are pids 1..2, their children continue the pids.
				drone.DialectV08: {"1 build failure exit=2", "  3 clone success exit=0", "  4 test failure exit=2",
					"2 notify success exit=0", "  5 slack success exit=0"},
			}
			if got := shape(b); !reflect.DeepEqual(got, want[d]) {
				t.Errorf("stages =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want[d], "\n"))
			}
		})
		t.Run("LatestBuild", func(t *testing.T) {
			s := newFake(t, d)
			s.AddBuild(demo, dronetest.BuildSpec{Status: drone.StatusSuccess})
			s.AddBuild(demo, dronetest.BuildSpec{Status: drone.StatusFailure, Branch: "dev"})
			s.AddBuild(demo, dronetest.BuildSpec{Status: drone.StatusRunning})
			c := newClient(t, s)
			b, err := c.LatestBuild(ctxOf(t), demo, "")
			if err != nil || b.Number != 3 || b.Branch() != "main" {
				t.Fatalf("LatestBuild(default) = %+v, %v", b, err)
			}
			b, err = c.LatestBuild(ctxOf(t), demo, "dev")
			if err != nil || b.Number != 2 || b.Branch() != "dev" || b.Status != drone.StatusFailure {
				t.Fatalf("LatestBuild(dev) = %+v, %v", b, err)
			}
			wantSeen(t, s, "", "GET /api/repos/octo/demo/builds/latest", "GET /api/repos/octo/demo/builds/latest?branch=dev")
		})
		t.Run("LogTail", func(t *testing.T) {
			s := newFake(t, d)
			lines := make([]string, 40)
			for i := range lines {
				lines[i] = fmt.Sprintf("test output %d", i+1)
			}
			lines[6] = "ERROR: flaky network"
			failed := s.AddBuild(demo, failedBuild(lines))
			chunked := failedBuild(nil)
			chunked.Stages[0].Steps[1].LogChunks = []string{"compil", "ing\nlink", "", "ing\r\ndone"}
			split := s.AddBuild(demo, chunked)
			running := s.AddBuild(demo, runningBuild())
			c := newClient(t, s)
			testStep := func(n int64) drone.StepRef { // found through Build, as callers do
				t.Helper()
				b, err := c.Build(ctxOf(t), demo, n)
				if err != nil {
					t.Fatalf("Build #%d: %v", n, err)
				}
				return drone.StepRef{Stage: b.Stages[0].Number, Step: b.Stages[0].Steps[1].Number}
			}
			var seen []string
			each := func(l []byte) { seen = append(seen, string(l)) }

			s.ResetRequests()
			tail, err := c.LogTail(ctxOf(t), demo, failed, testStep(failed), drone.TailOptions{Lines: 10, Each: each})
			if err != nil {
				t.Fatalf("LogTail: %v", err)
			}
			want := &drone.LogTail{Lines: lines[30:], Total: 40}
			if !reflect.DeepEqual(tail, want) || !reflect.DeepEqual(seen, lines) {
				t.Errorf("LogTail = %+v, want %+v; saw %q", tail, want, seen)
			}
			logPath := map[drone.Dialect]string{drone.DialectV1: "GET /api/repos/octo/demo/builds/1/logs/1/2",
				drone.DialectV08: "GET /api/repos/octo/demo/logs/1/4"}
			wantSeen(t, s, "", "GET /api/repos/octo/demo/builds/1", logPath[d])

			tail, err = c.LogTail(ctxOf(t), demo, split, testStep(split), drone.TailOptions{})
			want = &drone.LogTail{Lines: []string{"compiling", "linking", "done"}, Total: 3}
			if err != nil || !reflect.DeepEqual(tail, want) {
				t.Errorf("LogTail(chunks) = %+v, %v; want %+v", tail, err, want)
			}

			_, err = c.LogTail(ctxOf(t), demo, running, testStep(running), drone.TailOptions{})
			wantKind(t, err, drone.KindLogNotReady, s.Token)
		})
	})
}
