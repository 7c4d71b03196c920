// Package platformfake is the machinery every platform fake shares: an
// injectable clock, a queue of forced faults, sliding rate windows per key,
// recorded messages with a request count, and requests left hanging until
// the client gives up or the fake closes. Every type is safe for concurrent
// use and ready at its zero value.
package platformfake

import (
	"context"
	"sync"
	"time"
)

// Clock is a replaceable source of the current time.
type Clock struct {
	mu  sync.Mutex
	now func() time.Time
}

// Set replaces the clock; nil restores the wall clock.
func (c *Clock) Set(now func() time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = now
}

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	now := c.now
	c.mu.Unlock()
	if now == nil {
		return time.Now()
	}
	return now()
}

// Recorder keeps the accepted messages and counts every request.
type Recorder[M any] struct {
	mu       sync.Mutex
	messages []M
	requests int
}

// Hit counts one request, accepted or not.
func (r *Recorder[M]) Hit() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
}

// Add records an accepted message.
func (r *Recorder[M]) Add(m M) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.messages = append(r.messages, m)
}

// Messages returns a copy of the recorded messages, oldest first.
func (r *Recorder[M]) Messages() []M {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]M(nil), r.messages...)
}

// Requests is the number of Hit calls.
func (r *Recorder[M]) Requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests
}

// Faults is a queue of answers forced onto upcoming requests. A hang sits
// in the same queue: it is taken by the next accepted request rather than
// the next arriving one, so it blocks forced answers queued after it.
type Faults[F any] struct {
	mu    sync.Mutex
	queue []queued[F]
}

type queued[F any] struct {
	fault F
	hang  bool
}

// Push queues f for the next n requests.
func (q *Faults[F]) Push(n int, f F) { q.push(n, queued[F]{fault: f}) }

// PushHang queues n hangs.
func (q *Faults[F]) PushHang(n int) { q.push(n, queued[F]{hang: true}) }

func (q *Faults[F]) push(n int, e queued[F]) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for range n {
		q.queue = append(q.queue, e)
	}
}

// Take pops the forced answer at the head of the queue; it reports false
// when the queue is empty or a hang is first in line.
func (q *Faults[F]) Take() (F, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var zero F
	if len(q.queue) == 0 || q.queue[0].hang {
		return zero, false
	}
	f := q.queue[0].fault
	q.queue = q.queue[1:]
	return f, true
}

// TakeHang pops the hang at the head of the queue, if one is there.
func (q *Faults[F]) TakeHang() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.queue) == 0 || !q.queue[0].hang {
		return false
	}
	q.queue = q.queue[1:]
	return true
}

// Hangs holds requests that were accepted but are never answered.
type Hangs struct {
	mu     sync.Mutex
	quit   chan struct{}
	closed bool
}

func (h *Hangs) done() chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.quit == nil {
		h.quit = make(chan struct{})
	}
	return h.quit
}

// Wait blocks until ctx, the request's context, ends or Release is called.
func (h *Hangs) Wait(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-h.done():
	}
}

// Release frees every waiting request and every later one; a test server
// cannot close while a handler still blocks.
func (h *Hangs) Release() {
	quit := h.done()
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		close(quit)
		h.closed = true
	}
}
