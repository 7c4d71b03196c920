package watch

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
	"github.com/dronebot/dronebot/notify"
)

func TestPollAlertFlow(t *testing.T) {
	for _, dialect := range dialects {
		t.Run(string(dialect), func(t *testing.T) {
			h := newHarness(t, dialect)
			h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
			h.fake.AddBuild("octo/demo", ago(successBuild(), 2*time.Hour)) // before the first run
			w := h.watcher()

			if got := h.cycle(w); len(got) != 0 {
				t.Fatalf("first sighting alerted: %s", outcomes(got))
			}
			if l, ok := h.line("octo/demo", "main"); !ok || l.Red || l.LastBuild != 1 {
				t.Fatalf("line after first sighting = %+v, %v; want green from #1", l, ok)
			}

			n := h.fake.AddBuild("octo/demo", failingBuild())
			got := h.cycle(w)
			if outcomes(got) != "#2:failure" {
				t.Fatalf("alerts = %s, want #2:failure", outcomes(got))
			}
			a := got[0]
			if a.Build != n || a.Repo != "octo/demo" || a.Branch != "main" || a.Event != drone.EventPush ||
				a.Title != "Add the thing" || a.Author != "pan" || a.Commit == "" || a.ID != "octo/demo#2:failure" ||
				a.BuildLink != drone.BuildURL(dialect, "https://drone.example.com", "octo/demo", 2) || a.Finished.IsZero() {
				t.Fatalf("alert = %+v", a)
			}
			if len(a.FailedSteps) != 1 || a.FailedSteps[0].Name != "test" || a.FailedSteps[0].ExitCode != 2 || a.FailedSteps[0].Stage != "default" {
				t.Fatalf("failed steps = %+v, want test with exit code 2", a.FailedSteps)
			}
			if a.Log == nil {
				t.Fatal("no log tail")
			}
			wantTail := []string{"running case 36", "running case 37", "running case 38", "running case 39", "exit status 2"}
			if !slices.Equal(a.Log.Lines, wantTail) || a.Log.Total != 40 || a.Log.Step != "test" {
				t.Fatalf("log = %+v, want the last 5 of 40 lines, colour stripped", a.Log)
			}
			if a.Log.Cause != "error: cannot connect to database" || a.Log.CauseLine != 3 {
				t.Fatalf("cause = %q at %d, want the error line 3", a.Log.Cause, a.Log.CauseLine)
			}

			h.fake.AddBuild("octo/demo", failingBuild())
			if got := h.cycle(w); outcomes(got) != "#3:still_failing(2)" {
				t.Fatalf("alerts = %s, want #3:still_failing(2)", outcomes(got))
			}
			h.fake.AddBuild("octo/demo", successBuild())
			got = h.cycle(w)
			if outcomes(got) != "#4:fixed #4:success" {
				t.Fatalf("alerts = %s, want #4:fixed #4:success", outcomes(got))
			}
			if got[0].Log != nil || len(got[0].FailedSteps) != 0 {
				t.Fatalf("fixed alert carries a failure: %+v", got[0])
			}
			h.fake.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusKilled})
			if got := h.cycle(w); outcomes(got) != "#5:killed" {
				t.Fatalf("alerts = %s, want #5:killed", outcomes(got))
			}
			if l, _ := h.line("octo/demo", "main"); l.Red || l.LastBuild != 4 {
				t.Fatalf("line after killed = %+v, want green from #4", l)
			}
			hist := h.history()
			if len(hist) != 5 || hist[1].FailedStep != "test" || hist[4].Status != "killed" {
				t.Fatalf("history = %+v", hist)
			}

			// Nothing changed: exactly one request, the repository listing.
			h.fake.ResetRequests()
			if got := h.cycle(w); len(got) != 0 {
				t.Fatalf("idle cycle alerted: %s", outcomes(got))
			}
			reqs := h.fake.Requests()
			if len(reqs) != 1 || !isRepoListing(reqs[0]) {
				t.Fatalf("idle cycle requests = %+v, want one repository listing", reqs)
			}
		})
	}
}

// isRepoListing: Drone's listing with each repository's latest build, or
// Woodpecker's (which always has it), or Woodpecker's feed of recent builds.
func isRepoListing(r dronetest.Request) bool {
	if r.Method == "GET" && (r.Path == "/api/user/feed" || r.Path == "/api/user/repos") && r.RawQuery == "" {
		return true
	}
	return r.Method == "GET" && (r.Path == "/api/user/repos" || r.Path == "/api/user/feed") &&
		strings.Contains(r.RawQuery, "latest=true")
}

