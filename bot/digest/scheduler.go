package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/drone"
)

// Defaults of the Scheduler's optional fields.
const (
	DefaultRetryDelay  = 5 * time.Minute
	DefaultMaxAttempts = 3
	DefaultTimeout     = 2 * time.Minute
	// maxSleep bounds one wait, so a wall-clock jump (suspend, NTP step)
	// delays a digest by a minute at most.
	maxSleep = time.Minute
)

// Scheduler sends each digest when its schedule says.
//
// The rules: a slot that passes while Run runs is sent once. On start
// (CatchUp), the latest slot missed while the bot was down is sent once,
// however many were missed; a digest never sent before waits for its
// next slot. The store keeps the slot of the last scheduled send, so a
// restart after that sends nothing again. A manual send (SendNow) leaves
// the schedule alone.
type Scheduler struct {
	Digests []Spec
	Store   StateStore
	History HistoryStore
	// WatchRepos are the watcher's repository globs (nil: all), so a
	// digest can say which of its repositories have no recorded history.
	WatchRepos []string
	// DroneURL is the Drone server's address, for links in the digests.
	DroneURL string
	// Backfill reads from Drone what the history lacks; nil reads nothing.
	Backfill *Backfill
	// Send delivers one report (Sinks.Send does it for configured sinks).
	Send func(ctx context.Context, spec Spec, r *Report) error
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Wait sleeps for d or until ctx ends; default a timer.
	Wait func(ctx context.Context, d time.Duration) error
	// A failed scheduled send is tried again after RetryDelay, at most
	// MaxAttempts times in all; then the slot is given up (logged).
	RetryDelay  time.Duration
	MaxAttempts int
	// Timeout bounds building and sending one digest.
	Timeout time.Duration
	Logger  *slog.Logger

	mu       sync.Mutex
	started  time.Time
	failures map[string]failure // by digest name
}

// failure remembers failed attempts at one slot.
type failure struct {
	slot     time.Time
	attempts int
	retryAt  time.Time
}

// Run sends digests as they fall due until ctx ends; it starts with
// CatchUp. It returns nil when ctx ends.
func (s *Scheduler) Run(ctx context.Context) error {
	if err := s.CatchUp(ctx); err != nil {
		s.logger().Error("digest catch-up", "err", err)
	}
	for {
		now := s.now()
		wait := maxSleep
		for _, spec := range s.Digests {
			sched, err := parseSchedule(spec)
			if err != nil {
				continue // CatchUp logged it
			}
			if next := sched.next(now); !next.IsZero() {
				wait = min(wait, next.Sub(now))
			}
		}
		if err := s.wait(ctx, max(wait, 0)); err != nil || ctx.Err() != nil {
			return nil
		}
		if err := s.tick(ctx); err != nil {
			s.logger().Error("digest", "err", err)
		}
	}
}

// CatchUp sends the digests whose latest slot passed unsent while the bot
// was down; Run calls it first.
func (s *Scheduler) CatchUp(ctx context.Context) error {
	s.mu.Lock()
	if s.started.IsZero() {
		s.started = s.now()
	}
	s.mu.Unlock()
	return s.tick(ctx)
}

