package commands

import (
	"testing"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

func TestStatusOfBranch(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		e.srv.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusSuccess, Branch: "dev", Message: "on dev",
			Stages: []dronetest.StageSpec{{Name: "build", Status: drone.StatusSuccess,
				Steps: []dronetest.StepSpec{{Name: "clone", Status: drone.StatusSuccess}}}}})
		e.srv.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusFailure, Branch: "main", Message: "main again",
			Stages: []dronetest.StageSpec{{Name: "build", Status: drone.StatusFailure,
				Steps: []dronetest.StepSpec{{Name: "clone", Status: drone.StatusFailure, ExitCode: 1}}}}})

		r := e.run(t, reader, "/status octo/demo dev")
		if r.Err {
			t.Fatalf("status of a branch: %q", r.Text)
		}
		mustContain(t, "status dev", r.Title, "octo/demo #4: success")
		mustContain(t, "status dev", RenderText(r), "Branch: dev", "clone: success")

		r = e.run(t, reader, "/status octo/demo main")
		mustContain(t, "status main", r.Title, "octo/demo #5: failure")
		r = e.run(t, reader, "/status octo/demo #4")
		mustContain(t, "status #4", r.Title, "octo/demo #4: success")

		r = e.run(t, reader, "/status octo/demo nowhere")
		if r.Level != Warning || !r.Err {
			t.Errorf("branch without builds: Err=%v Level=%v", r.Err, r.Level)
		}
		mustContain(t, "status nowhere", r.Text, e.pick("octo/demo has no build on branch nowhere yet.",
			"octo/demo has no push pipeline on branch nowhere yet"))
		r = e.run(t, reader, "/status octo/nope dev")
		mustContain(t, "status unknown repo", r.Text, "unknown repository octo/nope")
		r = e.run(t, reader, "/status octo/demo ..bad")
		mustContain(t, "status bad branch", r.Text, `"..bad" is not a branch name`)
	})
}

func TestLogsOfLatestBuild(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		// The default branch's latest build runs: its running step, not
		// the one that has not started.
		e.srv.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusRunning, Branch: "main",
			Stages: []dronetest.StageSpec{{Name: "build", Status: drone.StatusRunning, Steps: []dronetest.StepSpec{
				{Name: "clone", Status: drone.StatusSuccess, Log: []string{"cloned"}},
				{Name: "test", Status: drone.StatusRunning},
				{Name: "deploy", Status: drone.StatusPending},
			}}}})
		r := e.run(t, reader, "/logs octo/demo")
		if r.Level != Warning {
			t.Errorf("running step: Level=%v %q", r.Level, r.Text)
		}
		mustContain(t, "logs running", r.Text, "step build/test is still running")

		// A step named without a number is the latest build's.
		r = e.run(t, reader, "/logs octo/demo clone")
		mustContain(t, "logs clone", r.Title, "octo/demo #4 · build/clone: success")
		mustContain(t, "logs clone", r.Code, "cloned")

		// A finished build on another branch does not count; the newest on
		// the default branch does, at its failed step.
		e.srv.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusSuccess, Branch: "dev",
			Stages: []dronetest.StageSpec{{Name: "build", Status: drone.StatusSuccess,
				Steps: []dronetest.StepSpec{{Name: "clone", Status: drone.StatusSuccess, Log: []string{"dev"}}}}}})
		e.srv.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusFailure, Branch: "main",
			Stages: []dronetest.StageSpec{{Name: "build", Status: drone.StatusFailure, Steps: []dronetest.StepSpec{
				{Name: "clone", Status: drone.StatusSuccess, Log: []string{"cloned"}},
				{Name: "test", Status: drone.StatusFailure, ExitCode: 3, Log: []string{"FAIL: TestX", "exit status 3"}},
				{Name: "deploy", Status: drone.StatusSkipped},
			}}}})
		r = e.run(t, reader, "/logs octo/demo")
		mustContain(t, "logs failed", r.Title, "octo/demo #6 · build/test: failure, exit code 3")
		mustContain(t, "logs failed", r.Code, "FAIL: TestX")

		// A green build: its last step.
		e.srv.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusSuccess, Branch: "main",
			Stages: []dronetest.StageSpec{{Name: "build", Status: drone.StatusSuccess, Steps: []dronetest.StepSpec{
				{Name: "clone", Status: drone.StatusSuccess, Log: []string{"cloned"}},
				{Name: "publish", Status: drone.StatusSuccess, Log: []string{"published"}},
			}}}})
		r = e.run(t, reader, "/logs octo/demo -n 5")
		mustContain(t, "logs green", r.Title, "octo/demo #7 · build/publish: success")

		// Numbers still win.
		r = e.run(t, reader, "/logs octo/demo 2")
		mustContain(t, "logs #2", r.Title, "octo/demo #2 · build/compile: failure")
		r = e.run(t, reader, "/logs octo/other")
		mustContain(t, "logs without builds", r.Text, "octo/other has no")
	})
}
