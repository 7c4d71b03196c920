package commands

import (
	"slices"
	"strings"
	"testing"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

// checkWrite asserts a successful write reply and its audit line.
func checkWrite(t *testing.T, e *testEnv, r Reply, command string) {
	t.Helper()
	if r.Err || !r.Public {
		t.Fatalf("%s: Err=%v Public=%v: %s", command, r.Err, r.Public, r.Text)
	}
	if got := e.lastObserved(); got != command+" ok" {
		t.Errorf("observed %q, want %q", got, command+" ok")
	}
	mustContain(t, "audit log", e.logs.String(), "msg=audit", "command="+command, "result=ok")
}

func TestActivateDeactivate(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		r := e.run(t, writer, "/activate octo/idle")
		checkWrite(t, e, r, "activate")
		if r.Text != "activated octo/idle." {
			t.Errorf("activate = %q", r.Text)
		}
		mustContain(t, "repos after activate", e.run(t, reader, "/repos idle").Text, "octo/idle")

		r = e.run(t, writer, "/deactivate octo/idle")
		checkWrite(t, e, r, "deactivate")
		if r.Text != "deactivated octo/idle." {
			t.Errorf("deactivate = %q", r.Text)
		}
		mustContain(t, "repos after deactivate", e.run(t, reader, "/repos idle").Text, "no active repositories")

		e.srv.ResetRequests()
		r = e.run(t, writer, "/activate octo/nope")
		if !r.Err || !strings.HasPrefix(r.Text, "unknown repository octo/nope") {
			t.Errorf("unknown repo: Err=%v %q", r.Err, r.Text)
		}
		// Woodpecker activates by the forge's id: the forge listing shows
		// there is none, so nothing is written.
		if want := map[bool]int{false: 1, true: 0}[e.srv.Dialect() == drone.DialectWoodpecker]; len(writes(e.srv.Requests())) != want {
			t.Errorf("requests = %v", paths(e.srv.Requests()))
		}
	})
}

func TestBuild(t *testing.T) {
	t.Run("v1", func(t *testing.T) {
		e := newEnv(t, drone.DialectV1)
		e.seed(t)
		var gotParams map[string]string
		e.srv.OnCreate(func(slug string, n int64, b *dronetest.BuildSpec) { gotParams = b.Params })
		r := e.run(t, writer, "/build octo/demo dev DEPLOY_TO=staging TOKEN=s3cr3t")
		checkWrite(t, e, r, "build")
		if r.Text != "started octo/demo #4 on dev." {
			t.Errorf("build = %q", r.Text)
		}
		if r.Follow == nil || *r.Follow != (Follow{Repo: "octo/demo", Number: 4}) {
			t.Errorf("follow = %+v", r.Follow)
		}
		if len(r.Links) != 1 || r.Links[0].URL != droneUI+"/octo/demo/4" {
			t.Errorf("links = %+v", r.Links)
		}
		if gotParams["DEPLOY_TO"] != "staging" || gotParams["TOKEN"] != "s3cr3t" {
			t.Errorf("Drone got params %v", gotParams)
		}
		mustNotContain(t, "public build reply", RenderText(r), "s3cr3t")
		mustNotContain(t, "audit log", e.logs.String(), "s3cr3t")
		mustContain(t, "audit log", e.logs.String(), "params=DEPLOY_TO,TOKEN")
		w := writes(e.srv.Requests())
		if len(w) != 1 || w[0].Path != "/api/repos/octo/demo/builds" || !strings.Contains(w[0].RawQuery, "branch=dev") {
			t.Errorf("requests = %v", paths(w))
		}
	})
	t.Run("v0.8", func(t *testing.T) {
		e := newEnv(t, drone.DialectV08)
		e.seed(t)
		r := e.run(t, writer, "/build octo/demo")
		checkWrite(t, e, r, "build")
		mustContain(t, "0.8 build", r.Text, "re-ran #3 (3333333) as #4")
		if r.Follow == nil || r.Follow.Number != 4 {
			t.Errorf("follow = %+v", r.Follow)
		}
		w := writes(e.srv.Requests())
		if len(w) != 1 || w[0].Method != "POST" || w[0].Path != "/api/repos/octo/demo/builds/3" {
			t.Errorf("requests = %v", paths(w))
		}

		e.srv.ResetRequests()
		r = e.run(t, writer, "/build octo/demo dev")
		if !r.Err || r.Text != "branch dev has no build to re-run." {
			t.Errorf("branch without builds: Err=%v %q", r.Err, r.Text)
		}
		if w := writes(e.srv.Requests()); len(w) != 0 {
			t.Errorf("a re-run was attempted: %v", paths(w))
		}
		r = e.run(t, writer, "/build octo/nope")
		mustContain(t, "unknown repo", r.Text, "unknown repository octo/nope")
	})
}

