package watch

import (
	"context"
	"errors"
	"fmt"
	"github.com/dronebot/dronebot/bot/store"
	"log/slog"
	"sync"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/notify"
)

// EmitFunc takes an alert from the watcher. It must store the alert durably
// (the outbox) before it returns nil, and dedup permanently on the alert's
// ID and destination: after a crash the same alert may be emitted again.
type EmitFunc func(ctx context.Context, a *notify.Alert) error

// Pipeline processes finished builds, from the poller and the webhook alike.
// It is safe for concurrent use; builds of one repository are processed one
// at a time.
type Pipeline struct {
	// OnFound, when set, is told which source ("poll" or "webhook") found
	// each finished build first: in webhook mode a build found by the poll
	// is one whose webhook never came.
	OnFound func(source string)

	state  State
	alerts *AlertBuilder
	emit   EmitFunc
	log    *slog.Logger

	mu       sync.Mutex
	repoLock map[string]*repoLock
	firstRun time.Time
	haveRun  bool
}

type repoLock struct {
	ch   chan struct{}
	refs int
}

// NewPipeline returns a pipeline that reads and writes state, describes
// builds with alerts and hands each alert to emit.
func NewPipeline(state State, alerts *AlertBuilder, emit EmitFunc, log *slog.Logger) *Pipeline {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Pipeline{state: state, alerts: alerts, emit: emit, log: log, repoLock: map[string]*repoLock{}}
}

// Seen reports whether repo#number was processed already.
func (p *Pipeline) Seen(ctx context.Context, repo string, number int64) (bool, error) {
	seen, err := p.state.BuildSeen(ctx, repo, number)
	if err != nil {
		return false, fmt.Errorf("watch: seen %s#%d: %w", repo, number, err)
	}
	return seen, nil
}

// Process handles finished build b of repo once: it derives the outcomes
// from the line, emits one alert per outcome (none when silent, or when b
// finished before the first run), then commits the line, the history
// record and the processed mark together. It returns the number of alerts
// emitted. On error nothing is committed and the build may be processed
// again; the alerts emitted so far come out again with the same IDs.
func (p *Pipeline) Process(ctx context.Context, repo string, b *drone.Build, silent bool) (int, error) {
	if !b.Status.Done() {
		return 0, fmt.Errorf("watch: process %s#%d: build is %s, not finished", repo, b.Number, b.Status)
	}
	unlock, err := p.lock(ctx, repo)
	if err != nil {
		return 0, fmt.Errorf("watch: process %s#%d: %w", repo, b.Number, err)
	}
	defer unlock()

	if seen, err := p.Seen(ctx, repo, b.Number); err != nil || seen {
		return 0, err
	}
	first, err := p.firstRunTime(ctx)
	if err != nil {
		return 0, err
	}
	// Drone stamps builds in whole seconds: compare at that precision, or
	// a build finishing in the second the bot first ran would pass silently.
	silent = silent || finishedBefore(b, first)

	var before *store.Line
	if HasLine(b.Event) {
		l, ok, err := p.state.GetLine(ctx, repo, b.Branch())
		if err != nil {
			return 0, fmt.Errorf("watch: process %s#%d: get line: %w", repo, b.Number, err)
		}
		if ok {
			before = &l
		}
	}
	v := Outcomes(repo, b, before)

	emitted := 0
	if !silent && len(v.Outcomes) > 0 {
		base := p.alerts.BuildAlert(ctx, repo, b, anyFailed(v.Outcomes))
		for _, o := range v.Outcomes {
			a := *base
			a.Outcome, a.ID = o, AlertID(repo, b.Number, o)
			if o.Failed() {
				a.FailCount = v.FailCount
			}
			if err := p.emit(ctx, &a); err != nil {
				return emitted, fmt.Errorf("watch: emit %s: %w", a.ID, err)
			}
			emitted++
		}
	}
	if _, err := p.state.CommitBuild(ctx, v.Line, record(repo, b)); err != nil {
		return emitted, fmt.Errorf("watch: commit %s#%d: %w", repo, b.Number, err)
	}
	if emitted > 0 {
		p.log.Info("build processed", "repo", repo, "build", b.Number, "status", string(b.Status), "alerts", emitted)
	}
	return emitted, nil
}

func (p *Pipeline) found(source string) {
	if p.OnFound != nil {
		p.OnFound(source)
	}
}

func anyFailed(os []notify.Outcome) bool {
	for _, o := range os {
		if o.Failed() {
			return true
		}
	}
	return false
}

// record is the history entry of a finished build.
func record(repo string, b *drone.Build) store.BuildRecord {
	r := store.BuildRecord{
		Repo: repo, Number: b.Number, Branch: b.Branch(), Event: b.Event, Status: string(b.Status),
		Commit: b.Commit, Author: b.Author, Title: commitTitle(b), Started: b.Started, Finished: b.Finished,
		Duration: span(b.Started, b.Finished),
	}
	if _, step := FirstFailedStep(b); step != nil {
		r.FailedStep = step.Name
	}
	return r
}

// firstRunTime reads the first run once; an error is retried next time.
func (p *Pipeline) firstRunTime(ctx context.Context) (time.Time, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.haveRun {
		return p.firstRun, nil
	}
	t, err := p.state.FirstRun(ctx)
	if err != nil {
		return time.Time{}, fmt.Errorf("watch: first run: %w", err)
	}
	p.firstRun, p.haveRun = t, true
	return t, nil
}

// lock serialises the builds of one repository, so a line is never read
// and written by two builds at once.
func (p *Pipeline) lock(ctx context.Context, repo string) (func(), error) {
	p.mu.Lock()
	l := p.repoLock[repo]
	if l == nil {
		l = &repoLock{ch: make(chan struct{}, 1)}
		p.repoLock[repo] = l
	}
	l.refs++
	p.mu.Unlock()

	release := func() {
		p.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(p.repoLock, repo)
		}
		p.mu.Unlock()
	}
	select {
	case l.ch <- struct{}{}:
		return func() { <-l.ch; release() }, nil
	case <-ctx.Done():
		release()
		return nil, errors.Join(errors.New("waiting for another build of the repository"), ctx.Err())
	}
}
