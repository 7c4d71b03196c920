package intake

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

func newTestRunner(t *testing.T, maxRunning int, replyTimeout time.Duration, seen *observations) *Runner {
	t.Helper()
	r := NewRunner(Config{MaxRunning: maxRunning, ReplyTimeout: replyTimeout, Observe: seen.observe,
		FollowEvery: 10 * time.Millisecond, DroneURL: "https://drone.example.com"})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.Wait(ctx); err != nil {
			t.Errorf("Wait: %v", err)
		}
	})
	return r
}

// waitFor polls cond for up to 10 s: the work runs in other goroutines.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestRunnerHonoursTheBound(t *testing.T) {
	for _, bound := range []int{1, 3} {
		var seen observations
		r := newTestRunner(t, bound, time.Minute, &seen)
		var now, peak, done atomic.Int32
		release := make(chan struct{})
		const jobs = 8
		for range jobs {
			r.Go(Job{Route: "cmd", Run: func(context.Context) {
				n := now.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				<-release
				now.Add(-1)
				done.Add(1)
			}})
		}
		waitFor(t, "the bound to fill", func() bool { return now.Load() == int32(bound) })
		close(release)
		waitFor(t, "every job", func() bool { return done.Load() == jobs })
		if p := peak.Load(); p != int32(bound) {
			t.Errorf("bound %d: %d commands ran at once", bound, p)
		}
	}
}

func TestRunnerOverloadAndPanic(t *testing.T) {
	var seen observations
	r := newTestRunner(t, 1, 50*time.Millisecond, &seen)
	release := make(chan struct{})
	started := make(chan struct{})
	r.Go(Job{Route: "busy", Run: func(context.Context) { close(started); <-release }})
	<-started
	// The only slot is taken until this job's ReplyTimeout ends.
	r.Go(Job{Route: "late", Run: func(context.Context) { t.Error("an overloaded command ran") }})
	waitFor(t, "late:overloaded", func() bool { return slices.Contains(seen.list(), "late:overloaded") })
	close(release)

	told := make(chan error, 1)
	r.Go(Job{Route: "bad", Who: "alice", Run: func(context.Context) { panic("boom") },
		Failed: func(ctx context.Context, reply commands.Reply) {
			if !reply.Err || strings.Contains(reply.Text, "boom") {
				t.Errorf("Failed got %+v, want an error reply without the panic", reply)
			}
			told <- ctx.Err()
		}})
	if err := <-told; err != nil {
		t.Errorf("Failed got an ended context: %v", err)
	}
	waitFor(t, "bad:panic", func() bool { return slices.Contains(seen.list(), "bad:panic") })
}

// TestPanicIsAnsweredInTheBotsLanguage: a zh bot says its internal error
// in Chinese, with the details left in the log.
func TestPanicIsAnsweredInTheBotsLanguage(t *testing.T) {
	for lang, want := range map[string]string{"en": "internal error", "zh": "内部错误"} {
		r := NewRunner(Config{Name: "chat", MaxRunning: 1, ReplyTimeout: time.Minute, Lang: lang})
		told := make(chan commands.Reply, 1)
		r.Go(Job{Route: "bad", Run: func(context.Context) { panic("boom") },
			Failed: func(_ context.Context, reply commands.Reply) { told <- reply }})
		if reply := <-told; !reply.Err || reply.Level != commands.Error || !strings.Contains(reply.Text, want) {
			t.Errorf("lang %s: Failed got %+v, want an error reply saying %q", lang, reply, want)
		}
	}
}

