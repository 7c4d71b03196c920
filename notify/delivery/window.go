package delivery

import (
	"sync"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// Window is a sliding-window rate limit: at most N sends in any Per, as
// a sink declares it (notify.RateLimited) or bot.yaml sets it.
type Window = notify.Window

// limiter enforces every window of one destination (Feishu, say, allows 5
// a second and 100 a minute). Unlike a token bucket, a sliding window never
// allows a second burst right after the first: the platform counts "20 in
// any 60 s", and so do we.
type limiter struct {
	mu   sync.Mutex
	wins []*window
}

type window struct {
	Window
	sends []time.Time // oldest first, only those inside the window
}

func newLimiter(ws ...Window) *limiter {
	l := &limiter{}
	for _, w := range ws {
		if w.N > 0 && w.Per > 0 {
			l.wins = append(l.wins, &window{Window: w})
		}
	}
	return l
}

// wait reports how long to wait before n more platform messages are
// allowed at now (0: allowed now).
func (l *limiter) wait(now time.Time, n int) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var longest time.Duration
	for _, w := range l.wins {
		w.expire(now)
		k := min(max(n, 1), w.N)
		if over := len(w.sends) + k - w.N; over > 0 {
			longest = max(longest, w.sends[over-1].Add(w.Per).Sub(now))
		}
	}
	return longest
}

// taken records n platform messages sent at now.
func (l *limiter) taken(now time.Time, n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, w := range l.wins {
		w.expire(now)
		for range max(n, 1) {
			w.sends = append(w.sends, now)
		}
	}
}

// free is how many sends all windows allow right now.
func (l *limiter) free(now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	free := int(^uint(0) >> 1)
	for _, w := range l.wins {
		w.expire(now)
		free = min(free, w.N-len(w.sends))
	}
	return free
}

func (w *window) expire(now time.Time) {
	i := 0
	for i < len(w.sends) && !w.sends[i].Add(w.Per).After(now) {
		i++
	}
	w.sends = w.sends[i:]
}
