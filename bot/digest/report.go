package digest

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/drone"
)

// Bounds of what a report lists.
const (
	maxFailingSteps = 3
	maxSlowest      = 5
	maxFlakySteps   = 10
	// hourlyUpTo is the longest period charted by the hour; longer ones
	// are charted by calendar day.
	hourlyUpTo = 48 * time.Hour
)

// Input is what a report is computed from.
type Input struct {
	Spec         Spec
	Since, Until time.Time
	// Builds are the finished builds of the period and of the period of
	// the same length before it (for the trend and for lines already red
	// when the period starts); any others are left out.
	Builds []store.BuildRecord
	Lines  []store.Line // every known line as it is now
	// WatchGlobs are the repositories the watcher records (nil: all).
	WatchGlobs []string
	DroneURL   string        // for links; "" makes none
	Dialect    drone.Dialect // the server's, for the shape of its links; "" is Drone's
	Sources    Sources       // what Backfill found
	// Filled are the digest's globs Drone's lists filled in for the
	// watcher, so they are not reported as unwatched.
	Filled []string
}

// Compute makes the report from in. It is pure: the same input gives the
// same report.
//
// Definitions:
//   - a run is any finished build; it passed when its status is success,
//     failed when failure or error, was killed when killed; anything else
//     (declined, skipped) is other;
//   - the success rate is passed / (passed + failed), the failure rate
//     failed / (passed + failed);
//   - median and p90 are nearest-rank percentiles (Percentile) of the
//     durations of all runs that have one;
//   - a flaky candidate is a commit that failed and later passed in the
//     period, on any branch of the same repository, counted once; its
//     flaky steps are the failed steps of its failed builds;
//   - a line (repository + branch, builds of events other than tag,
//     promote and rollback) breaks at a failed build after a pass, and is
//     fixed by the next passed build; killed and skipped builds change
//     nothing; the time to recovery runs from the finish of the breaking
//     build to the finish of the fixing one;
//   - the trend compares with the period of the same length just before;
//   - repositories go worst first: red right now, then more failures, then
//     a lower success rate (none last), then by name.
func Compute(in Input) *Report {
	spec := in.Spec
	loc := spec.location()
	globs := spec.repoGlobs()
	since, until := in.Since, in.Until
	prevSince := since.Add(-until.Sub(since))
	r := &Report{Name: spec.Name, Since: since, Until: until, Location: loc,
		DroneURL: strings.TrimRight(in.DroneURL, "/"), Sources: in.Sources, dialect: in.Dialect}

	byRepo := map[string][]store.BuildRecord{} // the period and the one before
	at := map[string]int{}                     // build -> its index in byRepo[repo]
	for _, b := range in.Builds {
		if b.Finished.Before(prevSince) || !b.Finished.Before(until) || !drone.MatchAnyGlob(globs, b.Repo) {
			continue
		}
		key := buildKey(b)
		if i, dup := at[key]; dup {
			fillIn(&byRepo[b.Repo][i], b)
			continue
		}
		at[key] = len(byRepo[b.Repo])
		byRepo[b.Repo] = append(byRepo[b.Repo], b)
	}
	red := map[string][]store.Line{}
	for _, l := range in.Lines {
		if l.Red && drone.MatchAnyGlob(globs, l.Repo) {
			red[l.Repo] = append(red[l.Repo], l)
		}
	}

	var current []store.BuildRecord
	var durations, recoveries []time.Duration
	var prevDurations []time.Duration
	for repo, bs := range byRepo {
		slices.SortStableFunc(bs, byFinish)
		cut, _ := slices.BinarySearchFunc(bs, since, func(b store.BuildRecord, t time.Time) int { return b.Finished.Compare(t) })
		prev, cur := bs[:cut], bs[cut:]
		for _, b := range prev {
			r.Previous.add(b.Status)
			if d := buildDuration(b); d > 0 {
				prevDurations = append(prevDurations, d)
			}
		}
		if len(cur) == 0 && len(red[repo]) == 0 {
			continue
		}
		rs := r.repoStats(repo, cur)
		rs.Breaks = r.breaks(bs)
		rs.Red = red[repo]
		slices.SortFunc(rs.Red, func(a, b store.Line) int { return cmp.Compare(a.Branch, b.Branch) })
		r.Repos = append(r.Repos, rs)
		r.Totals.addRepo(rs)
		for _, br := range rs.Breaks {
			if br.Recovery > 0 {
				recoveries = append(recoveries, br.Recovery)
			}
		}
		current = append(current, cur...)
	}
	for repo, ls := range red {
		if _, ok := byRepo[repo]; !ok {
			rs := RepoStats{Repo: repo, Link: r.repoLink(repo), Red: ls}
			slices.SortFunc(rs.Red, func(a, b store.Line) int { return cmp.Compare(a.Branch, b.Branch) })
			r.Repos = append(r.Repos, rs)
			r.Totals.addRepo(rs)
		}
	}
	for _, b := range current {
		if d := buildDuration(b); d > 0 {
			durations = append(durations, d)
		}
	}
	r.Totals.Median, r.Totals.P90 = Percentile(durations, 50), Percentile(durations, 90)
	r.Totals.Recoveries, r.Totals.MedianRecovery = len(recoveries), Percentile(recoveries, 50)
	r.Previous.Median, r.Previous.P90 = Percentile(prevDurations, 50), Percentile(prevDurations, 90)
	slices.SortFunc(r.Repos, worstFirst)

	r.Hourly = until.Sub(since) <= hourlyUpTo
	r.Buckets = buckets(current, since, until, loc, r.Hourly)
	r.FlakySteps = flakySteps(r.Repos)
	r.Slowest = slowest(r.Repos)
	r.Unwatched = unwatched(globs, in.WatchGlobs, in.Filled)
	return r
}

