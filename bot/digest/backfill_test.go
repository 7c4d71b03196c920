package digest

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

// coverage is a fixed set of watched spans.
type coverage []store.Span

func (c coverage) Watched(_ context.Context, since, until time.Time) ([]store.Span, error) {
	return clip(c, store.Span{Start: since, End: until}), nil
}

// backfillCase is a Drone server holding the whole history of a day and
// the day before, a store that recorded only part of it, and the history
// as a watcher running all along would have recorded it.
type backfillCase struct {
	fake         *dronetest.Server
	client       drone.Client
	spec         Spec
	since, until time.Time
	all          []store.BuildRecord // the complete history
	watched      coverage
	store        *memStore
}

// newBackfillCase puts n builds of octo/api on a fake of dialect, one
// every 12 minutes from 4 hours before the previous period: some finish
// before the window, the rest inside it. Every 7th fails at its "test"
// step and the next one passes on the same commit (a flaky step); every
// 50th is killed. The store has the builds that finished while the
// watcher recorded, [since+6h, since+18h).
func newBackfillCase(t *testing.T, dialect drone.Dialect, n int) *backfillCase {
	t.Helper()
	c := &backfillCase{fake: dronetest.New(dialect)}
	t.Cleanup(c.fake.Close)
	c.since = time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)
	c.until = c.since.Add(24 * time.Hour)
	c.spec = Spec{Name: "daily", Schedule: "0 0 * * *", Repos: []string{"octo/*"}}
	from := c.since.Add(-24 * time.Hour)
	c.fake.AddRepo("octo/api", dronetest.RepoOptions{})
	c.fake.AddRepo("other/skip", dronetest.RepoOptions{})
	c.fake.AddBuild("other/skip", dronetest.BuildSpec{Status: drone.StatusFailure, Created: c.since, Started: c.since,
		Finished: c.since.Add(time.Minute)})
	for i := 1; i <= n; i++ {
		created := from.Add(-4*time.Hour + time.Duration(i-1)*12*time.Minute)
		d := time.Duration(i%5+1) * time.Minute
		spec := dronetest.BuildSpec{Status: drone.StatusSuccess, Commit: fmt.Sprintf("%040d", i), Author: "pan",
			Message: fmt.Sprintf("Change %d\n\nWhy it changed.", i), Created: created, Started: created,
			Finished: created.Add(d),
			Stages: []dronetest.StageSpec{{Name: "default", Status: drone.StatusSuccess, Steps: []dronetest.StepSpec{
				{Name: "clone", Status: drone.StatusSuccess}, {Name: "test", Status: drone.StatusSuccess}}}}}
		step := ""
		switch {
		case i%50 == 0:
			spec.Status, spec.Stages[0].Status, spec.Stages[0].Steps[1].Status = drone.StatusKilled, drone.StatusKilled, drone.StatusKilled
		case i%7 == 0:
			spec.Status, spec.Stages[0].Status, spec.Stages[0].Steps[1].Status = drone.StatusFailure, drone.StatusFailure, drone.StatusFailure
			step = "test"
		case i%7 == 1 && i > 1:
			spec.Commit = fmt.Sprintf("%040d", i-1) // the retry of the failure before
		}
		c.fake.AddBuild("octo/api", spec)
		c.all = append(c.all, store.BuildRecord{Repo: "octo/api", Number: int64(i), Branch: "main", Event: "push",
			Status: string(spec.Status), Commit: spec.Commit, Author: "pan", Title: fmt.Sprintf("Change %d", i),
			FailedStep: step, Started: created, Finished: created.Add(d), Duration: d})
	}
	c.watched = coverage{{Start: c.since.Add(6 * time.Hour), End: c.since.Add(18 * time.Hour)}}
	c.store = &memStore{}
	for _, b := range c.all {
		if inAny(c.watched, b.Finished) {
			c.store.builds = append(c.store.builds, b)
		}
	}
	var err error
	c.client, err = drone.New(drone.Config{Server: c.fake.URL, Token: c.fake.Token, Dialect: dialect})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *backfillCase) scheduler(bf *Backfill) *Scheduler {
	return &Scheduler{Digests: []Spec{c.spec}, Store: c.store, History: c.store, WatchRepos: []string{"octo/*"},
		DroneURL: "https://drone.example.com", Backfill: bf}
}

