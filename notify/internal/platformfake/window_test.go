package platformfake

import (
	"testing"
	"time"
)

func TestWindowAdmit(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	type try struct {
		key    string
		at     time.Duration // after t0
		wantOK bool
		wait   time.Duration
	}
	tests := []struct {
		name  string
		limit int
		span  time.Duration
		tries []try
	}{
		{"two per minute, sliding", 2, time.Minute, []try{
			{"a", 0, true, 0},
			{"a", 10 * time.Second, true, 0},
			{"a", 59 * time.Second, false, time.Second},
			{"a", 60 * time.Second, true, 0}, // the first left the window
			{"a", 61 * time.Second, false, 9 * time.Second},
		}},
		{"keys are independent", 1, time.Second, []try{
			{"a", 0, true, 0},
			{"b", 0, true, 0},
			{"a", 500 * time.Millisecond, false, 500 * time.Millisecond},
			{"a", time.Second, true, 0},
		}},
		{"refusals are not counted", 1, time.Minute, []try{
			{"a", 0, true, 0},
			{"a", 30 * time.Second, false, 30 * time.Second},
			{"a", 60 * time.Second, true, 0},
		}},
		{"limit zero refuses everything", 0, time.Minute, []try{
			{"a", 0, false, 0},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var w Window
			for i, tr := range tc.tries {
				ok, wait := w.Admit(tr.key, t0.Add(tr.at), tc.limit, tc.span)
				if ok != tr.wantOK || wait != tr.wait {
					t.Fatalf("try %d: Admit = %v, %v; want %v, %v", i, ok, wait, tr.wantOK, tr.wait)
				}
			}
		})
	}
}

func TestWindowPruneWithinAddReset(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	var w Window
	if n := w.Prune("k", t0, time.Minute); n != 0 {
		t.Fatalf("Prune of an unknown key = %d, want 0", n)
	}
	for _, at := range []time.Duration{0, 30 * time.Second, 59500 * time.Millisecond, 59900 * time.Millisecond} {
		w.Add("k", t0.Add(at))
	}
	w.Add("other", t0)
	now := t0.Add(60 * time.Second)
	if n := w.Within("k", now, time.Second); n != 2 {
		t.Fatalf("Within a second = %d, want 2", n)
	}
	if n := w.Prune("k", now, time.Minute); n != 3 {
		t.Fatalf("Prune = %d, want 3 (the event a minute old leaves)", n)
	}
	if n := w.Within("k", now, time.Hour); n != 3 {
		t.Fatalf("Within after Prune = %d, want 3", n)
	}
	w.Reset("k")
	if n := w.Within("k", now, time.Hour); n != 0 {
		t.Fatalf("Within after Reset = %d, want 0", n)
	}
	if n := w.Within("other", now, time.Hour); n != 1 {
		t.Fatalf("Reset touched another key: Within = %d, want 1", n)
	}
}
