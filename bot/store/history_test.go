package store

import (
	"database/sql"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestRecordBuildAndHistory(t *testing.T) {
	s, c, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	builds := []BuildRecord{
		{Repo: "octo/demo", Number: 1, Branch: "main", Event: "push", Status: "success", Started: at(0).Add(-90 * time.Second), Finished: at(0)},
		{Repo: "octo/demo", Number: 2, Branch: "main", Event: "push", Status: "failure", FailedStep: "test", Commit: "abc1234", Author: "pan", Title: "Parse durations", Started: at(1).Add(-time.Minute), Finished: at(1)},
		{Repo: "octo/api", Number: 9, Branch: "dev", Event: "pull_request", Status: "success", Finished: at(2), Duration: 3 * time.Minute},
		{Repo: "acme/site", Number: 5, Branch: "main", Event: "cron", Status: "error", Finished: at(3)},
		{Repo: "octo/demo", Number: 3, Branch: "main", Event: "push", Status: "success", Finished: at(30)},
	}
	for _, b := range builds {
		if err := s.RecordBuild(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	// Recording again replaces: still one row, with the newer status.
	again := builds[1]
	again.Status = "error"
	if err := s.RecordBuild(ctx, again); err != nil {
		t.Fatal(err)
	}
	s = mustReopen(t, s, c)

	tests := []struct {
		name         string
		since, until time.Time
		globs        []string
		want         []string
	}{
		{"one day, all", at(0), at(24), nil, []string{"octo/demo#1", "octo/demo#2", "octo/api#9", "acme/site#5"}},
		{"star is all", at(0), at(24), []string{"*"}, []string{"octo/demo#1", "octo/demo#2", "octo/api#9", "acme/site#5"}},
		{"until is exclusive", at(0), at(2), nil, []string{"octo/demo#1", "octo/demo#2"}},
		{"since is inclusive", at(2), at(100), nil, []string{"octo/api#9", "acme/site#5", "octo/demo#3"}},
		{"owner glob", at(0), at(100), []string{"octo/*"}, []string{"octo/demo#1", "octo/demo#2", "octo/api#9", "octo/demo#3"}},
		{"any of globs", at(0), at(100), []string{"acme/site", "*/api"}, []string{"octo/api#9", "acme/site#5"}},
		{"no match", at(0), at(100), []string{"nobody/*"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.History(ctx, tt.since, tt.until, tt.globs)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, b := range got {
				names = append(names, b.Repo+"#"+itoa(b.Number))
			}
			if !slices.Equal(names, tt.want) {
				t.Fatalf("History = %v, want %v", names, tt.want)
			}
		})
	}

	got, err := s.History(ctx, at(1), at(2), nil)
	if err != nil || len(got) != 1 {
		t.Fatalf("History = %+v, %v", got, err)
	}
	want := again
	want.Duration = time.Minute // derived from Started and Finished
	if b := got[0]; b.Status != "error" || b.Commit != want.Commit || b.Author != want.Author ||
		b.FailedStep != want.FailedStep || b.Title != want.Title || b.Event != want.Event || b.Branch != want.Branch ||
		!b.Started.Equal(want.Started) || !b.Finished.Equal(want.Finished) || b.Duration != want.Duration {
		t.Fatalf("record = %+v, want %+v", b, want)
	}
}

// TestHistoryMigratesInPlace opens a store as the release before the
// commit titles left it, with history in it: the rows stay, untitled, and
// new ones keep their titles.
func TestHistoryMigratesInPlace(t *testing.T) {
	ctx := testCtx(t)
	path := filepath.Join(t.TempDir(), "old.db")
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", dsn(abs, time.Second, false))
	if err != nil {
		t.Fatal(err)
	}
	c := newClock(t0)
	before := slices.IndexFunc(migrations(), func(m migration) bool { return strings.HasPrefix(m.name, "commit titles") })
	if before < 1 {
		t.Fatal("no commit-title step")
	}
	if err := migrate(ctx, db, before, c.Now, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO builds (repo, number, branch, status, finished, duration)
		VALUES ('octo/demo', 7, 'main', 'success', ?, ?)`, toDB(t0), int64(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	s := mustOpen(t, path, Options{Now: c.Now})
	if err := s.RecordBuild(ctx, BuildRecord{Repo: "octo/demo", Number: 8, Status: "failure", Title: "Fix the parser",
		Finished: t0.Add(time.Minute), Duration: 2 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	got, err := s.History(ctx, t0, t0.Add(time.Hour), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Number != 7 || got[0].Title != "" || got[0].Duration != time.Minute ||
		got[1].Title != "Fix the parser" {
		t.Fatalf("history after the upgrade: %+v", got)
	}
}

// TestWatchedSpans: marks close together make one span, a gap longer
// than maxGap starts another, and Watched cuts the spans to the window.
func TestWatchedSpans(t *testing.T) {
	s, c, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	min := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	for _, m := range []int{0, 1, 2, 2, 1, 4, 30, 31} {
		if err := s.MarkWatched(ctx, min(m), 2*time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	s = mustReopen(t, s, c)
	span := func(a, b int) Span { return Span{min(a), min(b)} }
	cases := []struct {
		since, until int
		want         []Span
	}{
		{-10, 100, []Span{span(0, 4), span(30, 31)}},
		{2, 30, []Span{span(2, 4)}},
		{3, 31, []Span{span(3, 4), span(30, 31)}},
		{5, 29, nil},
		{31, 40, nil},
	}
	for _, tc := range cases {
		got, err := s.Watched(ctx, min(tc.since), min(tc.until))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(got, tc.want, func(a, b Span) bool { return a.Start.Equal(b.Start) && a.End.Equal(b.End) }) {
			t.Errorf("Watched(%d, %d) = %v, want %v", tc.since, tc.until, got, tc.want)
		}
	}
	if _, err := s.Prune(ctx, min(10)); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Watched(ctx, min(-10), min(100)); err != nil || len(got) != 1 || !got[0].Start.Equal(min(30)) {
		t.Fatalf("after prune: %v, %v", got, err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestPrune(t *testing.T) {
	s, _, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	for i := range int64(10) {
		b := BuildRecord{Repo: "octo/demo", Number: i + 1, Status: "success", Finished: t0.Add(time.Duration(i) * 24 * time.Hour)}
		if err := s.RecordBuild(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.Prune(ctx, t0.Add(4*24*time.Hour))
	if err != nil || n != 4 {
		t.Fatalf("Prune = %d, %v; want 4", n, err)
	}
	left, err := s.History(ctx, time.Time{}, t0.Add(365*24*time.Hour), nil)
	if err != nil || len(left) != 6 || left[0].Number != 5 {
		t.Fatalf("after prune: %d builds, first %+v, %v", len(left), left, err)
	}
	if n, err := s.Prune(ctx, t0.Add(4*24*time.Hour)); err != nil || n != 0 {
		t.Fatalf("second Prune = %d, %v; want 0", n, err)
	}
}