// tick sends every digest that is due now.
func (s *Scheduler) tick(ctx context.Context) error {
	var errs []error
	for _, spec := range s.Digests {
		if err := s.sendIfDue(ctx, spec); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (s *Scheduler) sendIfDue(ctx context.Context, spec Spec) error {
	sched, err := parseSchedule(spec)
	if err != nil {
		return err
	}
	now := s.now()
	slot := sched.prev(now)
	if slot.IsZero() {
		return nil
	}
	last, err := s.Store.DigestSent(ctx, spec.Name)
	if err != nil {
		return fmt.Errorf("digest %q: %w", spec.Name, err)
	}
	s.mu.Lock()
	started, f := s.started, s.failures[spec.Name]
	s.mu.Unlock()
	switch {
	case !last.IsZero() && !slot.After(last):
		return nil // already sent
	case last.IsZero() && slot.Before(started):
		return nil // never sent: wait for a slot while running
	case f.slot.Equal(slot) && now.Before(f.retryAt):
		return nil // failed a moment ago: wait before trying again
	}

	since := period(spec, sched, last, slot)
	sendErr := s.buildAndSend(ctx, spec, since, slot)
	if sendErr != nil {
		if !f.slot.Equal(slot) {
			f = failure{slot: slot}
		}
		f.attempts++
		f.retryAt = now.Add(s.retryDelay())
		s.setFailure(spec.Name, &f)
		if f.attempts < s.maxAttempts() {
			return fmt.Errorf("digest %q of %s: attempt %d: %w", spec.Name, slot.Format(timeLayout), f.attempts, sendErr)
		}
		s.logger().Error("digest given up", "digest", spec.Name, "slot", slot, "attempts", f.attempts, "err", sendErr)
	}
	s.setFailure(spec.Name, nil)
	if err := s.Store.SetDigestSent(ctx, spec.Name, slot); err != nil {
		return fmt.Errorf("digest %q: %w", spec.Name, err)
	}
	if sendErr == nil {
		s.logger().Info("digest sent", "digest", spec.Name, "since", since, "until", slot)
	}
	return nil
}

func (s *Scheduler) setFailure(name string, f *failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f == nil {
		delete(s.failures, name)
		return
	}
	if s.failures == nil {
		s.failures = map[string]failure{}
	}
	s.failures[name] = *f
}

// buildAndSend makes the report of [since, until) and sends it, bounded by
// the timeout.
func (s *Scheduler) buildAndSend(ctx context.Context, spec Spec, since, until time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	r, err := s.Build(ctx, spec, since, until)
	if err != nil {
		return err
	}
	if s.Send == nil {
		return errors.New("no send function")
	}
	return s.Send(ctx, spec, r)
}

// Build makes the report of spec over [since, until) from the history of
// that period and the one of the same length before it (for the trend),
// filled in from Drone where the history has gaps (see Backfill).
func (s *Scheduler) Build(ctx context.Context, spec Spec, since, until time.Time) (*Report, error) {
	from := since.Add(-until.Sub(since))
	builds, err := s.History.History(ctx, from, until, spec.repoGlobs())
	if err != nil {
		return nil, fmt.Errorf("digest %q: history: %w", spec.Name, err)
	}
	lines, err := s.History.Lines(ctx)
	if err != nil {
		return nil, fmt.Errorf("digest %q: lines: %w", spec.Name, err)
	}
	in := Input{Spec: spec, Since: since, Until: until, Builds: builds, Lines: lines,
		WatchGlobs: s.WatchRepos, DroneURL: s.DroneURL}
	if s.Backfill != nil && s.Backfill.Drone != nil {
		if d, err := s.Backfill.Drone.Dialect(ctx); err == nil {
			in.Dialect = d
		}
		f := s.Backfill.run(ctx, spec, from, until, s.WatchRepos)
		have := map[string]bool{}
		for _, b := range builds {
			have[buildKey(b)] = true
		}
		for _, b := range f.builds {
			if !have[buildKey(b)] && !b.Finished.Before(since) && b.Finished.Before(until) && drone.MatchAnyGlob(spec.repoGlobs(), b.Repo) {
				in.Sources.FromDrone++
			}
		}
		in.Builds = append(in.Builds, f.builds...) // the recorded ones first: they win
		in.Filled = f.globs
		if len(f.missing) > 0 {
			in.Sources.Missing, in.Sources.Why = f.missing, strings.Join(slices.Compact(f.why), "; ")
		}
		if len(f.why) > 0 {
			s.logger().Warn("digest backfill incomplete", "digest", spec.Name, "why", strings.Join(slices.Compact(f.why), "; "))
		}
	}
	return Compute(in), nil
}

func buildKey(b store.BuildRecord) string { return b.Repo + "#" + strconv.FormatInt(b.Number, 10) }

func (s *Scheduler) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Scheduler) wait(ctx context.Context, d time.Duration) error {
	if s.Wait != nil {
		return s.Wait(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (s *Scheduler) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (s *Scheduler) retryDelay() time.Duration {
	if s.RetryDelay > 0 {
		return s.RetryDelay
	}
	return DefaultRetryDelay
}

func (s *Scheduler) maxAttempts() int {
	if s.MaxAttempts > 0 {
		return s.MaxAttempts
	}
	return DefaultMaxAttempts
}

func (s *Scheduler) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return DefaultTimeout
}
