package digest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/drone"
)

// TestComputeScenario checks every number of the scripted scenario. The
// expected values are worked out by hand:
//
//	previous 48 h: octo/api #7 ok 3m, #8 ok 2m, #9 fail(test) 1m; octo/docs #6 ok 2m
//	          (octo/api #6 finished a minute before it: left out)
//	          runs 4, passed 3, failed 1: failure rate 25%; 1m 2m 2m 3m: median 2m, p90 3m
//	octo/api  #10 ok 4m, #11 fail(test) 2m, #12 ok 5m (same commit as #11: flaky),
//	          #13 fail(test) 3m, #14 error (no duration), #15 fail(lint) 1m, #16 killed 30s
//	          runs 7, passed 2, failed 4, killed 1, rate 2/6;
//	          durations 30s 1m 2m 3m 4m 5m: median rank ceil(3)=3 -> 2m, p90 rank ceil(5.4)=6 -> 5m
//	          main broke at #9 (05-06 08:59), fixed by #10 (10:00): 1h1m;
//	          broke at #11 (11:00), fixed by #12 (12:00): 1h; broke at #13, still red after 3 failures
//	octo/web  ok 10m, ok 12m, fail(build) 8m, ok 11m: rate 3/4;
//	          8m 10m 11m 12m: median rank 2 -> 10m, p90 rank ceil(3.6)=4 -> 12m;
//	          broke at #3 (05-07 16:00), fixed by #4 (17:00): 1h
//	octo/docs ok 1m30s
//	octo/cli  no builds, red since 05-01
//	totals    runs 12, passed 6, failed 5, killed 1: failure rate 5/11 = 45.5%;
//	          30s 1m 1m30s 2m 3m 4m 5m 8m 10m 11m 12m: median rank 6 -> 4m, p90 rank 10 -> 11m;
//	          recoveries 1h 1h 1h1m: median 1h
func TestComputeScenario(t *testing.T) {
	sc := newScenario(t)
	loc := sc.spec.Location
	const drone = "https://drone.example.com"
	rec := func(repo string, n int64) BuildRef {
		for _, b := range sc.builds {
			if b.Repo == repo && b.Number == n {
				return BuildRef{Repo: repo, Number: n, Branch: b.Branch, Status: b.Status, Commit: b.Commit, Title: b.Title,
					Author: b.Author, Step: b.FailedStep, Finished: b.Finished, Duration: b.Duration,
					Link: fmt.Sprintf("%s/%s/%d", drone, repo, n)}
			}
		}
		t.Fatalf("no build %s#%d", repo, n)
		return BuildRef{}
	}
	ptr := func(b BuildRef) *BuildRef { return &b }
	want := &Report{
		Name: "daily", Since: sc.since, Until: sc.until, Location: loc, DroneURL: drone,
		Totals: Totals{Counts: Counts{Runs: 12, Passed: 6, Failed: 5, Killed: 1}, Repos: 4, Red: 2, Flaky: 1,
			Median: 4 * time.Minute, P90: 11 * time.Minute, Recoveries: 3, MedianRecovery: time.Hour},
		Previous: Totals{Counts: Counts{Runs: 4, Passed: 3, Failed: 1}, Median: 2 * time.Minute, P90: 3 * time.Minute},
		Repos: []RepoStats{
			{
				Repo: "octo/api", Link: drone + "/octo/api", Counts: Counts{Runs: 7, Passed: 2, Failed: 4, Killed: 1},
				Median: 2 * time.Minute, P90: 5 * time.Minute, Longest: ptr(rec("octo/api", 12)),
				Red:      []store.Line{sc.lines[0]},
				Failures: []BuildRef{rec("octo/api", 15), rec("octo/api", 14), rec("octo/api", 13), rec("octo/api", 11)},
				Breaks: []Break{
					{Branch: "main", Broke: rec("octo/api", 9), Fixed: ptr(rec("octo/api", 10)), Failures: 1, Recovery: time.Hour + time.Minute},
					{Branch: "main", Broke: rec("octo/api", 11), Fixed: ptr(rec("octo/api", 12)), Failures: 1, Recovery: time.Hour},
					{Branch: "main", Broke: rec("octo/api", 13), Failures: 3},
				},
				FailingSteps: []StepCount{{"test", 2}, {"lint", 1}},
				Flaky:        []Flaky{{Commit: "b2b2b2b2b2", Branch: "main", Failed: []int64{11}, Passed: 12, Steps: []string{"test"}}},
				FlakySteps:   []StepCount{{"test", 1}},
			},
			{Repo: "octo/cli", Link: drone + "/octo/cli", Red: []store.Line{sc.lines[2]}},
			{
				Repo: "octo/web", Link: drone + "/octo/web", Counts: Counts{Runs: 4, Passed: 3, Failed: 1},
				Median: 10 * time.Minute, P90: 12 * time.Minute, Longest: ptr(rec("octo/web", 2)),
				Failures:     []BuildRef{rec("octo/web", 3)},
				Breaks:       []Break{{Branch: "main", Broke: rec("octo/web", 3), Fixed: ptr(rec("octo/web", 4)), Failures: 1, Recovery: time.Hour}},
				FailingSteps: []StepCount{{"build", 1}},
			},
			{Repo: "octo/docs", Link: drone + "/octo/docs", Counts: Counts{Runs: 1, Passed: 1},
				Median: 90 * time.Second, P90: 90 * time.Second, Longest: ptr(rec("octo/docs", 7))},
		},
		Hourly:     true,
		FlakySteps: []FlakyStep{{Repo: "octo/api", Step: "test", Count: 1, Commits: 1}},
		Slowest: []Slow{
			{Repo: "octo/web", Link: drone + "/octo/web", Median: 10 * time.Minute, P90: 12 * time.Minute, Longest: rec("octo/web", 2)},
			{Repo: "octo/api", Link: drone + "/octo/api", Median: 2 * time.Minute, P90: 5 * time.Minute, Longest: rec("octo/api", 12)},
			{Repo: "octo/docs", Link: drone + "/octo/docs", Median: 90 * time.Second, P90: 90 * time.Second, Longest: rec("octo/docs", 7)},
		},
		Unwatched: []string{"secret/*"},
	}
	// 48 hourly buckets from 05-06 09:00; the busy ones:
	busy := map[string]Bucket{
		"2024-05-06 10:00": {Passed: 1, P50: 4 * time.Minute, P90: 4 * time.Minute},
		"2024-05-06 11:00": {Failed: 1, P50: 2 * time.Minute, P90: 2 * time.Minute},
		"2024-05-06 12:00": {Passed: 1, P50: 5 * time.Minute, P90: 5 * time.Minute},
		"2024-05-06 15:00": {Passed: 1, P50: 10 * time.Minute, P90: 10 * time.Minute},
		"2024-05-07 09:00": {Passed: 1, P50: 90 * time.Second, P90: 90 * time.Second},
		"2024-05-07 10:00": {Failed: 2, P50: 3 * time.Minute, P90: 3 * time.Minute}, // #14 has no duration
		"2024-05-07 15:00": {Passed: 1, P50: 12 * time.Minute, P90: 12 * time.Minute},
		"2024-05-07 16:00": {Failed: 1, P50: 8 * time.Minute, P90: 8 * time.Minute},
		"2024-05-07 17:00": {Passed: 1, P50: 11 * time.Minute, P90: 11 * time.Minute},
		"2024-05-08 08:00": {Failed: 1, Other: 1, P50: 30 * time.Second, P90: time.Minute},
	}
	for h := sc.since; h.Before(sc.until); h = h.Add(time.Hour) {
		k := busy[h.Format(timeLayout)]
		k.Start = h
		want.Buckets = append(want.Buckets, k)
	}
	got := sc.report()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("report\n got %s\nwant %s", dump(got), dump(want))
	}

	rates := []struct {
		name string
		c    Counts
		want string
	}{
		{"total", got.Totals.Counts, "54.5%"},
		{"octo/api", got.Repos[0].Counts, "33.3%"},
		{"octo/cli", got.Repos[1].Counts, "–"},
		{"octo/web", got.Repos[2].Counts, "75.0%"},
		{"octo/docs", got.Repos[3].Counts, "100.0%"},
	}
	for _, r := range rates {
		if s := formatRate(r.c, english()); s != r.want {
			t.Errorf("%s: rate %s, want %s", r.name, s, r.want)
		}
	}
	if got, want := trendLine(got, english(), "; "), "runs 12 ▲ +8 vs 4; failure rate 45.5% ▲ +20.5 pts vs 25.0%; median 4m ▲ +2m vs 2m"; got != want {
		t.Errorf("trend\n got %s\nwant %s", got, want)
	}
}

