package intake

import (
	"testing"
	"time"
)

func TestSeen(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	s := NewSeen(3, time.Minute)
	if s.Before("a", now) || !s.Before("a", now.Add(time.Second)) {
		t.Fatal("a second delivery of a must be seen")
	}
	if s.Before("a", now.Add(2*time.Minute)) {
		t.Error("a must be forgotten after the TTL")
	}
	for _, k := range []string{"b", "c", "d", "e"} {
		s.Before(k, now.Add(2*time.Minute))
	}
	if s.Len() != 3 {
		t.Errorf("len = %d, want the bound 3", s.Len())
	}
	if s.Before("b", now.Add(2*time.Minute)) {
		t.Error("the oldest key must have been evicted")
	}
}
