package platformfake

import (
	"sync"
	"time"
)

// Window keeps, per key, the times of recent events for sliding-window rate
// limits: N in any span, not N per calendar minute. Callers pass the time
// so that the fake's own Clock drives it.
type Window struct {
	mu   sync.Mutex
	sent map[string][]time.Time
}

// Prune forgets the events of key that are span or more before now and
// returns how many are left.
func (w *Window) Prune(key string, now time.Time, span time.Duration) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.prune(key, now, span))
}

func (w *Window) prune(key string, now time.Time, span time.Duration) []time.Time {
	if w.sent == nil {
		w.sent = map[string][]time.Time{}
	}
	kept := w.sent[key][:0]
	for _, at := range w.sent[key] {
		if now.Sub(at) < span {
			kept = append(kept, at)
		}
	}
	w.sent[key] = kept
	return kept
}

// Within counts the events of key less than span before now.
func (w *Window) Within(key string, now time.Time, span time.Duration) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, at := range w.sent[key] {
		if now.Sub(at) < span {
			n++
		}
	}
	return n
}

// Add records an event of key at now.
func (w *Window) Add(key string, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.sent == nil {
		w.sent = map[string][]time.Time{}
	}
	w.sent[key] = append(w.sent[key], now)
}

// Admit records an event of key at now unless limit events already fall in
// the span before it; then it returns false and how long until the oldest
// of them leaves the window.
func (w *Window) Admit(key string, now time.Time, limit int, span time.Duration) (bool, time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	kept := w.prune(key, now, span)
	if len(kept) >= limit {
		if len(kept) == 0 {
			return false, 0
		}
		return false, span - now.Sub(kept[0])
	}
	w.sent[key] = append(kept, now)
	return true, 0
}

// Reset forgets every event of key.
func (w *Window) Reset(key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.sent, key)
}
