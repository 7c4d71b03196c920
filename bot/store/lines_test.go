package store

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLines(t *testing.T) {
	s, c, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	if _, ok, err := s.GetLine(ctx, "octo/demo", "main"); err != nil || ok {
		t.Fatalf("unknown line: ok=%v err=%v", ok, err)
	}
	red := Line{Repo: "octo/demo", Branch: "main", Red: true, FailCount: 2, LastBuild: 42,
		Since: t0.Add(-time.Hour), FailingStep: "test"}
	puts := []Line{
		red,
		{Repo: "octo/api", Branch: "main", LastBuild: 7, Since: t0, Updated: t0.Add(-time.Minute)},
		{Repo: "octo/demo", Branch: "dev", LastBuild: 3},
	}
	for _, l := range puts {
		if err := s.PutLine(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	got, ok, err := s.GetLine(ctx, "octo/demo", "main")
	red.Updated = t0 // set from the clock
	if err != nil || !ok || !linesEqual(got, red) {
		t.Fatalf("GetLine = %+v, %v, %v; want %+v", got, ok, err, red)
	}

	// Green again: the state is replaced, not merged.
	c.Set(t0.Add(time.Hour))
	green := Line{Repo: "octo/demo", Branch: "main", LastBuild: 43, Since: t0.Add(time.Hour)}
	if err := s.PutLine(ctx, green); err != nil {
		t.Fatal(err)
	}
	s = mustReopen(t, s, c)
	all, err := s.Lines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	green.Updated = t0.Add(time.Hour)
	want := []Line{
		{Repo: "octo/api", Branch: "main", LastBuild: 7, Since: t0, Updated: t0.Add(-time.Minute)},
		{Repo: "octo/demo", Branch: "dev", LastBuild: 3, Updated: t0},
		green,
	}
	if len(all) != len(want) {
		t.Fatalf("Lines = %+v, want %+v", all, want)
	}
	for i := range want {
		if !linesEqual(all[i], want[i]) {
			t.Errorf("Lines[%d] = %+v, want %+v", i, all[i], want[i])
		}
	}
	if err := s.PutLine(ctx, Line{Branch: "main"}); err == nil {
		t.Error("PutLine without a repository succeeded")
	}
}

func linesEqual(a, b Line) bool {
	return a.Repo == b.Repo && a.Branch == b.Branch && a.Red == b.Red && a.FailCount == b.FailCount &&
		a.LastBuild == b.LastBuild && a.Since.Equal(b.Since) && a.FailingStep == b.FailingStep &&
		a.Updated.Equal(b.Updated)
}

func TestBuildSeenOnceAcrossRestartsAndRaces(t *testing.T) {
	s, c, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	if seen, err := s.BuildSeen(ctx, "octo/demo", 42); err != nil || seen {
		t.Fatalf("BuildSeen before: %v, %v", seen, err)
	}
	var firsts atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			first, err := s.MarkBuildSeen(ctx, "octo/demo", 42)
			if err != nil {
				t.Error(err)
			}
			if first {
				firsts.Add(1)
			}
		})
	}
	wg.Wait()
	if n := firsts.Load(); n != 1 {
		t.Fatalf("%d racing callers were first, want 1", n)
	}
	s = mustReopen(t, s, c)
	tests := []struct {
		repo   string
		number int64
		want   bool
	}{
		{"octo/demo", 42, true},
		{"octo/demo", 43, false},
		{"octo/other", 42, false},
	}
	for _, tt := range tests {
		if got, err := s.BuildSeen(ctx, tt.repo, tt.number); err != nil || got != tt.want {
			t.Errorf("BuildSeen(%s#%d) = %v, %v; want %v", tt.repo, tt.number, got, err, tt.want)
		}
	}
	if first, err := s.MarkBuildSeen(ctx, "octo/demo", 42); err != nil || first {
		t.Fatalf("MarkBuildSeen after reopen: first=%v err=%v", first, err)
	}
}

func TestPending(t *testing.T) {
	s, c, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	add := []struct {
		repo   string
		number int64
		at     time.Time
	}{
		{"octo/demo", 42, t0},
		{"octo/api", 7, t0.Add(time.Minute)},
		{"octo/demo", 43, t0.Add(2 * time.Minute)},
		{"octo/demo", 42, t0.Add(3 * time.Minute)}, // again: keeps the first time
	}
	for _, a := range add {
		c.Set(a.at)
		if err := s.AddPending(ctx, a.repo, a.number); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RemovePending(ctx, "octo/api", 7); err != nil {
		t.Fatal(err)
	}
	if err := s.RemovePending(ctx, "octo/api", 999); err != nil {
		t.Fatalf("removing an absent build: %v", err)
	}
	s = mustReopen(t, s, c)
	got, err := s.Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []PendingBuild{{"octo/demo", 42, t0}, {"octo/demo", 43, t0.Add(2 * time.Minute)}}
	if len(got) != len(want) {
		t.Fatalf("Pending = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].Repo != want[i].Repo || got[i].Number != want[i].Number || !got[i].Added.Equal(want[i].Added) {
			t.Errorf("Pending[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}
