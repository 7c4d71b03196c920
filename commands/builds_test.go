package commands

import (
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

func TestBuilds(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		t0 := time.Now().Add(-3 * time.Hour)
		e.srv.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusFailure, Branch: "dev", Event: drone.EventTag,
			Commit: "4444444ddddddd", Message: "tag it\n\nbody", Author: "ada",
			Created: t0, Started: t0.Add(10 * time.Second), Finished: t0.Add(100 * time.Second),
			Stages: []dronetest.StageSpec{{Name: "build", Status: drone.StatusFailure,
				Steps: []dronetest.StepSpec{{Name: "clone", Status: drone.StatusFailure, ExitCode: 1}}}}})

		r := e.run(t, reader, "/builds octo/demo")
		if r.Err || r.Public {
			t.Fatalf("builds: Err=%v Public=%v %q", r.Err, r.Public, r.Text)
		}
		mustContain(t, "builds title", r.Title, "octo/demo: the last 4 builds")
		lines := strings.Split(r.Text, "\n")
		if len(lines) != 4 {
			t.Fatalf("builds lines = %q, want 4", lines)
		}
		mustContain(t, "newest line", lines[0], "✗ #4 failure", "dev", "tag", "tag it", "ada", "3h ago", "1m30s")
		mustNotContain(t, "newest line", lines[0], "body")
		mustContain(t, "running line", lines[1], "▶ #3 running", "main", "push", "try again", "pan")
		mustContain(t, "oldest line", lines[3], "✓ #1 success", "first")

		r = e.run(t, reader, "/builds octo/demo -n 1")
		mustContain(t, "builds -n 1", r.Title, "octo/demo: the last build")
		if strings.Count(r.Text, "\n") != 0 || !strings.Contains(r.Text, "#4") {
			t.Errorf("builds -n 1 = %q, want only #4", r.Text)
		}

		r = e.run(t, reader, "/builds octo/demo --status failed")
		mustContain(t, "status filter", r.Text, "#4", "#2")
		mustNotContain(t, "status filter", r.Text, "#3", "#1")

		r = e.run(t, reader, "/builds octo/demo --event=tag")
		if r.Text != lines[0] {
			t.Errorf("event filter = %q, want %q", r.Text, lines[0])
		}

		r = e.run(t, reader, "/builds octo/demo main -n 2")
		mustContain(t, "branch filter", r.Text, "#3", "#2")
		mustNotContain(t, "branch filter", r.Text, "#4", "#1")

		r = e.run(t, reader, "/builds octo/demo --status killed")
		if r.Err || r.Level != Warning {
			t.Errorf("no match: Err=%v Level=%v", r.Err, r.Level)
		}
		mustContain(t, "no match", r.Text, "no recent build of octo/demo matches")

		r = e.run(t, reader, "/builds octo/other")
		mustContain(t, "no builds", r.Text, "octo/other has no builds yet")

		for text, want := range map[string]string{
			"/builds":                         "usage: /builds owner/name",
			"/builds octo/demo --status nope": `"nope" is not a build status`,
			"/builds octo/demo --event":       "--event needs a value",
			"/builds octo/demo --event x":     `"x" is not a build event`,
			"/builds octo/demo -n 51":         "-n is at most 50 builds",
			"/builds octo/demo a b":           "usage:",
		} {
			r := e.run(t, reader, text)
			if !r.Err || e.lastObserved() != "builds usage" {
				t.Errorf("%s: Err=%v observed %q", text, r.Err, e.lastObserved())
			}
			mustContain(t, text, r.Text, want)
		}
		r = e.run(t, reader, "/builds octo/nope")
		mustContain(t, "unknown repo", r.Text, "unknown repository octo/nope")
	})
}

// TestBuildsPagesThroughFilters: a filter that keeps few builds reads
// older pages, within a bound.
func TestBuildsPagesThroughFilters(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.srv.AddRepo("octo/many", dronetest.RepoOptions{DefaultBranch: "main"})
		e.srv.AddBuild("octo/many", dronetest.BuildSpec{Status: drone.StatusFailure, Message: "old failure"})
		for range 60 {
			e.srv.AddBuild("octo/many", dronetest.BuildSpec{Status: drone.StatusSuccess, Message: "green"})
		}
		r := e.run(t, reader, "/builds octo/many --status failure")
		if r.Text == "" || !strings.Contains(r.Text, "#1 failure") || strings.Contains(r.Text, "green") {
			t.Errorf("paged filter = %q, want build #1 only", r.Text)
		}
	})
}