func TestPollOutOfOrderFinish(t *testing.T) {
	for _, dialect := range dialects {
		t.Run(string(dialect), func(t *testing.T) {
			h := newHarness(t, dialect)
			h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
			for range 4 {
				h.fake.AddBuild("octo/demo", successBuild())
			}
			w := h.watcher()
			h.cycle(w)

			running := failingBuild()
			running.Status = drone.StatusRunning
			running.Stages[0].Status = drone.StatusRunning
			running.Stages[0].Steps[1].Status = drone.StatusRunning
			five := h.fake.AddBuild("octo/demo", running)
			if got := h.cycle(w); len(got) != 0 {
				t.Fatalf("running build alerted: %s", outcomes(got))
			}
			six := h.fake.AddBuild("octo/demo", running)
			h.fake.UpdateBuild("octo/demo", six, func(b *dronetest.BuildSpec) { *b = failingBuild() })
			if got := h.cycle(w); outcomes(got) != "#6:failure" {
				t.Fatalf("alerts = %s, want #6:failure", outcomes(got))
			}
			if got := h.cycle(w); len(got) != 0 {
				t.Fatalf("still running #5 alerted: %s", outcomes(got))
			}
			h.fake.UpdateBuild("octo/demo", five, func(b *dronetest.BuildSpec) { *b = failingBuild() })
			got := h.cycle(w)
			if outcomes(got) != "#5:failure" {
				t.Fatalf("alerts = %s, want #5:failure", outcomes(got))
			}
			if got[0].Log == nil || got[0].Log.Total != 40 {
				t.Fatalf("late build's alert lacks its log: %+v", got[0].Log)
			}
			if got := h.cycle(w); len(got) != 0 {
				t.Fatalf("#5 reported twice: %s", outcomes(got))
			}
			// The line follows its newest build, #6.
			if l, _ := h.line("octo/demo", "main"); !l.Red || l.LastBuild != 6 || l.FailCount != 1 {
				t.Fatalf("line = %+v, want red from #6", l)
			}
			if p, _ := h.state.Pending(context.Background()); len(p) != 0 {
				t.Fatalf("pending = %+v, want none", p)
			}
		})
	}
}

func TestPollFirstSightingSilent(t *testing.T) {
	h := newHarness(t, drone.DialectV1)
	h.fake.AddRepo("octo/red", dronetest.RepoOptions{})
	h.fake.AddBuild("octo/red", ago(failingBuild(), 2*time.Hour)) // before the first run
	h.fake.AddRepo("octo/empty", dronetest.RepoOptions{})
	h.fake.AddRepo("other/skip", dronetest.RepoOptions{})
	h.fake.AddBuild("other/skip", failingBuild())
	w := h.watcher(func(o *Options) { o.Repos = []string{"octo/*"} })

	h.fake.ResetRequests()
	if got := h.cycle(w); len(got) != 0 {
		t.Fatalf("first sighting alerted: %s", outcomes(got))
	}
	if n := len(h.fake.Requests()); n != 1 {
		t.Fatalf("first sighting made %d requests, want 1 (the listing has what it needs)", n)
	}
	if l, ok := h.line("octo/red", "main"); !ok || !l.Red || l.FailCount != 1 {
		t.Fatalf("line = %+v, %v; want red, set silently", l, ok)
	}
	if _, ok := h.line("other/skip", "main"); ok {
		t.Fatal("a repository outside the globs was recorded")
	}
	// The empty repository's first build is not a first sighting.
	h.fake.AddBuild("octo/empty", failingBuild())
	h.fake.AddBuild("other/skip", failingBuild())
	if got := h.cycle(w); outcomes(got) != "#1:failure" || got[0].Repo != "octo/empty" {
		t.Fatalf("alerts = %s, want octo/empty #1:failure", outcomes(got))
	}
	// A red line seen silently still counts: the next failure is still failing.
	h.fake.AddBuild("octo/red", failingBuild())
	if got := h.cycle(w); outcomes(got) != "#2:still_failing(2)" {
		t.Fatalf("alerts = %s, want #2:still_failing(2)", outcomes(got))
	}
}