func (c *backfillCase) listRequests() []string {
	var out []string
	for _, r := range c.fake.Requests() {
		if strings.HasSuffix(r.Path, "/builds") || strings.HasSuffix(r.Path, "/pipelines") {
			out = append(out, r.Path+"?"+r.RawQuery)
		}
	}
	return out
}

// TestBackfillFillsTheGaps: the digest of a day the watcher saw only in
// part is the digest of the whole history, on every dialect, read across
// several pages of the server's build lists.
func TestBackfillFillsTheGaps(t *testing.T) {
	for _, tc := range []struct {
		dialect drone.Dialect
		pages   []string // the list requests, in order
	}{
		{drone.DialectV1, []string{"page=1&per_page=100", "page=2&per_page=100", "page=3&per_page=100"}},
		{drone.DialectV08, []string{"", "page=2", "page=3", "page=4", "page=5", "page=6"}},
		{drone.DialectWoodpecker, []string{"perPage=50", "page=2&perPage=50", "page=3&perPage=50", "page=4&perPage=50",
			"page=5&perPage=50", "page=6&perPage=50"}},
	} {
		t.Run(string(tc.dialect), func(t *testing.T) {
			// 260 builds: 20 finish before the window, 120 in the previous
			// day, 120 in the day itself.
			c := newBackfillCase(t, tc.dialect, 260)
			s := c.scheduler(&Backfill{Drone: c.client, Coverage: c.watched})
			got, err := s.Build(t.Context(), c.spec, c.since, c.until)
			if err != nil {
				t.Fatal(err)
			}
			want := Compute(Input{Spec: c.spec, Since: c.since, Until: c.until, Builds: c.all,
				WatchGlobs: []string{"octo/*"}, DroneURL: "https://drone.example.com", Dialect: tc.dialect})
			// Builds 141..260 finish in the day; the store has those that
			// finished in [6h, 18h): 171..230.
			want.Sources = Sources{FromDrone: 120 - 60}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("backfilled report\n got %s\nwant %s", dump(got), dump(want))
			}
			// The numbers themselves, worked out by hand: builds 141..260;
			// killed 150 200 250; failed every 7th: 147 154 … 259 = 17;
			// passed 120 − 3 − 17 = 100. Every failure was retried on its
			// commit and passed: 17 flaky commits, "test" failed 17 times.
			rs := got.Repos[0]
			if got.Totals.Counts != (Counts{Runs: 120, Passed: 100, Failed: 17, Killed: 3}) ||
				rs.Repo != "octo/api" || len(got.Repos) != 1 || len(rs.Flaky) != 17 ||
				!reflect.DeepEqual(got.FlakySteps, []FlakyStep{{Repo: "octo/api", Step: "test", Count: 17, Commits: 17}}) {
				t.Fatalf("totals %+v, repos %d, flaky %d, flaky steps %+v", got.Totals.Counts, len(got.Repos), len(rs.Flaky), got.FlakySteps)
			}
			// The day before: builds 21..140, killed 50 100; failed 21 28 … 140 = 18.
			if got.Previous.Counts != (Counts{Runs: 120, Passed: 100, Failed: 18, Killed: 2}) {
				t.Fatalf("previous %+v", got.Previous.Counts)
			}
			// 18 breaks, each fixed by the next build: 12 minutes later to
			// the start, plus the difference of their durations. The first
			// broke the day before (#140, 1m) and was fixed in the day (#141, 2m).
			if len(rs.Breaks) != 18 || rs.Breaks[0].Broke.Number != 140 || rs.Breaks[0].Fixed.Number != 141 ||
				rs.Breaks[0].Recovery != 13*time.Minute || rs.Breaks[1].Broke.Number != 147 || rs.Breaks[1].Recovery != 13*time.Minute ||
				got.Totals.Recoveries != 18 {
				t.Fatalf("breaks %+v", rs.Breaks)
			}
			var query []string
			for _, r := range c.listRequests() {
				path, q, _ := strings.Cut(r, "?")
				if path != "/api/repos/octo/api/builds" && path != "/api/repos/1/pipelines" { // Woodpecker: by repository id
					t.Fatalf("listed %s", r)
				}
				query = append(query, q)
			}
			if !slices.Equal(query, tc.pages) {
				t.Errorf("list requests %q, want %q", query, tc.pages)
			}
			// The notes say where the builds came from, and nothing is missing.
			if text := RenderText(got, "en"); !strings.Contains(text, "60 builds from the times the bot was not watching were read from Drone.") ||
				strings.Contains(text, "missing") {
				t.Errorf("text:\n%s", text)
			}
		})
	}
}