// fillIn completes a build recorded twice (by the watcher and from
// Drone's lists): the first record wins, the second fills what it lacks.
func fillIn(b *store.BuildRecord, other store.BuildRecord) {
	if b.FailedStep == "" && failed(b.Status) && other.Status == b.Status {
		b.FailedStep = other.FailedStep
	}
	if b.Title == "" {
		b.Title = other.Title
	}
	if buildDuration(*b) == 0 && buildDuration(other) > 0 {
		b.Started, b.Duration = other.Started, buildDuration(other)
	}
}

func byFinish(a, b store.BuildRecord) int {
	return cmp.Or(a.Finished.Compare(b.Finished), cmp.Compare(a.Number, b.Number))
}

func (t *Totals) addRepo(rs RepoStats) {
	t.Repos++
	t.Runs += rs.Runs
	t.Passed += rs.Passed
	t.Failed += rs.Failed
	t.Killed += rs.Killed
	t.Other += rs.Other
	t.Red += len(rs.Red)
	t.Flaky += len(rs.Flaky)
}

func (c *Counts) add(status string) {
	c.Runs++
	switch status {
	case "success":
		c.Passed++
	case "failure", "error":
		c.Failed++
	case "killed":
		c.Killed++
	default:
		c.Other++
	}
}

func failed(status string) bool { return status == "failure" || status == "error" }

// repoLink is the repository's page in the web UI, buildLink a build's
// (Woodpecker redirects /repos/{owner}/{name} to its own addresses).
func (r *Report) repoLink(repo string) string {
	switch {
	case r.DroneURL == "":
		return ""
	case r.dialect == drone.DialectWoodpecker:
		return r.DroneURL + "/repos/" + repo
	}
	return r.DroneURL + "/" + repo
}

func (r *Report) buildLink(repo string, number int64) string {
	if r.DroneURL == "" {
		return ""
	}
	return drone.BuildURL(r.dialect, r.DroneURL, repo, number)
}

func (r *Report) ref(b store.BuildRecord) BuildRef {
	return BuildRef{Repo: b.Repo, Number: b.Number, Branch: b.Branch, Status: b.Status, Commit: b.Commit,
		Title: b.Title, Author: b.Author, Step: b.FailedStep, Finished: b.Finished, Duration: buildDuration(b),
		Link: r.buildLink(b.Repo, b.Number)}
}

