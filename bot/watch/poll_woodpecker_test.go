package watch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
	"github.com/dronebot/dronebot/notify"
)

// requestLines are the fake's requests as "METHOD /path?query".
func requestLines(h *harness) []string {
	var out []string
	for _, r := range h.fake.Requests() {
		line := r.Method + " " + r.Path
		if r.RawQuery != "" {
			line += "?" + r.RawQuery
		}
		out = append(out, line)
	}
	return out
}

func wantRequests(t *testing.T, h *harness, want ...string) {
	t.Helper()
	got := requestLines(h)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("requests = %q\nwant       %q", got, want)
	}
	h.fake.ResetRequests()
}

// wantRequestsPerRepo is wantRequests for requests of repositories worked
// on concurrently: the first request, then each repository's requests in
// their order ("/api/repos/ID/..."), whatever the order between them.
func wantRequestsPerRepo(t *testing.T, h *harness, first string, rest ...string) {
	t.Helper()
	got := requestLines(h)
	byRepo := func(lines []string) map[string][]string {
		m := map[string][]string{}
		for _, l := range lines {
			parts := strings.SplitN(l, "/", 5) // "GET ", "api", "repos", ID, ...
			key := l
			if len(parts) > 3 {
				key = parts[3]
			}
			m[key] = append(m[key], l)
		}
		return m
	}
	if len(got) == 0 || got[0] != first || fmt.Sprint(byRepo(got[1:])) != fmt.Sprint(byRepo(rest)) {
		t.Fatalf("requests = %q\nwant       %q then, per repository in order, %q", got, first, rest)
	}
	h.fake.ResetRequests()
}

// TestPollWoodpeckerFeed: after one listing the watcher reads Woodpecker
// through its feed, one request a cycle whatever the number of
// repositories; a finished pipeline costs one read of it and one of the
// failed step's log; pipelines that overlap need no list.
func TestPollWoodpeckerFeed(t *testing.T) {
	h := newHarness(t, drone.DialectWoodpecker)
	for _, slug := range []string{"octo/demo", "octo/other", "octo/idle"} {
		h.fake.AddRepo(slug, dronetest.RepoOptions{})
	}
	h.fake.AddBuild("octo/demo", ago(successBuild(), 2*time.Hour)) // before the first run
	w := h.watcher()
	if got := h.cycle(w); len(got) != 0 {
		t.Fatalf("first cycle alerted: %s", outcomes(got))
	}
	wantRequests(t, h, "GET /api/user/repos")

	if got := h.cycle(w); len(got) != 0 {
		t.Fatalf("idle cycle alerted: %s", outcomes(got))
	}
	wantRequests(t, h, "GET /api/user/feed")

	// Two pipelines of demo: one fails, one still runs; other's first
	// pipeline fails too.
	h.fake.AddBuild("octo/demo", failingBuild())
	running := failingBuild()
	running.Status, running.Stages[0].Status = drone.StatusRunning, drone.StatusRunning
	running.Stages[0].Steps[1].Status = drone.StatusRunning
	h.fake.AddBuild("octo/demo", running)
	h.fake.AddBuild("octo/other", failingBuild())
	got := h.cycle(w)
	// Repositories are worked on concurrently: each one's order is kept,
	// not the order between them.
	slices.SortFunc(got, func(a, b *notify.Alert) int { return strings.Compare(a.ID, b.ID) })
	if len(got) != 2 || got[0].ID != "octo/demo#2:failure" || got[1].ID != "octo/other#1:failure" {
		t.Fatalf("alerts = %s, want octo/other #1:failure, octo/demo #2:failure", outcomes(got))
	}
	for _, a := range got {
		if a.Log == nil || a.Log.Total != 40 || a.Log.Cause != "error: cannot connect to database" {
			t.Fatalf("alert %s without the excerpt: %+v", a.ID, a.Log)
		}
	}
	wantRequestsPerRepo(t, h, "GET /api/user/feed",
		"GET /api/repos/2/pipelines/1", "GET /api/repos/2/logs/1/10",
		"GET /api/repos/1/pipelines/2", "GET /api/repos/1/logs/2/4")

	// Still running: the feed says so, nothing else is asked.
	h.cycle(w)
	wantRequests(t, h, "GET /api/user/feed")

	h.fake.UpdateBuild("octo/demo", 3, func(b *dronetest.BuildSpec) {
		b.Status, b.Stages[0].Status, b.Stages[0].Steps[1].Status = drone.StatusFailure, drone.StatusFailure, drone.StatusFailure
	})
	if got := h.cycle(w); outcomes(got) != "#3:still_failing(2)" {
		t.Fatalf("alerts = %s, want #3:still_failing(2)", outcomes(got))
	}
	wantRequests(t, h, "GET /api/user/feed", "GET /api/repos/1/pipelines/3", "GET /api/repos/1/logs/3/7")

	h.fake.AddBuild("octo/demo", successBuild())
	if got := h.cycle(w); outcomes(got) != "#4:fixed #4:success" {
		t.Fatalf("alerts = %s, want #4:fixed #4:success", outcomes(got))
	}
}