func dump(r *Report) string {
	s := fmt.Sprintf("%s %s %s %s hourly=%v\ntotals %+v\nprevious %+v\n", r.Name, r.Since, r.Until, r.DroneURL, r.Hourly, r.Totals, r.Previous)
	for _, rs := range r.Repos {
		s += fmt.Sprintf("  %s %s %+v median %s p90 %s red %+v\n", rs.Repo, rs.Link, rs.Counts, rs.Median, rs.P90, rs.Red)
		if rs.Longest != nil {
			s += fmt.Sprintf("    longest %+v\n", *rs.Longest)
		}
		for _, f := range rs.Failures {
			s += fmt.Sprintf("    failure %+v\n", f)
		}
		for _, b := range rs.Breaks {
			s += fmt.Sprintf("    break %s broke #%d fixed %v failures %d recovery %s earlier %v\n", b.Branch, b.Broke.Number, b.Fixed, b.Failures, b.Recovery, b.Earlier)
		}
		s += fmt.Sprintf("    steps %v flaky %+v flaky steps %v\n", rs.FailingSteps, rs.Flaky, rs.FlakySteps)
	}
	for _, k := range r.Buckets {
		if k.Passed+k.Failed+k.Other > 0 {
			s += fmt.Sprintf("  %s %d/%d/%d %s %s\n", k.Start.Format(timeLayout), k.Passed, k.Failed, k.Other, k.P50, k.P90)
		}
	}
	s += fmt.Sprintf("  %d buckets, flaky steps %+v\n  slowest %+v\n", len(r.Buckets), r.FlakySteps, r.Slowest)
	return s + fmt.Sprintf("  unwatched %q sources %+v", r.Unwatched, r.Sources)
}

