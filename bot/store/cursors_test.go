package store

import (
	"maps"
	"testing"
)

func TestCursorsMergeAndSurviveReopen(t *testing.T) {
	s, c, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	if got, err := s.Cursors(ctx); err != nil || len(got) != 0 {
		t.Fatalf("fresh Cursors = %v, %v; want empty", got, err)
	}
	if err := s.SetCursors(ctx, map[string]int64{"octo/demo": 7, "octo/new": 0}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCursors(ctx, map[string]int64{"octo/demo": 9}); err != nil {
		t.Fatal(err)
	}
	s = mustReopen(t, s, c)
	want := map[string]int64{"octo/demo": 9, "octo/new": 0}
	if got, err := s.Cursors(ctx); err != nil || !maps.Equal(got, want) {
		t.Fatalf("Cursors = %v, %v; want %v", got, err, want)
	}
}

func TestCommitBuildRecordsOnce(t *testing.T) {
	s, _, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	line := &Line{Repo: "octo/demo", Branch: "main", Red: true, FailCount: 1, LastBuild: 3, Since: t0, FailingStep: "test"}
	rec := BuildRecord{Repo: "octo/demo", Number: 3, Branch: "main", Event: "push", Status: "failure", Finished: t0}
	for i, want := range []bool{true, false} {
		if applied, err := s.CommitBuild(ctx, line, rec); err != nil || applied != want {
			t.Fatalf("CommitBuild #%d = %v, %v; want %v", i+1, applied, err, want)
		}
	}
	got, ok, err := s.GetLine(ctx, "octo/demo", "main")
	if err != nil || !ok || !got.Red || got.LastBuild != 3 || got.FailingStep != "test" {
		t.Fatalf("GetLine = %+v, %v, %v", got, ok, err)
	}
	hist, err := s.History(ctx, t0.Add(-1), t0.Add(1), nil)
	if err != nil || len(hist) != 1 || hist[0].Number != 3 {
		t.Fatalf("History = %+v, %v; want build 3 once", hist, err)
	}
}