// TestPollWoodpeckerNewRepository: a repository activated while the bot
// runs shows up in the feed with its first pipeline, which is news.
func TestPollWoodpeckerNewRepository(t *testing.T) {
	h := newHarness(t, drone.DialectWoodpecker)
	h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
	w := h.watcher()
	h.cycle(w)
	h.fake.AddRepo("octo/late", dronetest.RepoOptions{})
	h.fake.AddBuild("octo/late", failingBuild())
	if got := h.cycle(w); outcomes(got) != "#1:failure" || got[0].Repo != "octo/late" {
		t.Fatalf("alerts = %s, want octo/late #1:failure", outcomes(got))
	}
}

// TestPollWoodpeckerStatuses: Woodpecker's canceled (stopped while queued)
// and a pipeline cancelled while blocked read as killed; a declined one too.
func TestPollWoodpeckerStatuses(t *testing.T) {
	h := newHarness(t, drone.DialectWoodpecker)
	h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
	h.fake.AddBuild("octo/demo", successBuild())
	w := h.watcher()
	h.cycle(w)
	for _, st := range []drone.Status{"canceled", drone.StatusBlocked, drone.StatusBlocked} {
		b := successBuild()
		b.Status, b.Stages[0].Status = st, st
		for i := range b.Stages[0].Steps {
			b.Stages[0].Steps[i].Status = st
		}
		h.fake.AddBuild("octo/demo", b)
	}
	if got := h.cycle(w); outcomes(got) != "#2:killed" {
		t.Fatalf("alerts = %s, want #2:killed", outcomes(got))
	}
	c := h.client
	if err := c.CancelBuild(context.Background(), "octo/demo", 3); err != nil {
		t.Fatal(err)
	}
	if err := c.DeclineBuild(context.Background(), "octo/demo", 4); err != nil {
		t.Fatal(err)
	}
	if got := h.cycle(w); outcomes(got) != "#3:killed #4:killed" {
		t.Fatalf("alerts = %s, want #3:killed #4:killed", outcomes(got))
	}
	if l, _ := h.line("octo/demo", "main"); l.Red || l.LastBuild != 1 {
		t.Fatalf("line = %+v, want green from #1", l)
	}
}

// TestPollWoodpeckerFeedOverflow: more new pipelines than the feed holds
// since the last cycle: the listing and one page of the repository find
// them, as after downtime on Drone.
func TestPollWoodpeckerFeedOverflow(t *testing.T) {
	h := newHarness(t, drone.DialectWoodpecker)
	h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
	h.fake.AddRepo("octo/busy", dronetest.RepoOptions{})
	h.fake.AddBuild("octo/demo", successBuild())
	w := h.watcher()
	h.cycle(w)
	h.cycle(w)
	h.fake.AddBuild("octo/demo", failingBuild())
	for range drone.FeedLimit {
		h.fake.AddBuild("octo/busy", successBuild())
	}
	h.fake.ResetRequests()
	got := h.cycle(w)
	ids := map[string]bool{}
	for _, a := range got {
		ids[a.ID] = true
	}
	if len(got) != drone.FeedLimit+1 || !ids["octo/demo#2:failure"] || !ids["octo/busy#1:success"] || !ids["octo/busy#50:success"] {
		t.Fatalf("%d alerts, want octo/demo #2:failure and the %d successes of octo/busy", len(got), drone.FeedLimit)
	}
	reqs := requestLines(h)
	if len(reqs) < 3 || reqs[0] != "GET /api/user/feed" || reqs[1] != "GET /api/user/repos" {
		t.Fatalf("requests start %q, want the feed, then the listing", reqs[:min(len(reqs), 3)])
	}
	if got := h.cycle(w); len(got) != 0 {
		t.Fatalf("after catch-up: %s", outcomes(got))
	}
}