// TestBackfillFreshInstall: with no history at all, the first digest is
// complete from Drone alone.
func TestBackfillFreshInstall(t *testing.T) {
	for _, dialect := range []drone.Dialect{drone.DialectV1, drone.DialectV08, drone.DialectWoodpecker} {
		t.Run(string(dialect), func(t *testing.T) {
			c := newBackfillCase(t, dialect, 260)
			// Only the first sighting was recorded, from the repository
			// list: no step, no title. Drone's record fills them in.
			seen := c.all[146]
			seen.FailedStep, seen.Title = "", ""
			c.store.builds = []store.BuildRecord{seen}
			s := c.scheduler(&Backfill{Drone: c.client, Coverage: coverage{}})
			got, err := s.Build(t.Context(), c.spec, c.since, c.until)
			if err != nil {
				t.Fatal(err)
			}
			want := Compute(Input{Spec: c.spec, Since: c.since, Until: c.until, Builds: c.all,
				WatchGlobs: []string{"octo/*"}, DroneURL: "https://drone.example.com", Dialect: dialect})
			want.Sources = Sources{FromDrone: 119}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("backfilled report\n got %s\nwant %s", dump(got), dump(want))
			}
		})
	}
}

// TestBackfillBounded: a list cut at its page bound, or a Drone that does
// not answer, leaves the digest with what it has and says which hours
// may be missing.
func TestBackfillBounded(t *testing.T) {
	c := newBackfillCase(t, drone.DialectV08, 260)
	s := c.scheduler(&Backfill{Drone: c.client, Coverage: c.watched, MaxPages: 2, MaxDetails: 3})
	got, err := s.Build(t.Context(), c.spec, c.since, c.until)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.listRequests()); n != 2 {
		t.Errorf("%d list requests, want 2", n)
	}
	// Two pages are builds 260..161: the day from 161's finish on is read,
	// what is older is missing (its first 6 hours, and the day before).
	b161 := c.all[160]
	wantMissing := []store.Span{{Start: c.since.Add(-24 * time.Hour), End: b161.Finished}}
	if !reflect.DeepEqual(got.Sources.Missing, wantMissing) || !strings.Contains(got.Sources.Why, "read up to 2 pages") {
		t.Fatalf("sources %+v, want missing %v", got.Sources, wantMissing)
	}
	// Only 3 failed builds were read whole: the others have no failed step.
	steps := 0
	for _, f := range got.Repos[0].Failures {
		if f.Step != "" && !inAny(c.watched, f.Finished) {
			steps++
		}
	}
	if steps != 3 {
		t.Errorf("%d backfilled failures with their step, want 3", steps)
	}
	text := RenderText(got, "en")
	if !strings.Contains(text, "Builds may be missing for 2024-05-05 00:00 – "+b161.Finished.Format(timeLayout)) {
		t.Errorf("text:\n%s", text)
	}

	// Out of time before the first repository: everything not recorded
	// is missing, for one reason.
	s.Backfill = &Backfill{Drone: c.client, Coverage: c.watched, Timeout: time.Nanosecond}
	got, err = s.Build(t.Context(), c.spec, c.since, c.until)
	if err != nil {
		t.Fatal(err)
	}
	gaps := []store.Span{{Start: c.since.Add(-24 * time.Hour), End: c.since.Add(6 * time.Hour)}, {Start: c.since.Add(18 * time.Hour), End: c.until}}
	if !reflect.DeepEqual(got.Sources.Missing, gaps) || got.Sources.FromDrone != 0 || got.Totals.Runs != 60 {
		t.Fatalf("out of time: sources %+v, runs %d", got.Sources, got.Totals.Runs)
	}

	s.Backfill = &Backfill{Drone: c.client, Coverage: c.watched}
	c.fake.SetDown(true)
	got, err = s.Build(t.Context(), c.spec, c.since, c.until)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Sources.Missing, gaps) || got.Sources.FromDrone != 0 || got.Totals.Runs != 60 {
		t.Fatalf("Drone down: sources %+v, runs %d", got.Sources, got.Totals.Runs)
	}
}

