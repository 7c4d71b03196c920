package delivery

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// BenchmarkBurst100 drains 100 failing-build alerts queued at once for one
// destination limited to 20 messages in any 60 s, on a fake clock. It
// reports how many messages went out, the most in any 60 s window (must
// stay <= 20) and how many builds they named (must be all 100).
func BenchmarkBurst100(b *testing.B) {
	const burst, limit = 100, 20
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	ids := make([]string, burst)
	for i := range ids {
		ids[i] = fmt.Sprintf("b%03d", i)
	}
	ctx := context.Background()
	var sent, maxWindow, named int
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		clk := &clock{now: start}
		ob := &memOutbox{}
		sink := &alertSink{now: clk.Now}
		w := &Worker{Outbox: ob, Now: clk.Now, MaxAge: 24 * time.Hour,
			Sink:  func(string) (notify.Sink, bool) { return sink, true },
			Limit: func(string) []Window { return []Window{{N: limit, Per: time.Minute}} }}
		for _, id := range ids {
			ob.add(id, "robot", clk.Now(), alertMsg(id, false))
		}
		b.StartTimer()
		// Drain, letting fake time pass while the rate limit holds the rest.
		for step := 0; countNamed(sink) < burst; step++ {
			if step > 60*60 {
				b.Fatalf("after an hour of fake time only %d of %d builds were named", countNamed(sink), burst)
			}
			if err := w.Drain(ctx); err != nil {
				b.Fatal(err)
			}
			clk.add(time.Second)
		}
		b.StopTimer()
		sent, maxWindow, named = len(sink.sends), maxInWindow(sink.times, time.Minute), countNamed(sink)
		if maxWindow > limit || named != burst {
			b.Fatalf("%d messages in one 60 s window (limit %d), %d builds named (want %d)", maxWindow, limit, named, burst)
		}
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(sent), "messages")
	b.ReportMetric(float64(maxWindow), "max-msgs/60s")
	b.ReportMetric(float64(named), "builds-named")
}

// countNamed is how many distinct alerts the sink's messages carried.
func countNamed(s *alertSink) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	for _, ids := range s.sends {
		for _, id := range ids {
			seen[id] = true
		}
	}
	return len(seen)
}

// maxInWindow is the largest number of times (sorted, as the sink records
// them) that fall in any window of length per.
func maxInWindow(times []time.Time, per time.Duration) int {
	most := 0
	for i := range times {
		n := 0
		for j := i; j < len(times) && times[j].Sub(times[i]) < per; j++ {
			n++
		}
		most = max(most, n)
	}
	return most
}
