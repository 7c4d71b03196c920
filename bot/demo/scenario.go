package demo

import (
	"context"
	"crypto/sha1"
	"fmt"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

// seedDemo gives the simulated Drone three repositories with a green
// history, so the watcher's first sighting has something to record.
func seedDemo(fake *dronetest.Server) {
	for _, slug := range []string{"octo/demo", "octo/api", "octo/web"} {
		fake.AddRepo(slug, dronetest.RepoOptions{DefaultBranch: "main", Branches: []string{"fix-flaky-test"}})
		for i := 0; i < 2; i++ {
			fake.AddBuild(slug, demoBuild(drone.StatusSuccess, "main", fmt.Sprintf("Update dependencies (%d)", i+1), 0))
		}
	}
}

// playDemo runs the story: a push to octo/demo fails in its test step, and
// a later push fixes it. Each stage of it waits pace.
func playDemo(ctx context.Context, fake *dronetest.Server, pace time.Duration) {
	sleep := func() bool {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(pace):
			return true
		}
	}
	if !sleep() {
		return
	}
	n := fake.AddBuild("octo/demo", demoBuild(drone.StatusRunning, "main", "Parse durations in the config", -1))
	if !sleep() {
		return
	}
	fake.UpdateBuild("octo/demo", n, func(b *dronetest.BuildSpec) {
		*b = finish(*b, demoBuild(drone.StatusFailure, "main", "Parse durations in the config", 1))
	})
	if !sleep() || !sleep() || !sleep() {
		return
	}
	fix := fake.AddBuild("octo/demo", demoBuild(drone.StatusRunning, "main", "Accept day units in durations", -1))
	if !sleep() {
		return
	}
	fake.UpdateBuild("octo/demo", fix, func(b *dronetest.BuildSpec) {
		*b = finish(*b, demoBuild(drone.StatusSuccess, "main", "Accept day units in durations", 0))
	})
}

// finish is the finished version of a running build: it keeps the start
// time, so the build has a duration.
func finish(running, done dronetest.BuildSpec) dronetest.BuildSpec {
	done.Created, done.Started = running.Created, running.Started
	return done
}

// demoBuild is a push build with clone, build and test steps. exit is the
// test step's exit code; -1 means the build is still running.
func demoBuild(status drone.Status, branch, message string, exit int) dronetest.BuildSpec {
	testStatus, testLog := drone.StatusSuccess, demoTestLog(false)
	switch {
	case exit < 0:
		testStatus, testLog = drone.StatusRunning, nil
	case exit > 0:
		testStatus, testLog = drone.StatusFailure, demoTestLog(true)
	}
	return dronetest.BuildSpec{
		Status: status, Event: drone.EventPush, Branch: branch, Message: message,
		Commit: fmt.Sprintf("%x", sha1.Sum([]byte(message))), Author: "pan", AuthorEmail: "pan@example.com",
		Stages: []dronetest.StageSpec{{Name: "default", Status: status, Steps: []dronetest.StepSpec{
			{Name: "clone", Status: drone.StatusSuccess, Log: []string{"+ git init", "+ git fetch origin +refs/heads/" + branch, "HEAD is now at 3f9c2d1"}},
			{Name: "build", Status: drone.StatusSuccess, Log: []string{"+ go build ./...", "go: downloading gopkg.in/yaml.v3 v3.0.1"}},
			{Name: "test", Status: testStatus, ExitCode: max(exit, 0), Log: testLog},
		}}},
	}
}

// demoTestLog is a few hundred lines of `go test -v` output; when failing,
// one test fails in the middle and the summary comes at the end.
func demoTestLog(failing bool) []string {
	lines := []string{"+ go test -v ./..."}
	pkgs := []string{"config", "drone", "notify", "store", "watch"}
	for pi, pkg := range pkgs {
		for i := 1; i <= 40; i++ {
			name := fmt.Sprintf("Test%s%02d", []string{"Load", "Client", "Render", "Outbox", "Poll"}[pi], i)
			lines = append(lines, "=== RUN   "+name)
			if failing && pkg == "config" && i == 17 {
				lines = append(lines,
					"    load_test.go:88: parse \"retention: 90d\": time: unknown unit \"d\" in duration \"90d\"",
					"--- FAIL: "+name+" (0.00s)")
				continue
			}
			lines = append(lines, fmt.Sprintf("--- PASS: %s (0.0%ds)", name, i%7))
		}
		result := "ok  "
		if failing && pkg == "config" {
			result = "FAIL"
		}
		lines = append(lines, fmt.Sprintf("%s\texample.com/demo/%s\t0.%03ds", result, pkg, 100+pi*37))
	}
	if failing {
		lines = append(lines, "FAIL", "exit status 1")
	}
	return lines
}
