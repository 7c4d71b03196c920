package store

import (
	"testing"
	"time"
)

func TestRememberRequest(t *testing.T) {
	ctx := testCtx(t)
	s, c, _ := mustOpenTemp(t)
	const ttl = 10 * time.Minute
	for i, tt := range []struct {
		key  string
		at   time.Duration // after t0
		seen bool
	}{
		{"slack:a", 0, false},
		{"slack:a", time.Minute, true},
		{"slack:b", 2 * time.Minute, false},
		{"slack:a", 11 * time.Minute, false}, // expired: a replay this late is refused as stale anyway
	} {
		got, err := s.RememberRequest(ctx, tt.key, t0.Add(tt.at), ttl)
		if err != nil || got != tt.seen {
			t.Fatalf("%d: RememberRequest(%s) = %v, %v; want %v", i, tt.key, got, err, tt.seen)
		}
	}
	// Across a restart.
	s = mustReopen(t, s, c)
	if got, err := s.RememberRequest(ctx, "slack:b", t0.Add(3*time.Minute), ttl); err != nil || !got {
		t.Fatalf("after reopening: seen = %v, %v; want true", got, err)
	}
}
