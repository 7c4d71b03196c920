package platformfake

import (
	"context"
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	var c Clock
	if got := c.Now(); time.Since(got).Abs() > time.Minute {
		t.Fatalf("zero Clock should read the wall clock, got %v", got)
	}
	fixed := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	c.Set(func() time.Time { return fixed })
	if got := c.Now(); !got.Equal(fixed) {
		t.Fatalf("Now = %v, want %v", got, fixed)
	}
	c.Set(nil)
	if got := c.Now(); got.Equal(fixed) {
		t.Fatal("Set(nil) should restore the wall clock")
	}
}

func TestRecorder(t *testing.T) {
	var r Recorder[string]
	r.Hit()
	r.Hit()
	r.Add("a")
	r.Hit()
	r.Add("b")
	got := r.Messages()
	if len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("Messages = %q, want [a b]", got)
	}
	got[0] = "changed"
	if r.Messages()[0] != "a" {
		t.Fatal("Messages must return a copy")
	}
	if r.Requests() != 3 {
		t.Fatalf("Requests = %d, want 3", r.Requests())
	}
}

func TestFaults(t *testing.T) {
	type step struct {
		op   string // "take" or "hang"
		want any    // the fault taken, or the hang flag; nil: nothing taken
	}
	tests := []struct {
		name  string
		setup func(q *Faults[int])
		steps []step
	}{
		{"empty", func(*Faults[int]) {}, []step{{"take", nil}, {"hang", false}}},
		{"forced answers in order", func(q *Faults[int]) { q.Push(2, 500); q.Push(1, 429) },
			[]step{{"hang", false}, {"take", 500}, {"take", 500}, {"take", 429}, {"take", nil}}},
		{"hang at the head blocks forced answers", func(q *Faults[int]) { q.PushHang(1); q.Push(1, 503) },
			[]step{{"take", nil}, {"take", nil}, {"hang", true}, {"hang", false}, {"take", 503}}},
		{"forced answer before a hang", func(q *Faults[int]) { q.Push(1, 502); q.PushHang(2) },
			[]step{{"hang", false}, {"take", 502}, {"hang", true}, {"hang", true}, {"hang", false}}},
		{"zero or negative n queues nothing", func(q *Faults[int]) { q.Push(0, 500); q.PushHang(-1) },
			[]step{{"take", nil}, {"hang", false}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var q Faults[int]
			tc.setup(&q)
			for i, s := range tc.steps {
				switch s.op {
				case "take":
					f, ok := q.Take()
					if s.want == nil && ok || s.want != nil && (!ok || f != s.want) {
						t.Fatalf("step %d: Take = %d, %v; want %v", i, f, ok, s.want)
					}
				case "hang":
					if got := q.TakeHang(); got != s.want {
						t.Fatalf("step %d: TakeHang = %v, want %v", i, got, s.want)
					}
				}
			}
		})
	}
}

func TestHangsWaitEndsWithContext(t *testing.T) {
	var h Hangs
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.Wait(ctx); close(done) }()
	cancel()
	waitOrFail(t, done, "Wait did not return after its context was cancelled")
}

// waitOrFail fails the test with msg when done is not closed soon, rather
// than letting a hang run into the test binary's timeout.
func waitOrFail(t *testing.T, done <-chan struct{}, msg string) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal(msg)
	}
}

func TestHangsReleaseFreesWaitersAndLaterOnes(t *testing.T) {
	var h Hangs
	done := make(chan struct{})
	go func() { h.Wait(context.Background()); close(done) }()
	h.Release()
	waitOrFail(t, done, "Release did not free a waiting Wait")
	h.Release() // a second release must not panic
	later := make(chan struct{})
	go func() { h.Wait(context.Background()); close(later) }()
	waitOrFail(t, later, "a Wait after Release blocked")
}
