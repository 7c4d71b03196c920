package delivery

import (
	"testing"
	"time"
)

func TestLimiterHonoursEveryWindow(t *testing.T) {
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	l := newLimiter(Window{N: 5, Per: time.Second}, Window{N: 100, Per: time.Minute})
	now := start
	sent := 0
	var times []time.Time
	for now.Before(start.Add(2 * time.Minute)) {
		if l.wait(now, 1) == 0 {
			l.taken(now, 1)
			sent++
			times = append(times, now)
			continue
		}
		now = now.Add(50 * time.Millisecond)
	}
	for i := range times {
		inSecond, inMinute := 0, 0
		for j := i; j < len(times); j++ {
			if times[j].Sub(times[i]) < time.Second {
				inSecond++
			}
			if times[j].Sub(times[i]) < time.Minute {
				inMinute++
			}
		}
		if inSecond > 5 || inMinute > 100 {
			t.Fatalf("from %s: %d in a second, %d in a minute", times[i], inSecond, inMinute)
		}
	}
	if sent != 200 {
		t.Errorf("sent %d in two minutes, want 200 (100 a minute)", sent)
	}
	if got := newLimiter().free(start); got <= 1<<30 {
		t.Errorf("an unlimited destination has %d free sends", got)
	}
}

func TestLimiterCountsMultiMessageSends(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	l := newLimiter(Window{N: 20, Per: time.Minute})
	for i := 0; i < 9; i++ {
		l.taken(now, 2) // an alert and its mention
	}
	if l.wait(now, 2) != 0 || l.free(now) != 2 {
		t.Fatalf("after 18 messages: wait %s, free %d", l.wait(now, 2), l.free(now))
	}
	l.taken(now, 2)
	if w := l.wait(now.Add(30*time.Second), 2); w != 30*time.Second {
		t.Errorf("wait = %s, want 30s until the first pair leaves the window", w)
	}
}
