package delivery

import (
	"sync"
	"time"
)

// Window is a sliding-window rate limit: at most N sends in any Per.
// A zero N means unlimited.
type Window struct {
	N   int
	Per time.Duration
}

// limiter tracks the send times of one destination inside its window.
// Unlike a token bucket it never allows a second burst right after the
// first: the platform counts "20 in any 60 s", and so do we.
type limiter struct {
	mu    sync.Mutex
	win   Window
	sends []time.Time // oldest first, only those inside the window
}

func newLimiter(w Window) *limiter { return &limiter{win: w} }

// wait reports how long to wait before n more platform messages are allowed
// at now (0: allowed now).
func (l *limiter) wait(now time.Time, n int) time.Duration {
	if l.win.N <= 0 || l.win.Per <= 0 {
		return 0
	}
	n = min(max(n, 1), l.win.N)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.expire(now)
	over := len(l.sends) + n - l.win.N
	if over <= 0 {
		return 0
	}
	return l.sends[over-1].Add(l.win.Per).Sub(now)
}

// taken records n platform messages sent at now.
func (l *limiter) taken(now time.Time, n int) {
	if l.win.N <= 0 || l.win.Per <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.expire(now)
	for range max(n, 1) {
		l.sends = append(l.sends, now)
	}
}

// free is how many sends the window allows right now.
func (l *limiter) free(now time.Time) int {
	if l.win.N <= 0 || l.win.Per <= 0 {
		return int(^uint(0) >> 1)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.expire(now)
	return l.win.N - len(l.sends)
}

func (l *limiter) expire(now time.Time) {
	i := 0
	for i < len(l.sends) && !l.sends[i].Add(l.win.Per).After(now) {
		i++
	}
	l.sends = l.sends[i:]
}
