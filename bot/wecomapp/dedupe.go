package wecomapp

import (
	"sync"
	"time"
)

// seenSet remembers delivery keys (MsgIds) for a while, in memory, so that
// WeCom's retries of one callback run its command once. It is bounded: past
// size keys the oldest is forgotten first. After a restart it is empty; a
// retry arriving across a restart could then run twice, which the replay
// window keeps to a few seconds' worth.
type seenSet struct {
	size int
	ttl  time.Duration

	mu    sync.Mutex
	at    map[string]time.Time
	order []string // insertion order, oldest first
}

func newSeenSet(size int, ttl time.Duration) *seenSet {
	return &seenSet{size: size, ttl: ttl, at: make(map[string]time.Time, size)}
}

// seenBefore records key and reports whether it was already there.
func (s *seenSet) seenBefore(key string, now time.Time) bool {
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

// len is how many keys are remembered.
func (s *seenSet) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.order)
}