func TestPercentileNearestRank(t *testing.T) {
	ds := func(secs ...int) []time.Duration {
		out := make([]time.Duration, len(secs))
		for i, s := range secs {
			out[i] = time.Duration(s) * time.Second
		}
		return out
	}
	cases := []struct {
		in   []time.Duration
		p    int
		want time.Duration
	}{
		{nil, 50, 0},
		{ds(7), 50, 7 * time.Second},
		{ds(7), 90, 7 * time.Second},
		{ds(4, 1, 3, 2), 50, 2 * time.Second}, // rank ceil(2) = 2
		{ds(1, 2, 3, 4, 5), 50, 3 * time.Second},
		{ds(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9 * time.Second},
		{ds(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 90, 10 * time.Second}, // rank ceil(9.9) = 10
		{ds(5, 1), 100, 5 * time.Second},
		{ds(5, 1), 1, 1 * time.Second},
	}
	for _, c := range cases {
		before := fmt.Sprint(c.in)
		if got := Percentile(c.in, c.p); got != c.want {
			t.Errorf("Percentile(%v, %d) = %v, want %v", c.in, c.p, got, c.want)
		}
		if fmt.Sprint(c.in) != before {
			t.Errorf("Percentile reordered its input: %v", c.in)
		}
	}
}

func TestComputeEdges(t *testing.T) {
	utc := Spec{Name: "d", Schedule: "0 * * * *"}
	since := time.Date(2024, 5, 6, 10, 0, 0, 0, time.UTC)
	until := since.Add(time.Hour)
	t.Run("empty", func(t *testing.T) {
		r := Compute(Input{Spec: utc, Since: since, Until: until})
		if r.Totals != (Totals{}) || len(r.Repos) != 0 || len(r.Buckets) != 1 || !r.Hourly || r.Unwatched != nil {
			t.Fatalf("%s", dump(r))
		}
	})
	t.Run("flaky needs a pass after the failure", func(t *testing.T) {
		r := Compute(Input{Spec: utc, Since: since, Until: until, Builds: []store.BuildRecord{
			{Repo: "a/b", Number: 1, Status: "success", Commit: "x", Finished: since.Add(time.Minute)},
			{Repo: "a/b", Number: 2, Status: "failure", Commit: "x", Finished: since.Add(2 * time.Minute)},
			{Repo: "a/b", Number: 3, Status: "failure", Commit: "y", Finished: since.Add(3 * time.Minute)},
			{Repo: "a/b", Number: 4, Status: "failure", Commit: "y", Finished: since.Add(4 * time.Minute)},
			{Repo: "a/b", Number: 5, Status: "success", Commit: "y", Finished: since.Add(5 * time.Minute)},
			{Repo: "a/b", Number: 6, Status: "failure", Commit: "y", Finished: since.Add(6 * time.Minute)},
			{Repo: "a/b", Number: 7, Status: "success", Commit: "y", Finished: since.Add(7 * time.Minute)},
		}})
		want := []Flaky{{Commit: "y", Failed: []int64{3, 4}, Passed: 5}}
		if !reflect.DeepEqual(r.Repos[0].Flaky, want) || r.Totals.Flaky != 1 {
			t.Fatalf("flaky %+v", r.Repos[0].Flaky)
		}
	})
	t.Run("a line red at the start of the history", func(t *testing.T) {
		r := Compute(Input{Spec: utc, Since: since, Until: until, Builds: []store.BuildRecord{
			{Repo: "a/b", Number: 1, Branch: "main", Status: "failure", Finished: since.Add(-30 * time.Minute)},
			{Repo: "a/b", Number: 2, Branch: "main", Status: "killed", Finished: since.Add(time.Minute)},
			{Repo: "a/b", Number: 3, Branch: "main", Status: "error", Finished: since.Add(2 * time.Minute)},
			{Repo: "a/b", Number: 4, Branch: "main", Status: "success", Finished: since.Add(3 * time.Minute)},
			{Repo: "a/b", Number: 5, Branch: "dev", Event: "tag", Status: "failure", Finished: since.Add(4 * time.Minute)},
		}})
		br := r.Repos[0].Breaks
		if len(br) != 1 || !br[0].Earlier || br[0].Broke.Number != 1 || br[0].Fixed.Number != 4 || br[0].Failures != 2 ||
			br[0].Recovery != 0 || r.Totals.Recoveries != 0 {
			t.Fatalf("breaks %+v, totals %+v", br, r.Totals)
		}
		broke, fixed := breakParts(br[0], time.UTC, english())
		if broke != "red since #1 at 2024-05-06 09:30 or before" || fixed != "fixed by #4" {
			t.Fatalf("%q, %q", broke, fixed)
		}
	})
	t.Run("links follow the server", func(t *testing.T) {
		b := []store.BuildRecord{{Repo: "a/b", Number: 7, Status: "failure", Finished: since.Add(time.Minute)}}
		for _, c := range []struct {
			dialect    drone.Dialect
			repo, link string
		}{
			{"", "https://ci.example.com/a/b", "https://ci.example.com/a/b/7"},
			{drone.DialectV08, "https://ci.example.com/a/b", "https://ci.example.com/a/b/7"},
			{drone.DialectWoodpecker, "https://ci.example.com/repos/a/b", "https://ci.example.com/repos/a/b/pipeline/7"},
		} {
			r := Compute(Input{Spec: utc, Since: since, Until: until, Builds: b, DroneURL: "https://ci.example.com/", Dialect: c.dialect})
			if rs := r.Repos[0]; rs.Link != c.repo || rs.Failures[0].Link != c.link {
				t.Errorf("%s: links %q, %q", c.dialect, rs.Link, rs.Failures[0].Link)
			}
		}
	})
	t.Run("unwatched globs", func(t *testing.T) {
		cases := []struct {
			digest, watch, want []string
		}{
			{[]string{"*"}, []string{"*"}, nil},
			{[]string{"*"}, []string{"octo/*"}, []string{"*"}},
			{[]string{"octo/api", "octo/*"}, []string{"octo/*"}, nil},
			{[]string{"octo/api", "ops/x"}, []string{"octo/api"}, []string{"ops/x"}},
		}
		for _, c := range cases {
			if got := unwatched(c.digest, c.watch, nil); !reflect.DeepEqual(got, c.want) {
				t.Errorf("unwatched(%q, %q) = %q, want %q", c.digest, c.watch, got, c.want)
			}
		}
	})
	t.Run("days follow the zone across DST", func(t *testing.T) {
		ny := mustLoc(t, "America/New_York")
		spec := Spec{Name: "d", Schedule: "0 9 * * *", Location: ny}
		s, u := at(t, ny, "2024-03-08 09:00"), at(t, ny, "2024-03-11 09:00") // DST starts 03-10
		r := Compute(Input{Spec: spec, Since: s, Until: u, Builds: []store.BuildRecord{
			{Repo: "a/b", Number: 1, Status: "success", Finished: at(t, ny, "2024-03-10 23:30")},
			{Repo: "a/b", Number: 2, Status: "failure", Finished: at(t, ny, "2024-03-11 00:30")},
		}})
		var got []string
		for _, d := range r.Buckets {
			got = append(got, fmt.Sprintf("%s %d/%d", d.Start.Format("01-02 15:04"), d.Passed, d.Failed))
		}
		want := []string{"03-08 00:00 0/0", "03-09 00:00 0/0", "03-10 00:00 1/0", "03-11 00:00 0/1"}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("days %q, want %q", got, want)
		}
	})
}
