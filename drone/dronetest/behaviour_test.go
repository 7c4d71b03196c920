package dronetest

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
)

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return v
}

func blockedBuild() BuildSpec {
	return BuildSpec{Status: drone.StatusBlocked, Stages: []StageSpec{
		{Name: "build", Status: drone.StatusSuccess, Steps: []StepSpec{{Name: "test", Status: drone.StatusSuccess}}},
		{Name: "deploy", Status: drone.StatusBlocked, Steps: []StepSpec{{Name: "ship"}}},
	}}
}

func TestV1PromoteApproveDecline(t *testing.T) {
	s := New(drone.DialectV1)
	defer s.Close()
	s.AddRepo("octo/app", RepoOptions{})
	n := s.AddBuild("octo/app", BuildSpec{Status: drone.StatusSuccess, Params: map[string]string{"A": "1"}})
	base := "/api/repos/octo/app/builds/"

	if got := call(t, s, "POST", base+itoa(n)+"/promote", withToken); got.status != 400 || string(got.body) != `{"message":"Missing target environment"}`+"\n" {
		t.Errorf("promote without target = %d %s", got.status, got.body)
	}
	b := decode[buildV1](t, mustCall(t, s, "POST", base+itoa(n)+"/promote?target=prod&K=V", 200))
	if b.Event != drone.EventPromote || b.Deploy != "prod" || b.Parent != n || b.Status != drone.StatusPending || b.Params["K"] != "V" {
		t.Errorf("promoted build = %+v", b)
	}
	s.SetOSS(true)
	if got := call(t, s, "POST", base+itoa(n)+"/promote?target=prod", withToken); got.status != 501 || string(got.body) != `{"message":"Not Implemented"}`+"\n" {
		t.Errorf("OSS promote = %d %s", got.status, got.body)
	}

	gated := s.AddBuild("octo/app", blockedBuild())
	if got := call(t, s, "POST", base+itoa(gated)+"/approve/1", withToken); got.status != 400 ||
		string(got.body) != `{"message":"Cannot approve a Pipeline with Status \"success\""}`+"\n" {
		t.Errorf("approve of a passed stage = %d %s", got.status, got.body)
	}
	mustCall(t, s, "POST", base+itoa(gated)+"/approve/2", http.StatusNoContent)
	if spec, _ := s.BuildSpec("octo/app", gated); spec.Status != drone.StatusPending || spec.Stages[1].Status != drone.StatusPending {
		t.Errorf("after approve: build %s, stage %s", spec.Status, spec.Stages[1].Status)
	}
	declined := s.AddBuild("octo/app", blockedBuild())
	mustCall(t, s, "POST", base+itoa(declined)+"/decline/2", http.StatusNoContent)
	if spec, _ := s.BuildSpec("octo/app", declined); spec.Status != drone.StatusDeclined || !spec.Finished.After(time.Time{}) {
		t.Errorf("after decline: %s finished %v", spec.Status, spec.Finished)
	}
	if got := call(t, s, "POST", base+itoa(declined), withToken); got.status != 400 {
		t.Errorf("restart of a declined build = %d", got.status)
	}
}

func TestV1OnCreateAndPaging(t *testing.T) {
	s := New(drone.DialectV1)
	defer s.Close()
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s.SetNow(func() time.Time { return clock })
	s.AddRepo("octo/app", RepoOptions{Branches: []string{"dev"}})
	s.OnCreate(func(slug string, number int64, b *BuildSpec) {
		b.Status = drone.StatusRunning
		b.Stages = []StageSpec{{Name: "default", Status: drone.StatusRunning, Steps: []StepSpec{{Name: "test", Status: drone.StatusRunning}}}}
	})
	b := decode[buildV1](t, mustCall(t, s, "POST", "/api/repos/octo/app/builds?branch=dev&X=1", 200))
	if b.Event != drone.EventCustom || b.Target != "dev" || b.Status != drone.StatusRunning || len(b.Stages) != 1 || b.Params["X"] != "1" {
		t.Errorf("created build = %+v", b)
	}
	if b.Created != clock.Unix() {
		t.Errorf("created = %d, want the fake clock %d", b.Created, clock.Unix())
	}
	if got := call(t, s, "GET", "/api/repos/octo/app/builds/1/logs/1/1", withToken); got.status != 404 {
		t.Errorf("log of a running step = %d", got.status)
	}
	for range 29 {
		s.AddBuild("octo/app", BuildSpec{Status: drone.StatusSuccess})
	}
	page := decode[[]buildV1](t, mustCall(t, s, "GET", "/api/repos/octo/app/builds?per_page=500", 200))
	if len(page) != 25 || page[0].Number != 30 {
		t.Errorf("per_page over 100: %d builds, first #%d", len(page), page[0].Number)
	}
	dev := decode[[]buildV1](t, mustCall(t, s, "GET", "/api/repos/octo/app/builds?branch=dev", 200))
	if len(dev) != 1 || dev[0].Number != 1 {
		t.Errorf("branch filter: %+v", dev)
	}
}

func TestV08CancelRestartDeploy(t *testing.T) {
	s := New(drone.DialectV08)
	defer s.Close()
	s.AddRepo("octo/app", RepoOptions{DefaultBranch: "master"})
	n := s.AddBuild("octo/app", BuildSpec{Status: drone.StatusRunning, Stages: []StageSpec{{Status: drone.StatusRunning,
		Steps: []StepSpec{{Name: "clone", Status: drone.StatusSuccess, Log: []string{"ok"}}, {Name: "test", Status: drone.StatusRunning}, {Name: "notify"}}}}})
	mustCall(t, s, "DELETE", "/api/repos/octo/app/builds/1/1", http.StatusNoContent)
	spec, _ := s.BuildSpec("octo/app", n)
	if spec.Status != drone.StatusKilled || spec.Stages[0].Steps[1].ExitCode != 137 || spec.Stages[0].Steps[2].Status != drone.StatusKilled {
		t.Errorf("after cancel: %+v", spec)
	}
	logs := decode[[]lineV08](t, mustCall(t, s, "GET", "/api/repos/octo/app/logs/1/2", 200))
	if len(logs) != 1 || logs[0].Out != "ok\n" || logs[0].Proc != "clone" {
		t.Errorf("log = %+v", logs)
	}
	got := call(t, s, "POST", "/api/repos/octo/app/builds/1?event=deployment&deploy_to=prod&FOO=bar", withToken)
	b := decode[buildV08](t, got.body)
	if got.status != http.StatusAccepted || b.Event != "deployment" || b.Deploy != "prod" || b.Parent != 1 || len(b.Procs) != 4 || b.Procs[1].PPID != 1 {
		t.Errorf("deploy = %d %+v", got.status, b)
	}
	if spec, _ := s.BuildSpec("octo/app", 2); spec.Event != drone.EventPromote || spec.Params["FOO"] != "bar" {
		t.Errorf("deploy spec = %+v", spec)
	}
}