func TestRunnerWait(t *testing.T) {
	var seen observations
	r := NewRunner(Config{Name: "chat", MaxRunning: 2, ReplyTimeout: time.Minute, Observe: seen.observe})
	release := make(chan struct{})
	r.Go(Job{Route: "cmd", Run: func(context.Context) { <-release }})
	r.Follow(&commands.Follow{Repo: "octo/demo", Number: 1}, func() { <-release })

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.Wait(ctx); !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "chat: waiting for in-flight replies") {
		t.Errorf("Wait with an ended context = %v, want canceled", err)
	}
	close(release)
	if err := r.Wait(context.Background()); err != nil {
		t.Errorf("Wait after the work ended = %v", err)
	}

	// A fresh runner: a WaitGroup is not reused while an earlier Wait may
	// still be watching it.
	r = NewRunner(Config{Observe: seen.observe})
	r.Follow(&commands.Follow{Repo: "octo/demo", Number: 2}, func() { panic("follow boom") })
	if err := r.Wait(context.Background()); err != nil {
		t.Errorf("Wait after a panicking follow = %v", err)
	}
	if !slices.Contains(seen.list(), "follow:panic") {
		t.Errorf("observed %v, want follow:panic", seen.list())
	}
}

func TestRunnerWaitBuild(t *testing.T) {
	fake := dronetest.New(drone.DialectV1)
	t.Cleanup(fake.Close)
	fake.AddRepo("octo/demo", dronetest.RepoOptions{})
	done := fake.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusSuccess, Message: "first"})
	running := fake.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusRunning})
	dc, err := drone.New(drone.Config{Server: fake.URL, Token: fake.Token})
	if err != nil {
		t.Fatal(err)
	}
	var seen observations
	r := newTestRunner(t, 1, time.Minute, &seen)

	cases := []struct {
		name    string
		number  int64
		limit   time.Duration
		ok      bool
		wantErr error // when not ok: what err must wrap, if anything in particular
		text    string
	}{
		{"finished build", done, time.Minute, true, nil, "#1 finished: success"},
		{"limit passes", running, 30 * time.Millisecond, false, context.DeadlineExceeded, "I stopped watching octo/demo #2; check /status octo/demo 2."},
		{"no such build", 99, time.Minute, false, nil, "I stopped watching octo/demo #99"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := r.WaitBuild(dc, &commands.Follow{Repo: "octo/demo", Number: c.number}, c.limit)
			switch {
			case c.ok && err != nil:
				t.Errorf("err = %v, want none", err)
			case !c.ok && (err == nil || errors.Is(err, ErrStopped)):
				t.Errorf("err = %v, want why the watch ended", err)
			case c.wantErr != nil && !errors.Is(err, c.wantErr):
				t.Errorf("err = %v, want %v", err, c.wantErr)
			}
			if !strings.Contains(out.Text, c.text) {
				t.Errorf("outcome %q, want it to hold %q", out.Text, c.text)
			}
		})
	}

	stopped := make(chan error, 1)
	go func() {
		_, err := r.WaitBuild(dc, &commands.Follow{Repo: "octo/demo", Number: running}, time.Hour)
		stopped <- err
	}()
	r.Stop()
	if err := <-stopped; !errors.Is(err, ErrStopped) {
		t.Errorf("WaitBuild after Stop = %v, want ErrStopped", err)
	}
}

func TestRunnerDelivered(t *testing.T) {
	var logs bytes.Buffer // Delivered logs from the caller's goroutine
	var seen observations
	r := NewRunner(Config{Observe: seen.observe, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if !r.Delivered("reply", nil, "who", "alice") {
		t.Error("a delivery without error was reported as failed")
	}
	if r.Delivered("follow", errors.New("channel_not_found"), "repo", "octo/demo") {
		t.Error("a failed delivery was reported as sent")
	}
	if got := seen.list(); !slices.Equal(got, []string{"reply:delivered", "follow:delivery_failed"}) {
		t.Errorf("observed %v", got)
	}
	if l := logs.String(); strings.Count(l, "\n") != 1 || !strings.Contains(l, "repo=octo/demo") || !strings.Contains(l, "channel_not_found") {
		t.Errorf("want one log line naming the repo and the error:\n%s", l)
	}
}