func TestRestart(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		r := e.run(t, writer, "/restart octo/demo #2")
		checkWrite(t, e, r, "restart")
		if r.Text != "restarted octo/demo #2 as #4." || r.Follow == nil || r.Follow.Number != 4 {
			t.Errorf("restart = %q follow %+v", r.Text, r.Follow)
		}
		spec, ok := e.srv.BuildSpec("octo/demo", 4)
		if !ok || spec.Parent != 2 {
			t.Errorf("build #4 = %+v, %v; want parent 2", spec, ok)
		}
		r = e.run(t, writer, "/restart octo/demo 99")
		if !r.Err || r.Text != "no such build: octo/demo has no build #99." {
			t.Errorf("restart 99: Err=%v %q", r.Err, r.Text)
		}
		r = e.run(t, writer, "/restart octo/nope 1")
		mustContain(t, "restart unknown repo", r.Text, "unknown repository octo/nope")
	})
}

func TestCancel(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		r := e.run(t, writer, "/cancel octo/demo 3")
		checkWrite(t, e, r, "cancel")
		if r.Text != "cancelled octo/demo #3." {
			t.Errorf("cancel = %q", r.Text)
		}
		if spec, _ := e.srv.BuildSpec("octo/demo", 3); spec.Status != drone.StatusKilled {
			t.Errorf("build #3 is %s after cancel, want killed", spec.Status)
		}
		e.srv.ResetRequests()
		r = e.run(t, writer, "/cancel octo/demo 1")
		if !r.Err || r.Text != "octo/demo #1 already finished (success); nothing to cancel." {
			t.Errorf("cancel finished: %q", r.Text)
		}
		if w := writes(e.srv.Requests()); len(w) != 0 {
			t.Errorf("cancel of a finished build sent %v", paths(w))
		}
	})
}

func TestCancelQueued(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		n := e.srv.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusPending})
		e.srv.ResetRequests()
		r := e.run(t, writer, "/cancel octo/demo "+itoa(int(n)))
		if e.srv.Dialect() == drone.DialectV08 {
			if !r.Err || r.Text != "Drone 0.8 cannot cancel a queued build." {
				t.Errorf("0.8 queued cancel: Err=%v %q", r.Err, r.Text)
			}
			if w := writes(e.srv.Requests()); len(w) != 0 {
				t.Errorf("sent %v", paths(w))
			}
			return
		}
		checkWrite(t, e, r, "cancel")
		if w := writes(e.srv.Requests()); len(w) != 1 || w[0].Method != e.pick("DELETE", "POST") {
			t.Errorf("requests = %v", paths(w))
		}
	})
}