// repoStats computes one repository's numbers from its builds of the
// period in finish order.
func (r *Report) repoStats(repo string, builds []store.BuildRecord) RepoStats {
	rs := RepoStats{Repo: repo, Link: r.repoLink(repo)}
	var durations []time.Duration
	steps, flakySteps := map[string]int{}, map[string]int{}
	pending := map[string][]store.BuildRecord{} // commit -> failed builds not yet followed by a pass
	flagged := map[string]bool{}
	for _, b := range builds {
		rs.add(b.Status)
		if d := buildDuration(b); d > 0 {
			durations = append(durations, d)
			if rs.Longest == nil || d > rs.Longest.Duration {
				ref := r.ref(b)
				rs.Longest = &ref
			}
		}
		if failed(b.Status) {
			rs.Failures = append(rs.Failures, r.ref(b))
			if b.FailedStep != "" {
				steps[b.FailedStep]++
			}
		}
		if b.Commit == "" || flagged[b.Commit] {
			continue
		}
		switch {
		case failed(b.Status):
			pending[b.Commit] = append(pending[b.Commit], b)
		case b.Status == "success" && len(pending[b.Commit]) > 0:
			fails := pending[b.Commit]
			f := Flaky{Commit: b.Commit, Branch: fails[0].Branch, Passed: b.Number}
			for _, fb := range fails {
				f.Failed = append(f.Failed, fb.Number)
				if fb.FailedStep != "" {
					flakySteps[fb.FailedStep]++
					if !slices.Contains(f.Steps, fb.FailedStep) {
						f.Steps = append(f.Steps, fb.FailedStep)
					}
				}
			}
			rs.Flaky = append(rs.Flaky, f)
			flagged[b.Commit] = true
		}
	}
	slices.Reverse(rs.Failures)
	rs.Median = Percentile(durations, 50)
	rs.P90 = Percentile(durations, 90)
	rs.FailingSteps = topSteps(steps, maxFailingSteps)
	rs.FlakySteps = topSteps(flakySteps, 0)
	return rs
}

