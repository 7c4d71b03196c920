package digest

import (
	"cmp"
	"github.com/dronebot/dronebot/bot/store"
	"slices"
	"time"

	"github.com/dronebot/dronebot/drone"
)

// maxFailingSteps is how many of a repository's most failing steps a
// report names.
const maxFailingSteps = 3

// Compute makes the report of spec over [since, until) from the recorded
// builds and the current lines. watchGlobs are the repositories the watcher
// records (nil: all). It is pure: the same input gives the same report.
//
// Definitions:
//   - a run is any finished build; it passed when its status is success,
//     failed when failure or error; anything else (killed, skipped) is other;
//   - the success rate is passed / (passed + failed);
//   - median and p90 are nearest-rank percentiles (Percentile) of the
//     durations of all runs that have one;
//   - a flaky candidate is a commit that failed and later passed in the
//     period, on any branch of the same repository, counted once;
//   - repositories go worst first: red right now, then more failures, then
//     a lower success rate (none last), then by name.
func Compute(spec Spec, since, until time.Time, builds []store.BuildRecord, lines []store.Line, watchGlobs []string) *Report {
	loc := spec.location()
	globs := spec.repoGlobs()
	r := &Report{Name: spec.Name, Since: since, Until: until, Location: loc}

	byRepo := map[string][]store.BuildRecord{}
	for _, b := range builds {
		if b.Finished.Before(since) || !b.Finished.Before(until) || !drone.MatchAnyGlob(globs, b.Repo) {
			continue
		}
		byRepo[b.Repo] = append(byRepo[b.Repo], b)
	}
	red := map[string][]store.Line{}
	for _, l := range lines {
		if l.Red && drone.MatchAnyGlob(globs, l.Repo) {
			red[l.Repo] = append(red[l.Repo], l)
		}
	}
	for repo := range red {
		if _, ok := byRepo[repo]; !ok {
			byRepo[repo] = nil
		}
	}

	for repo, bs := range byRepo {
		slices.SortStableFunc(bs, func(a, b store.BuildRecord) int {
			return cmp.Or(a.Finished.Compare(b.Finished), cmp.Compare(a.Number, b.Number))
		})
		rs := repoStats(repo, bs)
		rs.Red = red[repo]
		slices.SortFunc(rs.Red, func(a, b store.Line) int { return cmp.Compare(a.Branch, b.Branch) })
		r.Repos = append(r.Repos, rs)
		r.Totals.add(rs)
	}
	slices.SortFunc(r.Repos, worstFirst)
	r.Days = days(byRepo, since, until, loc)
	r.Unwatched = unwatched(globs, watchGlobs)
	return r
}

func (t *Totals) add(rs RepoStats) {
	t.Repos++
	t.Runs += rs.Runs
	t.Passed += rs.Passed
	t.Failed += rs.Failed
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
	default:
		c.Other++
	}
}

func failed(status string) bool { return status == "failure" || status == "error" }

// repoStats computes one repository's numbers from its builds in finish order.
func repoStats(repo string, builds []store.BuildRecord) RepoStats {
	rs := RepoStats{Repo: repo}
	var durations []time.Duration
	steps := map[string]int{}
	pending := map[string][]int64{} // commit -> failed builds not yet followed by a pass
	branchOf := map[string]string{}
	flagged := map[string]bool{}
	for _, b := range builds {
		rs.add(b.Status)
		if d := buildDuration(b); d > 0 {
			durations = append(durations, d)
		}
		if failed(b.Status) && b.FailedStep != "" {
			steps[b.FailedStep]++
		}
		if b.Commit == "" || flagged[b.Commit] {
			continue
		}
		switch {
		case failed(b.Status):
			if len(pending[b.Commit]) == 0 {
				branchOf[b.Commit] = b.Branch
			}
			pending[b.Commit] = append(pending[b.Commit], b.Number)
		case b.Status == "success" && len(pending[b.Commit]) > 0:
			rs.Flaky = append(rs.Flaky, Flaky{Commit: b.Commit, Branch: branchOf[b.Commit], Failed: pending[b.Commit], Passed: b.Number})
			flagged[b.Commit] = true
		}
	}
	rs.Median = Percentile(durations, 50)
	rs.P90 = Percentile(durations, 90)
	for step, n := range steps {
		rs.FailingSteps = append(rs.FailingSteps, StepCount{Step: step, Count: n})
	}
	slices.SortFunc(rs.FailingSteps, func(a, b StepCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Step, b.Step))
	})
	if len(rs.FailingSteps) > maxFailingSteps {
		rs.FailingSteps = rs.FailingSteps[:maxFailingSteps]
	}
	return rs
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

// days counts passes and failures per calendar day of loc, every day of
// the period included, quiet ones too.
func days(byRepo map[string][]store.BuildRecord, since, until time.Time, loc *time.Location) []Day {
	if !until.After(since) {
		return nil
	}
	first := midnight(since.In(loc))
	last := midnight(until.Add(-time.Nanosecond).In(loc))
	var out []Day
	index := map[string]int{} // date in loc -> day
	for d := first; !d.After(last); d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc) {
		index[d.Format(time.DateOnly)] = len(out)
		out = append(out, Day{Date: d})
	}
	for _, bs := range byRepo {
		for _, b := range bs {
			i, ok := index[b.Finished.In(loc).Format(time.DateOnly)]
			if !ok {
				continue
			}
			switch {
			case b.Status == "success":
				out[i].Passed++
			case failed(b.Status):
				out[i].Failed++
			}
		}
	}
	return out
}

func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// unwatched lists the digest globs no watch glob covers. A digest glob is
// covered when a watch glob matches it as a name ("*" covers everything,
// "octo/*" covers "octo/*" and "octo/api", not "*").
func unwatched(digestGlobs, watchGlobs []string) []string {
	if watchGlobs == nil {
		return nil
	}
	var out []string
	for _, g := range digestGlobs {
		covered := false
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
