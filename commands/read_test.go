package commands

import (
	"strings"
	"testing"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

func TestHelp(t *testing.T) {
	e := newEnv(t, drone.DialectV1)
	all := e.run(t, reader, "/help")
	if all.Err || all.Public {
		t.Fatalf("help reply Err=%v Public=%v", all.Err, all.Public)
	}
	for _, c := range e.reg.Commands() {
		mustContain(t, "help text", all.Text, c.Usage)
		if c.Help == "" {
			t.Errorf("command %s has no help text", c.Name)
		}
	}
	for _, name := range []string{"help", "repos", "activate", "deactivate", "build", "restart", "cancel",
		"approve", "decline", "promote", "status", "logs", "subscribe", "unsubscribe", "subscriptions"} {
		if _, ok := e.reg.commands[name]; !ok {
			t.Errorf("command %s is missing", name)
		}
	}
	one := e.run(t, reader, "/drone help /LOGS")
	mustContain(t, "help logs", one.Title, "/logs owner/name N [step | stage/step] [-n LINES]")
	mustContain(t, "help logs", one.Text, "first failed step")
	bad := e.run(t, reader, "/help stauts")
	if !bad.Err || e.lastObserved() != "help error" {
		t.Errorf("help of an unknown command: Err=%v observed %q", bad.Err, e.lastObserved())
	}
	mustContain(t, "help stauts", bad.Text, "did you mean /status")
	if n := len(e.srv.Requests()); n != 0 {
		t.Errorf("help sent %d requests to Drone", n)
	}
}

func TestRepos(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		r := e.run(t, reader, "/repos")
		mustContain(t, "repos title", r.Title, "2 active repositories")
		mustContain(t, "repos", r.Text, "octo/demo #3 running on main", "octo/other (no build yet)")
		mustNotContain(t, "repos", r.Text, "octo/idle")

		r = e.run(t, reader, "/repos other")
		mustContain(t, "repos other", r.Text, "octo/other")
		mustNotContain(t, "repos other", r.Text, "octo/demo")

		r = e.run(t, reader, "/repos */d*")
		mustContain(t, "repos glob", r.Text, "octo/demo")
		mustNotContain(t, "repos glob", r.Text, "octo/other")

		r = e.run(t, reader, "/repos nothing-like-this")
		if r.Err || r.Level != Warning {
			t.Errorf("empty list: Err=%v Level=%v", r.Err, r.Level)
		}
		mustContain(t, "repos none", r.Text, "no active repositories match nothing-like-this")

		e.srv.ResetRequests()
		r = e.run(t, reader, "/repos --all")
		mustContain(t, "repos --all", r.Text, "octo/idle (inactive)", "octo/demo", "octo/other")
		mustContain(t, "repos --all title", r.Title, "3 repositories")
		if len(e.srv.Requests()) == 0 {
			t.Error("--all sent no request")
		}
	})
}

func TestStatus(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		r := e.run(t, reader, "/status octo/demo #2")
		if r.Err || r.Public || r.Level != Error {
			t.Errorf("status Err=%v Public=%v Level=%v", r.Err, r.Public, r.Level)
		}
		mustContain(t, "status title", r.Title, "octo/demo #2: failure")
		mustContain(t, "status", r.Text,
			"build: failure", "clone: success", "compile: failure, exit code 2", "notify: success",
			"lint: failure", "vet: failure, exit code 1")
		text := RenderText(r)
		mustContain(t, "status render", text, "Branch: main", "Commit: 2222222 break it", "Author: pan",
			e.pick(droneUI+"/octo/demo/2", droneUI+"/repos/octo/demo/pipeline/2"), "/restart octo/demo 2", "/logs octo/demo 2")
		mustNotContain(t, "status render", text, "long body")

		// Default: the latest build of the default branch.
		e.srv.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusSuccess, Branch: "dev",
			Stages: []dronetest.StageSpec{{Name: "build", Status: drone.StatusSuccess,
				Steps: []dronetest.StepSpec{{Name: "clone", Status: drone.StatusSuccess}}}}})
		r = e.run(t, reader, "/status octo/demo")
		mustContain(t, "status latest", r.Title, "octo/demo #3: running")
		mustContain(t, "status latest", r.Text, "compile: running")
		if r.Level != Info || len(r.Buttons) != 0 {
			t.Errorf("running build: Level=%v Buttons=%v", r.Level, r.Buttons)
		}

		r = e.run(t, reader, "/status octo/demo#1")
		mustContain(t, "status #1", r.Title, "octo/demo #1: success")
	})
}

