package digest

import (
	"fmt"
	"github.com/dronebot/dronebot/bot/store"
	"reflect"
	"testing"
	"time"
)

// TestComputeScenario checks every number of the scripted scenario. The
// expected values are worked out by hand:
//
//	octo/api  #10 ok 4m, #11 fail(test) 2m, #12 ok 5m (same commit as #11: flaky),
//	          #13 fail(test) 3m, #14 error (no duration), #15 fail(lint) 1m, #16 killed 30s
//	          runs 7, passed 2, failed 4, other 1, rate 2/6;
//	          durations 30s 1m 2m 3m 4m 5m: median rank ceil(3)=3 -> 2m, p90 rank ceil(5.4)=6 -> 5m
//	octo/web  ok 10m, ok 12m, fail(build) 8m, ok 11m: rate 3/4;
//	          8m 10m 11m 12m: median rank 2 -> 10m, p90 rank ceil(3.6)=4 -> 12m
//	octo/docs ok 1m30s
//	octo/cli  no builds, red since 05-01
func TestComputeScenario(t *testing.T) {
	sc := newScenario(t)
	loc := sc.spec.Location
	ts := func(s string) time.Time { return at(t, loc, s) }
	want := &Report{
		Name: "daily", Since: sc.since, Until: sc.until, Location: loc,
		Totals: Totals{Counts: Counts{Runs: 12, Passed: 6, Failed: 5, Other: 1}, Repos: 4, Red: 2, Flaky: 1},
		Repos: []RepoStats{
			{
				Repo: "octo/api", Counts: Counts{Runs: 7, Passed: 2, Failed: 4, Other: 1},
				Median: 2 * time.Minute, P90: 5 * time.Minute,
				Red:          []store.Line{sc.lines[0]},
				FailingSteps: []StepCount{{"test", 2}, {"lint", 1}},
				Flaky:        []Flaky{{Commit: "b2b2b2b2b2", Branch: "main", Failed: []int64{11}, Passed: 12}},
			},
			{Repo: "octo/cli", Red: []store.Line{sc.lines[2]}},
			{
				Repo: "octo/web", Counts: Counts{Runs: 4, Passed: 3, Failed: 1},
				Median: 10 * time.Minute, P90: 12 * time.Minute,
				FailingSteps: []StepCount{{"build", 1}},
			},
			{Repo: "octo/docs", Counts: Counts{Runs: 1, Passed: 1}, Median: 90 * time.Second, P90: 90 * time.Second},
		},
		Days: []Day{
			{Date: ts("2024-05-06 00:00"), Passed: 3, Failed: 1},
			{Date: ts("2024-05-07 00:00"), Passed: 3, Failed: 3},
			{Date: ts("2024-05-08 00:00"), Passed: 0, Failed: 1},
		},
		Unwatched: []string{"secret/*"},
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
}

func dump(r *Report) string {
	s := fmt.Sprintf("%+v\n", r.Totals)
	for _, rs := range r.Repos {
		s += fmt.Sprintf("  %+v\n", rs)
	}
	for _, d := range r.Days {
		s += fmt.Sprintf("  %s %d/%d\n", d.Date, d.Passed, d.Failed)
	}
	return s + fmt.Sprintf("  unwatched %q", r.Unwatched)
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
		r := Compute(utc, since, until, nil, nil, nil)
		if r.Totals != (Totals{}) || len(r.Repos) != 0 || len(r.Days) != 1 || r.Unwatched != nil {
			t.Fatalf("%s", dump(r))
		}
	})
	t.Run("flaky needs a pass after the failure", func(t *testing.T) {
		r := Compute(utc, since, until, []store.BuildRecord{
			{Repo: "a/b", Number: 1, Status: "success", Commit: "x", Finished: since.Add(time.Minute)},
			{Repo: "a/b", Number: 2, Status: "failure", Commit: "x", Finished: since.Add(2 * time.Minute)},
			{Repo: "a/b", Number: 3, Status: "failure", Commit: "y", Finished: since.Add(3 * time.Minute)},
			{Repo: "a/b", Number: 4, Status: "failure", Commit: "y", Finished: since.Add(4 * time.Minute)},
			{Repo: "a/b", Number: 5, Status: "success", Commit: "y", Finished: since.Add(5 * time.Minute)},
			{Repo: "a/b", Number: 6, Status: "failure", Commit: "y", Finished: since.Add(6 * time.Minute)},
			{Repo: "a/b", Number: 7, Status: "success", Commit: "y", Finished: since.Add(7 * time.Minute)},
		}, nil, nil)
		want := []Flaky{{Commit: "y", Failed: []int64{3, 4}, Passed: 5}}
		if !reflect.DeepEqual(r.Repos[0].Flaky, want) || r.Totals.Flaky != 1 {
			t.Fatalf("flaky %+v", r.Repos[0].Flaky)
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
			if got := unwatched(c.digest, c.watch); !reflect.DeepEqual(got, c.want) {
				t.Errorf("unwatched(%q, %q) = %q, want %q", c.digest, c.watch, got, c.want)
			}
		}
	})
	t.Run("days follow the zone across DST", func(t *testing.T) {
		ny := mustLoc(t, "America/New_York")
		spec := Spec{Name: "d", Schedule: "0 9 * * *", Location: ny}
		s, u := at(t, ny, "2024-03-09 09:00"), at(t, ny, "2024-03-11 09:00") // DST starts 03-10
		r := Compute(spec, s, u, []store.BuildRecord{
			{Repo: "a/b", Number: 1, Status: "success", Finished: at(t, ny, "2024-03-10 23:30")},
			{Repo: "a/b", Number: 2, Status: "failure", Finished: at(t, ny, "2024-03-11 00:30")},
		}, nil, nil)
		var got []string
		for _, d := range r.Days {
			got = append(got, fmt.Sprintf("%s %d/%d", d.Date.Format("01-02 15:04"), d.Passed, d.Failed))
		}
		want := []string{"03-09 00:00 0/0", "03-10 00:00 1/0", "03-11 00:00 0/1"}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("days %q, want %q", got, want)
		}
	})
}
