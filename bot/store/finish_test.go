package store

import (
	"slices"
	"testing"
	"time"
)

func TestFinishBuildAppliesOnce(t *testing.T) {
	s, c, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	if err := s.AddPending(ctx, "octo/demo", 42); err != nil {
		t.Fatal(err)
	}
	f := FinishedBuild{
		Repo: "octo/demo", Number: 42,
		Line:   &Line{Repo: "octo/demo", Branch: "main", Red: true, FailCount: 1, LastBuild: 42, Since: t0, FailingStep: "test"},
		Record: &BuildRecord{Repo: "octo/demo", Number: 42, Branch: "main", Event: "push", Status: "failure", Finished: t0},
		Deliveries: []Delivery{
			{Key: "octo/demo#42:failure", Destination: "team-wecom", Payload: []byte("a")},
			{Key: "octo/demo#42:failure", Destination: "oncall-mail", Payload: []byte("b")},
		},
	}
	applied, res, err := s.FinishBuild(ctx, f)
	if err != nil || !applied || len(res) != 2 || !res[0].Queued || !res[1].Queued {
		t.Fatalf("FinishBuild = %v, %+v, %v", applied, res, err)
	}

	s = mustReopen(t, s, c)
	// A second pass (a restart, a webhook plus a poll) changes nothing.
	f.Line = &Line{Repo: "octo/demo", Branch: "main", Red: true, FailCount: 99}
	applied, res, err = s.FinishBuild(ctx, f)
	if err != nil || applied || res != nil {
		t.Fatalf("second FinishBuild = %v, %+v, %v", applied, res, err)
	}

	line, ok, err := s.GetLine(ctx, "octo/demo", "main")
	if err != nil || !ok || line.FailCount != 1 || line.FailingStep != "test" {
		t.Fatalf("line = %+v, %v, %v", line, ok, err)
	}
	if seen, err := s.BuildSeen(ctx, "octo/demo", 42); err != nil || !seen {
		t.Fatalf("seen = %v, %v", seen, err)
	}
	if p, err := s.Pending(ctx); err != nil || len(p) != 0 {
		t.Fatalf("pending = %+v, %v", p, err)
	}
	h, err := s.History(ctx, t0, t0.Add(time.Second), nil)
	if err != nil || len(h) != 1 || h[0].Status != "failure" {
		t.Fatalf("history = %+v, %v", h, err)
	}
	ds, err := s.Due(ctx, t0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var dests []string
	for _, d := range ds {
		dests = append(dests, d.Destination)
	}
	if !slices.Equal(dests, []string{"team-wecom", "oncall-mail"}) {
		t.Fatalf("queued = %v", dests)
	}
}

func TestFinishBuildRollsBackOnError(t *testing.T) {
	s, _, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	f := FinishedBuild{
		Repo: "octo/demo", Number: 7,
		Line:       &Line{Repo: "octo/demo", Branch: "main", Red: true},
		Deliveries: []Delivery{{Key: "", Destination: "team-wecom"}}, // invalid
	}
	if _, _, err := s.FinishBuild(ctx, f); err == nil {
		t.Fatal("FinishBuild with a bad delivery succeeded")
	}
	if seen, err := s.BuildSeen(ctx, "octo/demo", 7); err != nil || seen {
		t.Fatalf("seen after rollback = %v, %v", seen, err)
	}
	if _, ok, err := s.GetLine(ctx, "octo/demo", "main"); err != nil || ok {
		t.Fatalf("line after rollback: ok=%v err=%v", ok, err)
	}
}
