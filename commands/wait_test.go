package commands

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

func TestWaitBuild(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		e.seed(t)
		// The build finishes only after a few polls have seen it running.
		polls := 0
		finish := make(chan struct{})
		go func() {
			for len(e.srv.Requests()) < 3 {
				time.Sleep(5 * time.Millisecond)
			}
			polls = len(e.srv.Requests())
			e.srv.UpdateBuild("octo/demo", 3, func(b *dronetest.BuildSpec) {
				b.Status = drone.StatusFailure
				b.Stages[0].Status = drone.StatusFailure
				b.Stages[0].Steps[1].Status = drone.StatusFailure
				b.Stages[0].Steps[1].ExitCode = 3
			})
			close(finish)
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		r, err := WaitBuild(ctx, e.client, "octo/demo", 3, 10*time.Millisecond, droneUI)
		if err != nil {
			t.Fatalf("WaitBuild: %v", err)
		}
		<-finish
		if polls < 3 {
			t.Errorf("the build finished after %d polls", polls)
		}
		if r.Title != "octo/demo #3: failure" || r.Text != "step build/compile failed with exit code 3." {
			t.Errorf("outcome = %q / %q", r.Title, r.Text)
		}
		if r.Level != Error || !r.Public || len(r.Links) != 1 || r.Links[0].URL != e.pick(droneUI+"/octo/demo/3", droneUI+"/repos/octo/demo/pipeline/3") {
			t.Errorf("outcome = %+v", r)
		}
		mustContain(t, "outcome", RenderText(r), "/restart octo/demo 3", "/logs octo/demo 3", "Commit: 3333333 try again")

		ok, err := WaitBuild(ctx, e.client, "octo/demo", 1, time.Millisecond, "")
		if err != nil || ok.Title != "octo/demo #1: success" || ok.Level != Success || len(ok.Links) != 0 {
			t.Errorf("finished build: %+v, %v", ok, err)
		}
		mustContain(t, "success outcome", ok.Text, "finished: success")
	})
}

func TestWaitBuildEnds(t *testing.T) {
	e := newEnv(t, drone.DialectV1)
	e.seed(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := WaitBuild(ctx, e.client, "octo/demo", 99, time.Millisecond, ""); !drone.IsNotFound(err) {
		t.Errorf("unknown build: err = %v, want not found", err)
	}

	short, cancelShort := context.WithCancel(ctx)
	go func() {
		for len(e.srv.Requests()) < 5 {
			time.Sleep(time.Millisecond)
		}
		cancelShort()
	}()
	_, err := WaitBuild(short, e.client, "octo/demo", 3, time.Millisecond, "")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: err = %v", err)
	}
	if err != nil && strings.Contains(err.Error(), e.srv.Token) {
		t.Error("error carries the token")
	}
}

func TestRenderText(t *testing.T) {
	got := RenderText(Reply{
		Title:   "octo/demo #2: failure",
		Text:    "step build/test failed with exit code 1.",
		Fields:  []Field{{"Branch", "main"}, {"Author", "pan"}},
		Code:    "line 1\nline 2",
		Links:   []Link{{"octo/demo #2", "https://drone.example.com/octo/demo/2"}},
		Buttons: []Button{{Text: "Restart", Action: "restart", Value: "octo/demo#2"}},
	})
	want := "octo/demo #2: failure\nstep build/test failed with exit code 1.\nBranch: main\nAuthor: pan\n" +
		"----\nline 1\nline 2\n----\nocto/demo #2: https://drone.example.com/octo/demo/2\nnext: /restart octo/demo 2\n"
	if got != want {
		t.Errorf("RenderText =\n%s\nwant\n%s", got, want)
	}
	if got := RenderText(Reply{Text: "only text"}); got != "only text\n" {
		t.Errorf("RenderText(text) = %q", got)
	}
}

// A button's command runs through the same parser and reaches the same build.
func TestButtonCommandRuns(t *testing.T) {
	e := newEnv(t, drone.DialectV1)
	e.seed(t)
	status := e.run(t, reader, "/status octo/demo 2")
	if len(status.Buttons) != 2 {
		t.Fatalf("buttons = %+v", status.Buttons)
	}
	r := e.run(t, reader, ButtonCommand(status.Buttons[1]))
	mustContain(t, "logs button", r.Title, "octo/demo #2 · build/compile")
	r = e.run(t, writer, ButtonCommand(status.Buttons[0]))
	checkWrite(t, e, r, "restart")
}