func TestApproveDecline(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		blocked := func() int64 {
			return e.srv.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusBlocked,
				Stages: []dronetest.StageSpec{{Name: "build", Status: drone.StatusBlocked,
					Steps: []dronetest.StepSpec{{Name: "clone", Status: drone.StatusPending}}}}})
		}
		a, d := blocked(), blocked()
		e.srv.ResetRequests()
		r := e.run(t, writer, "/approve octo/demo "+itoa(int(a)))
		checkWrite(t, e, r, "approve")
		if r.Text != "approved octo/demo #"+itoa(int(a))+"." {
			t.Errorf("approve = %q", r.Text)
		}
		if w := writes(e.srv.Requests()); len(w) == 0 || !strings.HasSuffix(w[0].Path, "/approve") && !strings.Contains(w[0].Path, "/approve/") {
			t.Errorf("approve requests = %v", paths(w))
		}
		if spec, _ := e.srv.BuildSpec("octo/demo", a); spec.Status == drone.StatusBlocked {
			t.Error("build still blocked after approve")
		}

		r = e.run(t, writer, "/decline octo/demo "+itoa(int(d)))
		checkWrite(t, e, r, "decline")
		if spec, _ := e.srv.BuildSpec("octo/demo", d); spec.Status != drone.StatusDeclined {
			t.Errorf("build is %s after decline", spec.Status)
		}

		e.srv.ResetRequests()
		r = e.run(t, writer, "/approve octo/demo 1")
		if !r.Err || r.Text != "octo/demo #1 is not waiting for approval (it is success)." {
			t.Errorf("approve green build: %q", r.Text)
		}
		if w := writes(e.srv.Requests()); len(w) != 0 {
			t.Errorf("sent %v", paths(w))
		}
	})
}

func TestPromote(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		if e.srv.Dialect() == drone.DialectWoodpecker {
			e.srv.AddRepo("octo/demo", dronetest.RepoOptions{DefaultBranch: "main", Branches: []string{"dev"}, AllowDeploy: true})
		}
		r := e.run(t, deployer, "/promote octo/demo 1 production")
		checkWrite(t, e, r, "promote")
		if r.Text != "promoted octo/demo #1 to production as #4." {
			t.Errorf("promote = %q", r.Text)
		}
		spec, _ := e.srv.BuildSpec("octo/demo", 4)
		if spec.DeployTo != "production" {
			t.Errorf("build #4 deploys to %q", spec.DeployTo)
		}
		w := writes(e.srv.Requests())
		if e.srv.Dialect() != drone.DialectV1 {
			if len(w) != 1 || !strings.Contains(w[0].RawQuery, "event=deployment") || !strings.Contains(w[0].RawQuery, "deploy_to=production") {
				t.Errorf("0.8 promote requests = %v", paths(w))
			}
		} else if len(w) != 1 || !strings.HasSuffix(w[0].Path, "/promote") {
			t.Errorf("promote requests = %v", paths(w))
		}

		// Write access alone is not deploy access.
		e.srv.ResetRequests()
		r = e.run(t, writer, "/promote octo/demo 1 production")
		if !r.Err || r.Text != "you are not allowed to run /promote on octo/demo. The bot's operator can grant the right." || e.lastObserved() != "promote refused" {
			t.Errorf("writer promote: %q (%s)", r.Text, e.lastObserved())
		}
		if n := len(e.srv.Requests()); n != 0 {
			t.Errorf("a refused command sent %d requests", n)
		}
	})
}

// TestPromoteDeploymentsOff: Woodpecker deploys only where the repository
// allows it, which it does not after activation.
func TestPromoteDeploymentsOff(t *testing.T) {
	e := newEnv(t, drone.DialectWoodpecker)
	e.seed(t)
	r := e.run(t, deployer, "/promote octo/demo 1 production")
	want := "Woodpecker refused the deployment: the repository must allow deployments (allow_deploy in its settings) and the bot's account needs push access."
	if !r.Err || r.Text != want || e.lastObserved() != "promote error" {
		t.Errorf("promote with deployments off: %q (%s)", r.Text, e.lastObserved())
	}
	if _, ok := e.srv.BuildSpec("octo/demo", 4); ok {
		t.Error("a pipeline was started")
	}
}

func TestPromoteOSS(t *testing.T) {
	e := newEnv(t, drone.DialectV1)
	e.seed(t)
	e.srv.SetOSS(true)
	r := e.run(t, deployer, "/promote octo/demo 1 production")
	if !r.Err || r.Text != "/promote is not available on this Drone edition." || e.lastObserved() != "promote error" {
		t.Errorf("OSS promote: %q (%s)", r.Text, e.lastObserved())
	}
	if !slices.Contains(paths(e.srv.Requests()), "POST /api/repos/octo/demo/builds/1/promote?target=production") {
		t.Errorf("requests = %v", paths(e.srv.Requests()))
	}
}
