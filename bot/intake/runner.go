package intake

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/drone"
)

// ErrStopped is WaitBuild's error when Stop ended the watch: the intake is
// shutting down and should say nothing half-way.
var ErrStopped = errors.New("intake: stopped following builds")

// Config is how a Runner runs commands and follows builds.
type Config struct {
	Name         string        // the intake, for Wait's error: "slack"
	Lang         string        // en | zh: a followed build's outcome and the internal-error reply
	MaxRunning   int           // commands running at once; a burst queues
	ReplyTimeout time.Duration // bounds one command, its wait for a slot included
	Log          *slog.Logger  // nil: discard
	Observe      func(route, result string)
	FollowEvery  time.Duration // how often a followed build is polled
	DroneURL     string        // Drone's UI, for links in outcomes
}

// Job is one command to run in the background.
type Job struct {
	Route string // for the observer and the log
	Who   string // the asker, for the log
	Run   func(ctx context.Context)
	// Failed tells the asker reply (FailedReply) after Run panicked; it
	// gets Run's context.
	Failed func(ctx context.Context, reply commands.Reply)
}

// Runner runs an intake's background work, detached from the requests
// that brought it, and waits for it on shutdown.
type Runner struct {
	cfg      Config
	inflight sync.WaitGroup
	running  chan struct{} // one token per command running
	// follows is cancelled by Stop: followed builds are not watched across
	// a restart.
	follows     context.Context
	stopFollows context.CancelFunc
}

// NewRunner returns a Runner; a MaxRunning below 1 runs one command at once.
func NewRunner(cfg Config) *Runner {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Observe == nil {
		cfg.Observe = func(string, string) {}
	}
	r := &Runner{cfg: cfg, running: make(chan struct{}, max(cfg.MaxRunning, 1))}
	r.follows, r.stopFollows = context.WithCancel(context.Background())
	return r
}

// Go runs j in its own goroutine under ReplyTimeout, once a slot is free.
// A command that finds no slot in time is observed as "overloaded"; a
// panic is logged, observed and told to the asker through j.Failed.
func (r *Runner) Go(j Job) {
	r.inflight.Add(1)
	go func() {
		defer r.inflight.Done()
		ctx, cancel := context.WithTimeout(context.Background(), r.cfg.ReplyTimeout)
		defer cancel()
		// A burst queues here rather than competing with the
		// acknowledgements for CPU and flooding Drone.
		select {
		case r.running <- struct{}{}:
			defer func() { <-r.running }()
		case <-ctx.Done():
			r.cfg.Log.Warn("command not run: too many commands waiting", "route", j.Route, "who", j.Who)
			r.cfg.Observe(j.Route, "overloaded")
			return
		}
		defer func() {
			if p := recover(); p != nil {
				r.cfg.Log.Error("reply panicked", "route", j.Route, "who", j.Who, "panic", fmt.Sprint(p))
				r.cfg.Observe(j.Route, "panic")
				if j.Failed != nil {
					j.Failed(ctx, commands.InternalErrorReply(r.cfg.Lang))
				}
			}
		}()
		j.Run(ctx)
	}()
}

// Follow runs watch (which follows f) in its own goroutine; Wait waits
// for it. A panic is logged and observed as "follow": "panic".
func (r *Runner) Follow(f *commands.Follow, watch func()) {
	r.inflight.Add(1)
	go func() {
		defer r.inflight.Done()
		defer func() {
			if p := recover(); p != nil {
				r.cfg.Log.Error("following a build panicked", "repo", f.Repo, "build", f.Number, "panic", fmt.Sprint(p))
				r.cfg.Observe("follow", "panic")
			}
		}()
		watch()
	}()
}

// WaitBuild polls f on dc until the build finishes and returns its outcome. If
// limit passes or polling fails first, it logs why and returns a warning
// naming /status with the error; after Stop it returns ErrStopped.
func (r *Runner) WaitBuild(dc drone.Client, f *commands.Follow, limit time.Duration) (commands.Reply, error) {
	ctx, cancel := context.WithTimeout(r.follows, limit)
	defer cancel()
	outcome, err := commands.WaitBuildIn(ctx, dc, f.Repo, f.Number, r.cfg.FollowEvery, r.cfg.DroneURL, r.cfg.Lang)
	if r.follows.Err() != nil {
		return commands.Reply{}, ErrStopped
	}
	if err != nil {
		r.cfg.Log.Warn("stopped following a build", "repo", f.Repo, "build", f.Number, "err", err)
		return commands.Reply{Level: commands.Warning,
			Text: fmt.Sprintf("I stopped watching %s #%d; check /status %s %d.", f.Repo, f.Number, f.Repo, f.Number)}, err
	}
	return outcome, nil
}

// Delivered logs and observes one delivery's result on route and reports
// whether it went out; attrs say what was delivered, for the log.
func (r *Runner) Delivered(route string, err error, attrs ...any) bool {
	if err != nil {
		r.cfg.Log.Error("reply not delivered", append(append([]any{"route", route}, attrs...), "err", err)...)
		r.cfg.Observe(route, "delivery_failed")
		return false
	}
	r.cfg.Observe(route, "delivered")
	return true
}

// Stop ends every followed build's watch, silently.
func (r *Runner) Stop() { r.stopFollows() }

// Wait stops following builds (see Stop) and waits until every command
// and watch has ended, or ctx ends.
func (r *Runner) Wait(ctx context.Context) error {
	r.Stop()
	done := make(chan struct{})
	go func() {
		r.inflight.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: waiting for in-flight replies: %w", r.cfg.Name, ctx.Err())
	}
}
