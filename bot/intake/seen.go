package intake

import (
	"sync"
	"time"
)

// Seen remembers delivery keys (WeCom MsgIds, Slack envelope ids) for a
// while, in memory, so that a platform's redelivery of one request runs its
// command once. It is bounded: past size keys the oldest is forgotten
// first. After a restart it is empty; a redelivery arriving across a
// restart could then run twice, which the platforms' replay windows keep
// to a few seconds' worth.
type Seen struct {
	size int
	ttl  time.Duration

	mu    sync.Mutex
	at    map[string]time.Time
	order []string // insertion order, oldest first
}

// NewSeen remembers up to size keys, each for ttl.
func NewSeen(size int, ttl time.Duration) *Seen {
	return &Seen{size: size, ttl: ttl, at: make(map[string]time.Time, size)}
}

// Before records key and reports whether it was already there.
func (s *Seen) Before(key string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Forget expired keys from the front; they are the oldest.
	for len(s.order) > 0 {
		first := s.order[0]
		if at, ok := s.at[first]; ok && now.Sub(at) < s.ttl {
			break
		}
		delete(s.at, first)
		s.order = s.order[1:]
	}
	if _, ok := s.at[key]; ok {
		return true
	}
	if len(s.order) >= s.size {
		delete(s.at, s.order[0])
		s.order = s.order[1:]
	}
	s.at[key] = now
	s.order = append(s.order, key)
	// Let go of the backing array now and then so it does not only grow.
	if cap(s.order) > 4*s.size {
		s.order = append([]string(nil), s.order...)
	}
	return false
}

// Len is how many keys are remembered.
func (s *Seen) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.order)
}