func TestStatusErroredBuild(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.srv.AddRepo("octo/yaml", dronetest.RepoOptions{})
		n := e.srv.AddBuild("octo/yaml", dronetest.BuildSpec{Status: drone.StatusError, Error: "yaml: line 3: did not find expected key"})
		r := e.run(t, reader, "/status octo/yaml "+itoa(int(n)))
		mustContain(t, "errored status", r.Title, "error")
		mustContain(t, "errored status", r.Text, "yaml: line 3: did not find expected key")
		r = e.run(t, reader, "/logs octo/yaml "+itoa(int(n)))
		if !r.Err {
			t.Error("logs of a build without steps should fail")
		}
		mustContain(t, "errored logs", r.Text, "errored before any step ran", "did not find expected key")
	})
}

func TestLogs(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		// Default: the first failed step (stage 1 before stage 2).
		r := e.reg.Run(t.Context(), Request{Text: "/logs octo/demo 2", From: reader, Conversation: room, TailLines: 4})
		if r.Err || r.Public {
			t.Fatalf("logs Err=%v Public=%v: %s", r.Err, r.Public, r.Text)
		}
		mustContain(t, "logs title", r.Title, "octo/demo #2 · build/compile: failure, exit code 2")
		mustContain(t, "logs text", r.Text, "last 4 of 59 lines", "line 1): error: undefined: frobnicate")
		wantCode := "noisy line 55\ncompile failed\nexport PASSWORD=****\nexit status 2"
		if r.Code != wantCode {
			t.Errorf("code = %q, want %q", r.Code, wantCode)
		}
		mustNotContain(t, "logs", RenderText(r), "hunter2", "\x1b[")

		// Default tail is 30 lines; -n overrides the platform's size.
		r = e.run(t, reader, "/logs octo/demo 2")
		if got := strings.Count(r.Code, "\n") + 1; got != 30 {
			t.Errorf("default tail has %d lines, want 30", got)
		}
		r = e.run(t, reader, "/logs octo/demo #2 lint/vet -n 10")
		mustContain(t, "lint/vet", r.Title, "lint/vet: failure, exit code 1")
		if r.Code != "vet: bad" {
			t.Errorf("vet log = %q", r.Code)
		}
		mustContain(t, "lint/vet", r.Text, "the whole log (1 line)")

		r = e.run(t, reader, "/logs octo/demo 2 CLONE")
		mustContain(t, "clone by name", r.Title, "build/clone: success")
		if r.Code != "cloned" {
			t.Errorf("clone log = %q", r.Code)
		}

		// No failed step: the last step.
		r = e.run(t, reader, "/logs octo/demo 1")
		mustContain(t, "last step", r.Title, "build/compile: success")
		if r.Code != "ok" {
			t.Errorf("last step log = %q", r.Code)
		}

		e.srv.ResetRequests()
		r = e.run(t, reader, "/logs octo/demo 3 compile")
		if !r.Err || r.Text != "log not available yet: step build/compile is still running." {
			t.Errorf("running step: Err=%v %q", r.Err, r.Text)
		}
		for _, p := range paths(e.srv.Requests()) {
			mustNotContain(t, "requests for a running step", p, "/logs")
		}

		r = e.run(t, reader, "/logs octo/demo 2 deploy")
		if !r.Err {
			t.Error("unknown step should fail")
		}
		mustContain(t, "unknown step", r.Text, "has no step deploy", "build/compile", "lint/vet")
	})
}
