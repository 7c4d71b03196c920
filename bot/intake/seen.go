package intake

import (
	"context"
	"sync"
	"time"
)

// Keys keeps delivery keys across restarts (the store).
type Keys interface {
	// RememberRequest records key until at+ttl and reports whether it was
	// there already.
	RememberRequest(ctx context.Context, key string, at time.Time, ttl time.Duration) (bool, error)
}

// Seen remembers delivery keys (signed Slack requests, Socket Mode envelope
// ids, WeCom MsgIds) for a while, so that a replay or a platform's
// redelivery of one request runs its command once. In memory it is
// bounded: past size keys the oldest is forgotten first. With Persist the
// keys are kept in the store as well, so a restart forgets none.
type Seen struct {
	size int
	ttl  time.Duration

	keys   Keys
	prefix string      // keeps one intake's keys apart from another's in the store
	onErr  func(error) // the store could not be asked: the request is run

	mu    sync.Mutex
	at    map[string]time.Time
	order []string // insertion order, oldest first
}

// NewSeen remembers up to size keys, each for ttl.
func NewSeen(size int, ttl time.Duration) *Seen {
	return &Seen{size: size, ttl: ttl, at: make(map[string]time.Time, size)}
}

// Persist keeps the keys in k too, under prefix. onErr is told when k
// fails; the request is then taken as new (run rather than lost).
func (s *Seen) Persist(k Keys, prefix string, onErr func(error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys, s.prefix, s.onErr = k, prefix, onErr
}

// Before records key and reports whether it was already there.
func (s *Seen) Before(key string, now time.Time) bool {
	if s.inMemory(key, now) {
		return true
	}
	s.mu.Lock()
	keys, prefix, onErr := s.keys, s.prefix, s.onErr
	s.mu.Unlock()
	if keys == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	seen, err := keys.RememberRequest(ctx, prefix+key, now, s.ttl)
	if err != nil {
		if onErr != nil {
			onErr(err)
		}
		return false
	}
	return seen
}

// inMemory records key in memory and reports whether it was there.
func (s *Seen) inMemory(key string, now time.Time) bool {
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
