// Package digest makes the scheduled summaries of build health: which
// repositories ran how often, failed how often, how long builds took, what
// is red right now, which steps fail most and which commits look flaky.
//
// A Scheduler decides when each configured digest is due (5-field cron in
// the digest's time zone), builds a Report from the recorded history and
// hands it to a send function. Reports render as HTML email with an inline
// chart, as plain text and as compact markdown for chat.
//
// The package declares the small store interfaces it needs (StateStore,
// HistoryStore) and its own record types; the service adapts its store.
package digest

import (
	"context"
	"github.com/dronebot/dronebot/bot/store"
	"time"
)

// Spec is one configured digest.
type Spec struct {
	Name     string
	Schedule string         // 5-field cron, e.g. "0 9 * * 1-5"
	Location *time.Location // the schedule's and the report's time zone; nil = UTC
	// Period is how far back a digest looks; 0 = since the previous
	// scheduled digest of this name (the first: one schedule interval).
	Period time.Duration
	Repos  []string // repository globs (drone.MatchGlob); none = all
	To     []string // sink names
	Lang   string   // en | zh; "" = en
}

func (s Spec) location() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

func (s Spec) repoGlobs() []string {
	if len(s.Repos) == 0 {
		return []string{"*"}
	}
	return s.Repos
}

// StateStore remembers when each digest was last sent by the schedule.
type StateStore interface {
	// DigestSent is the scheduled time of the last sent digest of name;
	// the zero time when it was never sent.
	DigestSent(ctx context.Context, name string) (time.Time, error)
	// SetDigestSent records that the digest of name scheduled at at went out.
	SetDigestSent(ctx context.Context, name string, at time.Time) error
}

// HistoryStore is what the watcher recorded.
type HistoryStore interface {
	// History is the builds that finished in [since, until) of the
	// repositories matching repoGlobs (none: all), in finish order. The
	// store may match more widely: results are filtered again here.
	History(ctx context.Context, since, until time.Time, repoGlobs []string) ([]store.BuildRecord, error)
	// Lines is every known line, red or green.
	Lines(ctx context.Context) ([]store.Line, error)
}

// Report is one digest's content: every number is computed by Compute.
type Report struct {
	Name     string
	Since    time.Time // the period is [Since, Until)
	Until    time.Time
	Location *time.Location
	Totals   Totals
	Repos    []RepoStats // worst first (see Compute)
	Days     []Day       // each calendar day of the period in Location
	// Unwatched are the digest's repository globs the watcher does not
	// fully record, so the digest may miss builds of them.
	Unwatched []string
}

// Counts are the outcomes of a set of builds.
type Counts struct {
	Runs   int // every finished build
	Passed int // status success
	Failed int // status failure or error
	Other  int // killed, declined, skipped, ...
}

// Rate is Passed / (Passed + Failed) as a percentage; ok is false when
// nothing passed or failed. Killed and skipped builds do not count.
func (c Counts) Rate() (pct float64, ok bool) {
	if c.Passed+c.Failed == 0 {
		return 0, false
	}
	return 100 * float64(c.Passed) / float64(c.Passed+c.Failed), true
}

// Totals sum up the report.
type Totals struct {
	Counts
	Repos int // repositories in the report
	Red   int // red lines now
	Flaky int // flaky candidates
}

// RepoStats is one repository's part of a report.
type RepoStats struct {
	Repo string
	Counts
	// Median and P90 are nearest-rank percentiles of the durations of the
	// builds that have one (see Percentile); 0 when none has.
	Median       time.Duration
	P90          time.Duration
	Red          []store.Line // its red lines now, by branch
	FailingSteps []StepCount  // steps that failed most, most first
	Flaky        []Flaky      // failed, then passed on the same commit
}

// StepCount is how often one step was the failed step.
type StepCount struct {
	Step  string
	Count int
}

// Flaky is a commit that failed and then passed without a change.
type Flaky struct {
	Commit string
	Branch string
	Failed []int64 // failed build numbers, in finish order
	Passed int64   // the first build that passed after them
}

// Day is one calendar day of the chart.
type Day struct {
	Date   time.Time // midnight in the report's Location
	Passed int
	Failed int
}