func TestPollRestartAndCatchUp(t *testing.T) {
	for _, dialect := range dialects {
		t.Run(string(dialect), func(t *testing.T) {
			h := newHarness(t, dialect)
			h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
			h.fake.AddBuild("octo/demo", successBuild())
			w := h.watcher()
			h.cycle(w)
			h.fake.AddBuild("octo/demo", failingBuild())
			if got := h.cycle(w); outcomes(got) != "#2:failure" {
				t.Fatalf("alerts = %s", outcomes(got))
			}

			// A restart with the same state sends nothing again.
			if got := h.cycle(h.watcher()); len(got) != 0 {
				t.Fatalf("restart re-sent: %s", outcomes(got))
			}

			// While the bot is down three builds finish; the next start sends
			// them once each, in order, with their finish times.
			h.fake.AddBuild("octo/demo", failingBuild())
			h.fake.AddBuild("octo/demo", failingBuild())
			h.fake.AddBuild("octo/demo", successBuild())
			h.fake.ResetRequests()
			got := h.cycle(h.watcher())
			if want := "#3:still_failing(2) #4:still_failing(3) #5:fixed #5:success"; outcomes(got) != want {
				t.Fatalf("catch-up = %s, want %s", outcomes(got), want)
			}
			for _, a := range got {
				if a.Finished.IsZero() {
					t.Fatalf("catch-up alert without finish time: %+v", a)
				}
			}
			var lists, builds int
			for _, r := range h.fake.Requests() {
				switch {
				case isRepoListing(r):
					lists++
				case strings.HasSuffix(r.Path, "/builds"), strings.HasSuffix(r.Path, "/pipelines"):
					builds++
				}
			}
			if lists != 1 || builds != 1 {
				t.Fatalf("catch-up made %d listings and %d build lists, want 1 and 1: %+v", lists, builds, h.fake.Requests())
			}
			if got := h.cycle(h.watcher()); len(got) != 0 {
				t.Fatalf("second restart re-sent: %s", outcomes(got))
			}
		})
	}
}

func TestPollEmitFailureRetried(t *testing.T) {
	h := newHarness(t, drone.DialectV1)
	h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
	fail := true
	w := h.watcher(func(o *Options) {
		o.Emit = func(ctx context.Context, a *notify.Alert) error {
			if fail {
				return context.DeadlineExceeded
			}
			return h.emit(ctx, a)
		}
	})
	h.cycle(w)
	h.fake.AddBuild("octo/demo", failingBuild())
	if got := h.cycle(w); len(got) != 0 {
		t.Fatalf("alerts despite the outbox failing: %s", outcomes(got))
	}
	if seen, _ := h.state.BuildSeen(context.Background(), "octo/demo", 1); seen {
		t.Fatal("build marked processed although its alert was not emitted")
	}
	fail = false
	if got := h.cycle(w); outcomes(got) != "#1:failure" {
		t.Fatalf("alerts after recovery = %s, want #1:failure", outcomes(got))
	}
}

func TestWatcherDroneUpHook(t *testing.T) {
	h := newHarness(t, drone.DialectV1)
	h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
	var ups []bool
	var cycles, failed int
	w := h.watcher(func(o *Options) {
		o.OnDroneUp = func(up bool) { ups = append(ups, up) }
		o.OnCycle = func(_ time.Duration, err error) {
			cycles++
			if err != nil {
				failed++
			}
		}
	})
	ctx := context.Background()
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	h.fake.SetDown(true)
	for range 2 {
		if _, err := w.RunOnce(ctx); !drone.IsUnreachable(err) {
			t.Fatalf("err = %v, want unreachable", err)
		}
	}
	h.fake.SetDown(false)
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ups, []bool{true, false, true}) {
		t.Fatalf("OnDroneUp calls = %v, want [true false true]", ups)
	}
	if cycles != 4 || failed != 2 {
		t.Fatalf("OnCycle: %d cycles, %d failed; want 4 and 2", cycles, failed)
	}
}

// Drone stamps builds in whole seconds: a build that finishes in the same
// second the bot first ran, but after it, is news.
func TestBuildFinishingInTheFirstSecondIsNews(t *testing.T) {
	h := newHarness(t, drone.DialectV1)
	first := time.Now().Truncate(time.Second).Add(700 * time.Millisecond)
	h.state = newState(t, first)
	h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
	h.fake.AddBuild("octo/demo", greenBuildAt(first.Add(-time.Minute)))
	w := h.watcher()
	if got := h.cycle(w); len(got) != 0 {
		t.Fatalf("first sighting alerted: %s", outcomes(got))
	}
	b := failingBuild()
	b.Started, b.Finished = first.Add(-time.Second), first.Add(100*time.Millisecond) // stored as first's whole second
	h.fake.AddBuild("octo/demo", b)
	if got := h.cycle(w); outcomes(got) != "#2:failure" {
		t.Fatalf("alerts = %s, want #2:failure", outcomes(got))
	}
}

func greenBuildAt(at time.Time) dronetest.BuildSpec {
	return dronetest.BuildSpec{Status: drone.StatusSuccess, Started: at.Add(-time.Minute), Finished: at,
		Stages: []dronetest.StageSpec{{Name: "default", Status: drone.StatusSuccess,
			Steps: []dronetest.StepSpec{{Name: "test", Status: drone.StatusSuccess, Log: []string{"ok"}}}}}}
}

