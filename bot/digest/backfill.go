package digest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/drone"
)

// Bounds of one backfill.
const (
	// DefaultMaxPages is how many pages of one repository's build list a
	// backfill reads at most (100 builds a page on Drone 1.x, 50 on 0.8).
	DefaultMaxPages = 20
	// DefaultMaxDetails is how many failed builds a backfill reads whole,
	// for their failed step (the lists do not carry steps).
	DefaultMaxDetails = 100
	// DefaultBackfillTimeout bounds the reading, so that a large server
	// leaves the digest time to be sent (Scheduler.Timeout bounds both).
	DefaultBackfillTimeout = time.Minute
	// maxReasons is how many reasons for missing builds a digest names.
	maxReasons = 3
	// listPageSize is what a backfill asks for; 0.8 always answers 50.
	listPageSize = 100
	// longestBuild is how long before a window a build may have started
	// and still finish inside it: a list page older than that ends the
	// reading.
	longestBuild = 24 * time.Hour
)

// DroneLister is what a backfill reads from Drone (drone.Client has it).
type DroneLister interface {
	Dialect(ctx context.Context) (drone.Dialect, error)
	Repos(ctx context.Context, latest bool) ([]*drone.Repo, error)
	Builds(ctx context.Context, slug string, opts drone.ListOptions) ([]*drone.Build, error)
	Build(ctx context.Context, slug string, number int64) (*drone.Build, error)
}

// CoverageStore knows when the watcher was recording.
type CoverageStore interface {
	// Watched are the spans within [since, until) during which the watcher
	// recorded every finished build of its repositories, in order.
	Watched(ctx context.Context, since, until time.Time) ([]store.Span, error)
}

// Backfill fills in the builds the history lacks from Drone's build lists:
// the times the watcher was not recording (a fresh install, a bot that was
// down) and the digest's repositories it does not watch at all.
type Backfill struct {
	Drone    DroneLister
	Coverage CoverageStore // nil: the history covers nothing
	// MaxPages, MaxDetails and Timeout bound the reading; 0 means the
	// defaults.
	MaxPages   int
	MaxDetails int
	Timeout    time.Duration
}

// filled is what a backfill found.
type filled struct {
	builds  []store.BuildRecord
	missing []store.Span
	why     []string
	// globs are the unwatched digest globs whose repositories were read
	// completely.
	globs []string
}

