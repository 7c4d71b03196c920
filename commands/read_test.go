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
	mustContain(t, "help logs", one.Title, "/logs owner/name [N] [step | stage/step] [--tail | -n LINES | --around LINE | --grep TEXT]")
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
		// The excerpt: what explains the failure first, then the end.
		mustContain(t, "logs text", r.Text, "lines 1, 56–59 of 59: what explains the failure, then the end")
		if r.Code != " 1  error: undefined: frobnicate\n… 54 lines …\n56  noisy line 55\n57  compile failed\n58  export PASSWORD=****\n59  exit status 2" {
			t.Errorf("code = %q", r.Code)
		}
		mustNotContain(t, "logs", RenderText(r), "hunter2", "\x1b[")

		// --tail is the plain end: 30 lines by default, -n overrides the
		// platform's size.
		r = e.run(t, reader, "/logs octo/demo 2 --tail")
		if got := strings.Count(r.Code, "\n") + 1; got != 31 || !strings.HasPrefix(r.Code, "… 29 lines …\n30  noisy line 29\n") {
			t.Errorf("default tail has %d lines: %q", got, r.Code)
		}
		mustContain(t, "--tail", r.Text, "last 30 of 59 lines")
		r = e.run(t, reader, "/logs octo/demo 2 -n 3")
		if r.Code != "… 56 lines …\n57  compile failed\n58  export PASSWORD=****\n59  exit status 2" {
			t.Errorf("-n 3: %q", r.Code)
		}
		r = e.run(t, reader, "/logs octo/demo 2 --around 20 -n 4")
		mustContain(t, "--around", r.Text, "lines 18–22 of 59, around line 20")
		if r.Code != "… 17 lines …\n18  noisy line 17\n19  noisy line 18\n20  noisy line 19\n21  noisy line 20\n22  noisy line 21\n… 37 lines …" {
			t.Errorf("--around: %q", r.Code)
		}
		r = e.run(t, reader, "/logs octo/demo 2 --around 99")
		mustContain(t, "--around past the end", r.Text, "the log has 59 lines, no line 99")
		r = e.run(t, reader, `/logs octo/demo 2 --grep "NOISY LINE 4"`)
		mustContain(t, "--grep", r.Text, `11 lines match "NOISY LINE 4": lines 5, 41–50 of 59`)
		r = e.run(t, reader, "/logs octo/demo 2 --grep password")
		mustContain(t, "--grep masked", r.Text, `1 line matches "password": line 58 of 59`)
		if r.Code != "… 57 lines …\n58  export PASSWORD=****\n… 1 line …" {
			t.Errorf("--grep: %q", r.Code)
		}
		r = e.run(t, reader, "/logs octo/demo 2 --grep nowhere-to-be-found")
		mustContain(t, "--grep none", r.Text, `no line of 59 matches "nowhere-to-be-found"`)
		if r = e.run(t, reader, "/logs octo/demo 2 --tail --grep x"); !r.Err || !strings.Contains(r.Text, "one of --tail/-n, --around and --grep at a time") {
			t.Errorf("two modes: %+v", r)
		}
		r = e.run(t, reader, "/logs octo/demo #2 lint/vet -n 10")
		mustContain(t, "lint/vet", r.Title, "lint/vet: failure, exit code 1")
		if r.Code != "1  vet: bad" {
			t.Errorf("vet log = %q", r.Code)
		}
		mustContain(t, "lint/vet", r.Text, "the whole log (1 line)")

		r = e.run(t, reader, "/logs octo/demo 2 CLONE")
		mustContain(t, "clone by name", r.Title, "build/clone: success")
		if r.Code != "1  cloned" {
			t.Errorf("clone log = %q", r.Code)
		}

		// No failed step: the last step.
		r = e.run(t, reader, "/logs octo/demo 1")
		mustContain(t, "last step", r.Title, "build/compile: success")
		if r.Code != "1  ok" {
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
