package digest

import (
	"context"
	"errors"
	"github.com/dronebot/dronebot/bot/store"
	"slices"
	"sync"
	"testing"
	"time"
)

// memStore is an in-memory history and schedule state, as bot/store
// behaves: History filters [since, until) by finish time.
type memStore struct {
	mu     sync.Mutex
	builds []store.BuildRecord
	lines  []store.Line
	sent   map[string]time.Time
	globs  [][]string // repoGlobs of each History call
	fail   error      // when set, History fails
}

func (m *memStore) History(_ context.Context, since, until time.Time, repoGlobs []string) ([]store.BuildRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.globs = append(m.globs, repoGlobs)
	if m.fail != nil {
		return nil, m.fail
	}
	var out []store.BuildRecord
	for _, b := range m.builds {
		if !b.Finished.Before(since) && b.Finished.Before(until) {
			out = append(out, b)
		}
	}
	slices.SortFunc(out, func(a, b store.BuildRecord) int { return a.Finished.Compare(b.Finished) })
	return out, nil
}

func (m *memStore) Lines(context.Context) ([]store.Line, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.lines), nil
}

func (m *memStore) DigestSent(_ context.Context, name string) (time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sent[name], nil
}

func (m *memStore) SetDigestSent(_ context.Context, name string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sent == nil {
		m.sent = map[string]time.Time{}
	}
	m.sent[name] = at
	return nil
}

var (
	_ StateStore   = (*memStore)(nil)
	_ HistoryStore = (*memStore)(nil)
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at is a time in loc: at(loc, "2024-05-06 10:00").
func at(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation(timeLayout, s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// scenario is a scripted history over 2024-05-06 09:00 – 2024-05-08 09:00
// in Shanghai time, and the 48 hours before it, with known passes,
// failures, durations, breaks, fixes and one flaky commit. The expected
// numbers are worked out by hand in report_test.go.
type scenario struct {
	spec         Spec
	since, until time.Time
	builds       []store.BuildRecord
	lines        []store.Line
	watch        []string
	droneURL     string
}

func newScenario(t testing.TB) scenario {
	t.Helper()
	loc := mustLoc(t, "Asia/Shanghai")
	ts := func(s string) time.Time { return at(t, loc, s) }
	b := func(repo string, n int64, branch, status, commit, step, finished string, d time.Duration) store.BuildRecord {
		fin := ts(finished)
		author := "pan"
		if repo == "octo/web" {
			author = "li"
		}
		return store.BuildRecord{Repo: repo, Number: n, Branch: branch, Event: "push", Status: status, Commit: commit,
			Author: author, Title: "Change " + commit, FailedStep: step, Started: fin.Add(-d), Finished: fin, Duration: d}
	}
	noDuration := b("octo/api", 14, "main", "error", "c3c3c3c3c3", "", "2024-05-07 10:30", 0)
	noDuration.Started, noDuration.Title = time.Time{}, ""
	return scenario{
		spec: Spec{Name: "daily", Schedule: "0 9 * * *", Location: loc,
			Repos: []string{"octo/*", "secret/*"}, To: []string{"oncall-mail", "team-wecom"}},
		since:    ts("2024-05-06 09:00"),
		until:    ts("2024-05-08 09:00"),
		watch:    []string{"octo/*"},
		droneURL: "https://drone.example.com/",
		builds: []store.BuildRecord{
			b("octo/api", 6, "main", "success", "z6", "", "2024-05-04 08:59", time.Minute), // before both periods
			b("octo/api", 7, "main", "success", "z7", "", "2024-05-05 10:00", 3*time.Minute),
			b("octo/api", 8, "main", "success", "z8", "", "2024-05-05 12:00", 2*time.Minute),
			b("octo/docs", 6, "main", "success", "d0", "", "2024-05-05 09:30", 2*time.Minute),
			b("octo/api", 9, "main", "failure", "z9", "test", "2024-05-06 08:59", time.Minute), // before the period
			b("octo/api", 10, "main", "success", "a1a1a1a1a1", "", "2024-05-06 10:00", 4*time.Minute),
			b("octo/api", 11, "main", "failure", "b2b2b2b2b2", "test", "2024-05-06 11:00", 2*time.Minute),
			b("octo/api", 12, "main", "success", "b2b2b2b2b2", "", "2024-05-06 12:00", 5*time.Minute),
			b("octo/api", 13, "main", "failure", "c3c3c3c3c3", "test", "2024-05-07 10:00", 3*time.Minute),
			noDuration,
			b("octo/api", 15, "main", "failure", "d4d4d4d4d4", "lint", "2024-05-08 08:00", time.Minute),
			b("octo/api", 16, "feature", "killed", "e5e5e5e5e5", "", "2024-05-08 08:30", 30*time.Second),
			b("octo/api", 17, "main", "failure", "f6", "test", "2024-05-08 09:00", time.Minute), // at until: excluded
			b("octo/web", 1, "main", "success", "w1", "", "2024-05-06 15:00", 10*time.Minute),
			b("octo/web", 2, "main", "success", "w2", "", "2024-05-07 15:00", 12*time.Minute),
			b("octo/web", 3, "main", "failure", "w3", "build", "2024-05-07 16:00", 8*time.Minute),
			b("octo/web", 4, "main", "success", "w4", "", "2024-05-07 17:00", 11*time.Minute),
			b("octo/docs", 7, "main", "success", "d1", "", "2024-05-07 09:30", 90*time.Second),
			b("other/repo", 1, "main", "failure", "o1", "test", "2024-05-07 12:00", time.Minute), // not in the digest
		},
		lines: []store.Line{
			{Repo: "octo/api", Branch: "main", Red: true, Since: ts("2024-05-07 10:00"), FailingStep: "lint", FailCount: 3},
			{Repo: "octo/api", Branch: "feature", Red: false, Since: ts("2024-05-01 10:00")},
			{Repo: "octo/cli", Branch: "main", Red: true, Since: ts("2024-05-01 18:05"), FailingStep: "deploy", FailCount: 1},
			{Repo: "octo/web", Branch: "main", Red: false, Since: ts("2024-05-07 17:00")},
			{Repo: "other/repo", Branch: "main", Red: true, Since: ts("2024-05-07 12:00"), FailingStep: "test", FailCount: 1},
		},
	}
}

func (s scenario) store() *memStore {
	return &memStore{builds: slices.Clone(s.builds), lines: slices.Clone(s.lines)}
}

func (s scenario) input() Input {
	return Input{Spec: s.spec, Since: s.since, Until: s.until, Builds: s.builds, Lines: s.lines,
		WatchGlobs: s.watch, DroneURL: s.droneURL}
}

func (s scenario) report() *Report { return Compute(s.input()) }

var errBoom = errors.New("boom")