// TestBackfillUnwatchedRepository: a repository the watcher does not
// record is read from Drone for the whole window, and no longer reported
// as unwatched.
func TestBackfillUnwatchedRepository(t *testing.T) {
	c := newBackfillCase(t, drone.DialectV1, 30)
	c.spec.Repos = []string{"octo/*", "other/*"}
	cov := coverage{{Start: c.since.Add(-48 * time.Hour), End: c.until}} // the watcher saw everything of octo/*
	s := c.scheduler(&Backfill{Drone: c.client, Coverage: cov})
	got, err := s.Build(t.Context(), c.spec, c.since, c.until)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Unwatched) != 0 || got.Sources.FromDrone != 1 || len(got.Repos) != 1 || got.Repos[0].Repo != "other/skip" ||
		got.Repos[0].Failed != 1 {
		t.Fatalf("report %s", dump(got))
	}
	if reqs := c.listRequests(); !slices.Equal(reqs, []string{"/api/repos/other/skip/builds?page=1&per_page=100"}) {
		t.Fatalf("list requests %q", reqs)
	}

	c.fake.Fail(http.MethodGet, "/api/repos/other/skip/builds", http.StatusInternalServerError, 10)
	got, err = s.Build(t.Context(), c.spec, c.since, c.until)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Unwatched, []string{"other/*"}) || len(got.Sources.Missing) != 1 {
		t.Fatalf("list failing: unwatched %q, sources %+v", got.Unwatched, got.Sources)
	}
}

func TestSpans(t *testing.T) {
	h := func(n int) time.Time {
		return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour)
	}
	sp := func(a, b int) store.Span { return store.Span{Start: h(a), End: h(b)} }
	cases := []struct {
		whole   store.Span
		spans   []store.Span
		want    []store.Span
		comment string
	}{
		{sp(0, 10), nil, []store.Span{sp(0, 10)}, "nothing watched"},
		{sp(0, 10), []store.Span{sp(0, 10)}, nil, "all watched"},
		{sp(0, 10), []store.Span{sp(6, 8), sp(2, 4)}, []store.Span{sp(0, 2), sp(4, 6), sp(8, 10)}, "out of order"},
		{sp(0, 10), []store.Span{sp(2, 5), sp(4, 7), sp(7, 12)}, []store.Span{sp(0, 2)}, "overlapping and touching"},
		{sp(2, 8), []store.Span{sp(0, 3), sp(9, 12)}, []store.Span{sp(3, 8)}, "outside the window"},
	}
	for _, c := range cases {
		if got := subtract(c.whole, c.spans); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %v, want %v", c.comment, got, c.want)
		}
	}
}