// TestPollRecordsTimesOfEveryBuild: whichever way a finished build is
// found (first sighting from the listing, or a newer one), its history
// row has the finish time, the duration and the commit title, on both
// dialects (0.8's feed carries no times).
func TestPollRecordsTimesOfEveryBuild(t *testing.T) {
	for _, dialect := range dialects {
		t.Run(string(dialect), func(t *testing.T) {
			h := newHarness(t, dialect)
			h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
			start := time.Now().Add(-time.Hour).Truncate(time.Second)
			first := failingBuild()
			first.Started, first.Finished = start, start.Add(90*time.Second)
			h.fake.AddBuild("octo/demo", first)
			w := h.watcher()
			h.cycle(w)
			second := successBuild()
			second.Message = "Fix the thing"
			second.Started, second.Finished = start.Add(time.Hour), start.Add(time.Hour+4*time.Minute)
			h.fake.AddBuild("octo/demo", second)
			h.cycle(w)

			recs := h.history()
			if len(recs) != 2 {
				t.Fatalf("history %+v", recs)
			}
			for i, want := range []struct {
				d     time.Duration
				title string
			}{{90 * time.Second, "Add the thing"}, {4 * time.Minute, "Fix the thing"}} {
				if r := recs[i]; r.Duration != want.d || r.Finished.IsZero() || r.Title != want.title {
					t.Errorf("#%d recorded %+v, want duration %s, title %q", r.Number, r, want.d, want.title)
				}
			}
		})
	}
}

// ago stamps spec as started and (when done) finished d ago.
func ago(spec dronetest.BuildSpec, d time.Duration) dronetest.BuildSpec {
	at := time.Now().Add(-d)
	spec.Created, spec.Started = at.Add(-time.Minute), at.Add(-time.Minute)
	if spec.Status.Done() {
		spec.Finished = at
	}
	return spec
}

func runningBuild() dronetest.BuildSpec {
	b := failingBuild()
	b.Status = drone.StatusRunning
	b.Stages[0].Status = drone.StatusRunning
	b.Stages[0].Steps[1].Status = drone.StatusRunning
	return b
}

// The harness's first run was an hour ago: a repository first seen now,
// whose builds finished since, is news.
func TestPollRepositoryFirstSeenAfterTheFirstRunIsNews(t *testing.T) {
	for _, dialect := range dialects {
		t.Run(string(dialect), func(t *testing.T) {
			h := newHarness(t, dialect)
			h.fake.AddRepo("octo/old", dronetest.RepoOptions{})
			h.fake.AddBuild("octo/old", ago(failingBuild(), 2*time.Hour))
			w := h.watcher()
			if got := h.cycle(w); len(got) != 0 {
				t.Fatalf("a build from before the first run alerted: %s", outcomes(got))
			}
			h.fake.AddRepo("octo/new", dronetest.RepoOptions{})
			h.fake.AddBuild("octo/new", successBuild())
			h.fake.AddBuild("octo/new", failingBuild())
			got := h.cycle(w)
			if outcomes(got) != "#1:success #2:failure" || got[1].Repo != "octo/new" {
				t.Fatalf("alerts = %s, want octo/new's #1:success #2:failure", outcomes(got))
			}
			if got := h.cycle(w); len(got) != 0 {
				t.Fatalf("alerted twice: %s", outcomes(got))
			}
		})
	}
}

// Builds still running when a repository is first seen, other than its
// latest, are tracked and alerted when they finish.
func TestPollUnfinishedBuildsAtFirstSightAreTracked(t *testing.T) {
	for _, dialect := range dialects {
		t.Run(string(dialect), func(t *testing.T) {
			h := newHarness(t, dialect)
			h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
			h.fake.AddBuild("octo/demo", ago(successBuild(), 3*time.Hour))
			slow := h.fake.AddBuild("octo/demo", ago(runningBuild(), 2*time.Hour))
			h.fake.AddBuild("octo/demo", ago(successBuild(), 2*time.Hour))
			w := h.watcher()
			if got := h.cycle(w); len(got) != 0 {
				t.Fatalf("first sighting alerted: %s", outcomes(got))
			}
			h.fake.UpdateBuild("octo/demo", slow, func(b *dronetest.BuildSpec) { *b = failingBuild() })
			if got := h.cycle(w); outcomes(got) != "#2:failure" {
				t.Fatalf("alerts = %s, want #2:failure once the build running at first sight finished", outcomes(got))
			}
			if got := h.cycle(w); len(got) != 0 {
				t.Fatalf("alerted twice: %s", outcomes(got))
			}
		})
	}
}
