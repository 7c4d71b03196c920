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
	"time"

	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/drone"
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
	// DroneURL is the Drone server's address for links; "" makes none.
	DroneURL string
	Totals   Totals
	// Previous sums up the period of the same length just before, for the
	// trend; its Red stays 0 (the lines are only known as they are now).
	Previous Totals
	Repos    []RepoStats // worst first (see Compute)
	// Buckets are the chart's hours (Hourly: periods up to 48 hours) or
	// calendar days in Location, every one of the period, quiet ones too.
	Buckets    []Bucket
	Hourly     bool
	FlakySteps []FlakyStep // most first
	Slowest    []Slow      // the repositories whose builds take longest
	// Unwatched are the digest's repository globs the watcher does not
	// record and that Drone's lists did not fill in, so builds may be
	// missing.
	Unwatched []string
	Sources   Sources

	dialect drone.Dialect // the shape of the links
}

// Sources say where the report's builds came from.
type Sources struct {
	// FromDrone is how many builds were read from Drone's build lists for
	// the times the watcher was not recording (Backfill).
	FromDrone int
	// Missing are the stretches without the watcher whose builds Drone
	// could not list (Drone did not answer, or a list was cut at its
	// bound): the numbers may be short there. Why is a short sentence.
	Missing []store.Span
	Why     string
}

// Counts are the outcomes of a set of builds.
type Counts struct {
	Runs   int // every finished build
	Passed int // status success
	Failed int // status failure or error
	Killed int // status killed (cancelled)
	Other  int // declined, skipped, ...
}

// Rate is Passed / (Passed + Failed) as a percentage; ok is false when
// nothing passed or failed. Killed and skipped builds do not count.
func (c Counts) Rate() (pct float64, ok bool) {
	if c.Passed+c.Failed == 0 {
		return 0, false
	}
	return 100 * float64(c.Passed) / float64(c.Passed+c.Failed), true
}

// FailureRate is Failed / (Passed + Failed) as a percentage.
func (c Counts) FailureRate() (pct float64, ok bool) {
	if c.Passed+c.Failed == 0 {
		return 0, false
	}
	return 100 * float64(c.Failed) / float64(c.Passed+c.Failed), true
}

// Totals sum up the report.
type Totals struct {
	Counts
	Repos int // repositories in the report
	Red   int // red lines now
	Flaky int // flaky candidates
	// Median and P90 are over every build of the period with a duration.
	Median, P90 time.Duration
	// Recoveries are the lines fixed in the period whose break is known;
	// MedianRecovery the median time from break to fix.
	Recoveries     int
	MedianRecovery time.Duration
}

// RepoStats is one repository's part of a report.
type RepoStats struct {
	Repo string
	Link string // the repository's builds in Drone
	Counts
	// Median and P90 are nearest-rank percentiles of the durations of the
	// builds that have one (see Percentile); 0 when none has.
	Median       time.Duration
	P90          time.Duration
	Longest      *BuildRef    // the slowest build; nil when none has a duration
	Red          []store.Line // its red lines now, by branch
	Failures     []BuildRef   // the failed builds of the period, newest first
	Breaks       []Break      // lines that broke or were fixed in the period
	FailingSteps []StepCount  // steps that failed most, most first
	Flaky        []Flaky      // failed, then passed on the same commit
	FlakySteps   []StepCount  // the failed steps of those, most first
}

// BuildRef is one build as a report names it.
type BuildRef struct {
	Repo     string
	Number   int64
	Branch   string
	Status   string
	Commit   string
	Title    string // first line of the commit message
	Author   string
	Step     string // the failed step, "" when none or unknown
	Finished time.Time
	Duration time.Duration
	Link     string // the build in Drone; "" without a Drone URL
}

// Break is one red stretch of a line (repository + branch): the build
// that broke it and the one that fixed it.
type Break struct {
	Branch string
	Broke  BuildRef // the first failed build
	// Fixed is the first passing build after it; nil while still red at
	// the end of the period.
	Fixed    *BuildRef
	Failures int // failed builds in the stretch, up to the fix or the end
	// Recovery is Fixed.Finished − Broke.Finished; 0 while red or when the
	// break is not known.
	Recovery time.Duration
	// Earlier says the line was already red at the first build known (the
	// history starts inside the stretch): Broke is only the first failure
	// seen, and Recovery is not known.
	Earlier bool
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
	Failed []int64  // failed build numbers, in finish order
	Passed int64    // the first build that passed after them
	Steps  []string // the failed steps of the failed builds, each once
}

// FlakyStep is a step that failed on a commit that later passed.
type FlakyStep struct {
	Repo    string
	Step    string
	Count   int // its failures on such commits
	Commits int // on how many commits
}

// Slow is one of the repositories whose builds took longest.
type Slow struct {
	Repo        string
	Link        string
	Median, P90 time.Duration
	Longest     BuildRef
}

// Bucket is one bar of the charts: an hour or a day.
type Bucket struct {
	Start          time.Time // in the report's Location
	Passed, Failed int
	Other          int // killed, declined, skipped, ...
	// P50 and P90 are the durations of the builds finished in it; 0 when
	// none has one.
	P50, P90 time.Duration
}