// topSteps orders step counts most first, then by name; limit 0 keeps all.
func topSteps(counts map[string]int, limit int) []StepCount {
	var out []StepCount
	for step, n := range counts {
		out = append(out, StepCount{Step: step, Count: n})
	}
	slices.SortFunc(out, func(a, b StepCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Step, b.Step))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// lineEvent reports whether builds of event belong to a branch's line (as
// the watcher keeps them): tags and deployments do not.
func lineEvent(event string) bool {
	switch event {
	case drone.EventTag, drone.EventPromote, drone.EventRollback, "deployment":
		return false
	}
	return true
}

// breaks follows each line of one repository through its builds (both
// periods, in finish order) and keeps the red stretches that broke or were
// fixed in the report's period, in the order they broke.
func (r *Report) breaks(builds []store.BuildRecord) []Break {
	type state struct {
		known bool   // a build of the line was seen
		open  *Break // the current red stretch
	}
	lines := map[string]*state{}
	var out []Break
	inPeriod := func(t time.Time) bool { return !t.Before(r.Since) && t.Before(r.Until) }
	for _, b := range builds {
		if !lineEvent(b.Event) || (!failed(b.Status) && b.Status != "success") {
			continue
		}
		st := lines[b.Branch]
		if st == nil {
			st = &state{}
			lines[b.Branch] = st
		}
		switch {
		case failed(b.Status) && st.open == nil:
			st.open = &Break{Branch: b.Branch, Broke: r.ref(b), Failures: 1, Earlier: !st.known}
		case failed(b.Status):
			st.open.Failures++
		case st.open != nil: // a pass after failures: fixed
			br := *st.open
			fix := r.ref(b)
			br.Fixed = &fix
			if !br.Earlier {
				br.Recovery = b.Finished.Sub(br.Broke.Finished)
			}
			if inPeriod(br.Broke.Finished) || inPeriod(b.Finished) {
				out = append(out, br)
			}
			st.open = nil
		}
		st.known = true
	}
	for _, st := range lines {
		if st.open != nil && inPeriod(st.open.Broke.Finished) {
			out = append(out, *st.open)
		}
	}
	slices.SortFunc(out, func(a, b Break) int {
		return cmp.Or(a.Broke.Finished.Compare(b.Broke.Finished), cmp.Compare(a.Branch, b.Branch))
	})
	return out
}

func buildDuration(b store.BuildRecord) time.Duration {
	if b.Duration > 0 {
		return b.Duration
	}
	if !b.Started.IsZero() && b.Finished.After(b.Started) {
		return b.Finished.Sub(b.Started)
	}
	return 0
}

// Percentile is the nearest-rank p-th percentile (0 < p <= 100) of ds: the
// smallest value such that at least p% of the values are at or below it,
// i.e. the value at 1-based rank ceil(p/100 * n) in ascending order. The
// median of 1, 2, 3, 4 is 2. ds is not modified; none gives 0.
func Percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 || p <= 0 {
		return 0
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	rank := (min(p, 100)*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

func worstFirst(a, b RepoStats) int {
	if ar, br := len(a.Red) > 0, len(b.Red) > 0; ar != br {
		if ar {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(b.Failed, a.Failed); c != 0 {
		return c
	}
	ar, aok := a.Rate()
	br, bok := b.Rate()
	switch {
	case aok && !bok:
		return -1
	case !aok && bok:
		return 1
	case aok && bok && ar != br:
		return cmp.Compare(ar, br)
	}
	return cmp.Compare(a.Repo, b.Repo)
}

// flakySteps gathers the repositories' flaky steps, most failures first.
func flakySteps(repos []RepoStats) []FlakyStep {
	var out []FlakyStep
	for _, rs := range repos {
		for _, sc := range rs.FlakySteps {
			fs := FlakyStep{Repo: rs.Repo, Step: sc.Step, Count: sc.Count}
			for _, f := range rs.Flaky {
				if slices.Contains(f.Steps, sc.Step) {
					fs.Commits++
				}
			}
			out = append(out, fs)
		}
	}
	slices.SortFunc(out, func(a, b FlakyStep) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(b.Commits, a.Commits),
			cmp.Compare(a.Repo, b.Repo), cmp.Compare(a.Step, b.Step))
	})
	if len(out) > maxFlakySteps {
		out = out[:maxFlakySteps]
	}
	return out
}

// slowest are the repositories with the highest p90 duration.
func slowest(repos []RepoStats) []Slow {
	var out []Slow
	for _, rs := range repos {
		if rs.Longest != nil {
			out = append(out, Slow{Repo: rs.Repo, Link: rs.Link, Median: rs.Median, P90: rs.P90, Longest: *rs.Longest})
		}
	}
	slices.SortFunc(out, func(a, b Slow) int {
		return cmp.Or(cmp.Compare(b.P90, a.P90), cmp.Compare(b.Median, a.Median), cmp.Compare(a.Repo, b.Repo))
	})
	if len(out) > maxSlowest {
		out = out[:maxSlowest]
	}
	return out
}

// buckets counts outcomes and duration percentiles per hour (hourly) or
// per calendar day of loc, every one of the period included.
func buckets(builds []store.BuildRecord, since, until time.Time, loc *time.Location, hourly bool) []Bucket {
	if !until.After(since) {
		return nil
	}
	start := floorDay(since.In(loc))
	next := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc) }
	if hourly {
		start = floorHour(since.In(loc))
		next = func(t time.Time) time.Time { return t.Add(time.Hour) }
	}
	var out []Bucket
	for t := start; t.Before(until); t = next(t) {
		out = append(out, Bucket{Start: t})
	}
	durations := make([][]time.Duration, len(out))
	for _, b := range builds {
		i, found := slices.BinarySearchFunc(out, b.Finished, func(k Bucket, t time.Time) int { return k.Start.Compare(t) })
		if !found {
			i--
		}
		if i < 0 || i >= len(out) {
			continue
		}
		switch {
		case b.Status == "success":
			out[i].Passed++
		case failed(b.Status):
			out[i].Failed++
		default:
			out[i].Other++
		}
		if d := buildDuration(b); d > 0 {
			durations[i] = append(durations[i], d)
		}
	}
	for i := range out {
		out[i].P50, out[i].P90 = Percentile(durations[i], 50), Percentile(durations[i], 90)
	}
	return out
}

func floorDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// floorHour is the start of t's hour on the wall clock of its zone (zones
// off UTC by half hours included).
func floorHour(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), 0, 0, 0, t.Location())
}

// unwatched lists the digest globs no watch glob covers and Drone's lists
// did not fill in. A digest glob is covered when a watch glob matches it
// as a name ("*" covers everything, "octo/*" covers "octo/*" and
// "octo/api", not "*").
func unwatched(digestGlobs, watchGlobs, filled []string) []string {
	if watchGlobs == nil {
		return nil
	}
	var out []string
	for _, g := range digestGlobs {
		covered := slices.Contains(filled, g)
		for _, w := range watchGlobs {
			if drone.MatchGlob(w, g) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, g)
		}
	}
	return out
}