// run reads the builds of spec's repositories that finished in [from,
// until) outside the watched spans (all of it for repositories the
// watcher does not record). It never fails: what it cannot read is
// reported as missing.
func (bf *Backfill) run(ctx context.Context, spec Spec, from, until time.Time, watchGlobs []string) filled {
	timeout := bf.Timeout
	if timeout <= 0 {
		timeout = DefaultBackfillTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var out filled
	gaps := []store.Span{{Start: from, End: until}}
	if bf.Coverage != nil {
		watched, err := bf.Coverage.Watched(ctx, from, until)
		if err != nil {
			out.why = append(out.why, err.Error())
		} else {
			gaps = subtract(store.Span{Start: from, End: until}, watched)
		}
	}
	unwatchedGlobs := unwatched(spec.repoGlobs(), watchGlobs, nil)
	if len(gaps) == 0 && len(unwatchedGlobs) == 0 {
		return out
	}
	repos, err := bf.Drone.Repos(ctx, false)
	if err != nil {
		out.missing = gaps
		out.why = append(out.why, "Drone's repository list: "+oneLine(err))
		return out
	}
	details := bf.maxDetails()
	complete := true
	for _, r := range repos {
		if !drone.MatchAnyGlob(spec.repoGlobs(), r.Slug) {
			continue
		}
		windows := gaps
		isWatched := watchGlobs == nil || drone.MatchAnyGlob(watchGlobs, r.Slug)
		if !isWatched {
			windows = []store.Span{{Start: from, End: until}}
		}
		if len(windows) == 0 {
			continue
		}
		if ctx.Err() != nil {
			// Out of time: what is left is missing, for one reason.
			out.missing = append(out.missing, windows...)
			if !isWatched {
				complete = false
			}
			if reason := fmt.Sprintf("reading Drone took longer than %s", timeout); !slices.Contains(out.why, reason) {
				out.why = append(out.why, reason)
			}
			continue
		}
		builds, missing, err := bf.repo(ctx, r.Slug, windows, &details)
		out.builds = append(out.builds, builds...)
		if err != nil {
			out.why = append(out.why, oneLine(err))
		}
		if len(missing) > 0 {
			out.missing = append(out.missing, missing...)
			if !isWatched {
				complete = false
			}
		}
	}
	if complete {
		out.globs = unwatchedGlobs
	}
	out.missing = union(out.missing)
	if len(out.why) > maxReasons {
		out.why = append(out.why[:maxReasons], fmt.Sprintf("%d more", len(out.why)-maxReasons))
	}
	return out
}

// repo reads one repository's build list, newest first, until it is older
// than the windows, and keeps the finished builds inside them.
func (bf *Backfill) repo(ctx context.Context, slug string, windows []store.Span, details *int) ([]store.BuildRecord, []store.Span, error) {
	start := windows[0].Start
	var out []store.BuildRecord
	first := 0
	for page := 1; ; page++ {
		if page > bf.maxPages() {
			// What was not reached: from the window start to the oldest build read.
			oldest := windows[len(windows)-1].End
			if n := len(out); n > 0 {
				oldest = out[n-1].Finished
			}
			return out, clip(windows, store.Span{Start: start, End: oldest}),
				fmt.Errorf("the build list of %s was read up to %d pages", slug, bf.maxPages())
		}
		list, err := bf.Drone.Builds(ctx, slug, drone.ListOptions{Page: page, PerPage: listPageSize})
		if err != nil {
			return out, windows, fmt.Errorf("the build list of %s: %s", slug, oneLine(err))
		}
		for _, b := range list {
			if !b.Status.Done() || b.Finished.IsZero() || !inAny(windows, b.Finished) {
				continue
			}
			if b.Status.Failed() && *details > 0 {
				*details--
				if full, err := bf.Drone.Build(ctx, slug, b.Number); err == nil {
					b = full
				}
			}
			out = append(out, recordOf(slug, b))
		}
		if page == 1 {
			first = len(list)
		}
		// A short page is the last; so is one that reaches back before the
		// windows by more than a build can run.
		if len(list) == 0 || len(list) < first || len(list) < 25 ||
			list[len(list)-1].Created.Before(start.Add(-longestBuild)) {
			return out, nil, nil
		}
		if ctx.Err() != nil {
			return out, windows, fmt.Errorf("the build list of %s: %w", slug, ctx.Err())
		}
	}
}

func (bf *Backfill) maxPages() int {
	if bf.MaxPages > 0 {
		return bf.MaxPages
	}
	return DefaultMaxPages
}

func (bf *Backfill) maxDetails() int {
	if bf.MaxDetails > 0 {
		return bf.MaxDetails
	}
	return DefaultMaxDetails
}

// recordOf is the history record of a build read from Drone, as the
// watcher would have recorded it.
func recordOf(slug string, b *drone.Build) store.BuildRecord {
	r := store.BuildRecord{Repo: slug, Number: b.Number, Branch: b.Branch(), Event: b.Event, Status: string(b.Status),
		Commit: b.Commit, Author: b.Author, Title: commitTitle(b), Started: b.Started, Finished: b.Finished}
	if !b.Started.IsZero() && b.Finished.After(b.Started) {
		r.Duration = b.Finished.Sub(b.Started)
	}
	for _, st := range b.Stages {
		for _, step := range st.Steps {
			if step.Status.Failed() && r.FailedStep == "" {
				r.FailedStep = step.Name
			}
		}
	}
	return r
}

// commitTitle is the first line of the commit message, else the title.
func commitTitle(b *drone.Build) string {
	msg, _, _ := strings.Cut(strings.TrimSpace(b.Message), "\n")
	if msg = strings.TrimSpace(msg); msg != "" {
		return msg
	}
	return strings.TrimSpace(b.Title)
}

// oneLine is an error as one short line, for a note in the digest.
func oneLine(err error) string {
	var de *drone.Error
	if errors.As(err, &de) && de.Message != "" {
		return de.Message
	}
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// subtract is what of whole the spans do not cover, in order.
func subtract(whole store.Span, spans []store.Span) []store.Span {
	var out []store.Span
	at := whole.Start
	for _, sp := range union(spans) {
		if sp.Start.After(at) {
			out = append(out, store.Span{Start: at, End: minTime(sp.Start, whole.End)})
		}
		if sp.End.After(at) {
			at = sp.End
		}
	}
	if at.Before(whole.End) {
		out = append(out, store.Span{Start: at, End: whole.End})
	}
	var kept []store.Span
	for _, sp := range out {
		if sp.End.After(sp.Start) {
			kept = append(kept, sp)
		}
	}
	return kept
}

// union sorts spans and merges those that touch or overlap.
func union(spans []store.Span) []store.Span {
	s := slices.Clone(spans)
	slices.SortFunc(s, func(a, b store.Span) int { return a.Start.Compare(b.Start) })
	var out []store.Span
	for _, sp := range s {
		if n := len(out); n > 0 && !sp.Start.After(out[n-1].End) {
			if sp.End.After(out[n-1].End) {
				out[n-1].End = sp.End
			}
			continue
		}
		out = append(out, sp)
	}
	return out
}

// clip is the parts of windows inside cut.
func clip(windows []store.Span, cut store.Span) []store.Span {
	var out []store.Span
	for _, w := range windows {
		s, e := maxTime(w.Start, cut.Start), minTime(w.End, cut.End)
		if e.After(s) {
			out = append(out, store.Span{Start: s, End: e})
		}
	}
	return out
}

func inAny(spans []store.Span, t time.Time) bool {
	for _, sp := range spans {
		if !t.Before(sp.Start) && t.Before(sp.End) {
			return true
		}
	}
	return false
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
