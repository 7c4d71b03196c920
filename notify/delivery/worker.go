// Package delivery is the stage around the sinks: it drains the durable
// outbox, sends each message through its sink at most as fast as the
// destination allows, retries with backoff, drops what is too old, and
// counts the sends that may have arrived twice.
//
// Sinks only render and send; they never sleep, retry or rate-limit.
package delivery

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// Item is one queued message for one destination.
type Item struct {
	ID          int64
	Key         string // what is sent, e.g. "octo/demo#42:failure"
	Destination string // a sink name
	Payload     []byte // a JSON notify.Message
	Created     time.Time
	Attempts    int
	// Attempted says an earlier send started and its result was never
	// recorded: the destination may already have the message.
	Attempted bool
}

// Outbox is the durable queue the worker drains. Due must keep order per
// destination: an item waiting out a retry holds back the later ones.
type Outbox interface {
	Due(ctx context.Context, now time.Time, limit int) ([]Item, error)
	MarkAttempt(ctx context.Context, id int64) error
	MarkSent(ctx context.Context, id int64, at time.Time) error
	MarkRetry(ctx context.Context, id int64, next time.Time, lastErr string) error
	MarkDropped(ctx context.Context, id int64, reason string) error
}

// Result names what became of one send, for metrics.
type Result string

const (
	ResultSent      Result = "sent"
	ResultRetry     Result = "retry"
	ResultFailed    Result = "failed"  // refused for good
	ResultExpired   Result = "expired" // older than MaxAge
	ResultAmbiguous Result = "ambiguous"
)

// Worker drains an Outbox. Its exported fields are its configuration; set
// them before Run.
type Worker struct {
	Outbox Outbox
	// Sink returns the sink for a destination.
	Sink func(dest string) (notify.Sink, bool)
	// Limit is the destination's rate limits (none: unlimited).
	Limit func(dest string) []Window
	// MaxAge drops messages older than this instead of sending them.
	MaxAge time.Duration
	// SendTimeout bounds one send (default 30s).
	SendTimeout time.Duration
	// Poll is how often the outbox is read when nothing wakes the worker
	// (default 1s).
	Poll   time.Duration
	Now    func() time.Time
	Logger *slog.Logger
	// OnResult is told every send's result; OnFailed is told about each
	// message refused for good (for the operators' channel).
	OnResult func(dest string, r Result)
	OnFailed func(dest string, err error)

	once     sync.Once
	wake     chan struct{}
	mu       sync.Mutex
	busy     map[string]bool
	limiters map[string]*limiter
	capped   map[string]bool // destinations whose asked wait was capped (logged once)
	lanes    sync.WaitGroup
	sendCtx  context.Context
	stopSend context.CancelFunc
	stopping atomic.Bool // Run's context ended: start no new sends
}

func (w *Worker) init() {
	w.once.Do(func() {
		w.wake = make(chan struct{}, 1)
		w.busy = map[string]bool{}
		w.limiters = map[string]*limiter{}
		w.capped = map[string]bool{}
		w.sendCtx, w.stopSend = context.WithCancel(context.Background())
		if w.SendTimeout <= 0 {
			w.SendTimeout = 30 * time.Second
		}
		if w.Poll <= 0 {
			w.Poll = time.Second
		}
		if w.Now == nil {
			w.Now = time.Now
		}
		if w.Logger == nil {
			w.Logger = slog.New(slog.DiscardHandler)
		}
	})
}

// Wake asks the worker to read the outbox now (after an enqueue).
func (w *Worker) Wake() {
	w.init()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run dispatches due messages until ctx ends. Sends already started go on;
// Wait lets them finish.
func (w *Worker) Run(ctx context.Context) error {
	w.init()
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	for {
		if err := w.Dispatch(ctx); err != nil && ctx.Err() == nil {
			w.Logger.Warn("outbox read failed", "err", err)
		}
		select {
		case <-ctx.Done():
			w.stopping.Store(true)
			return nil
		case <-w.wake:
		case <-t.C:
		}
	}
}

// Wait blocks until every send in flight has finished, or ctx ends; then
// the sends still running are cancelled and their messages stay queued
// (marked attempted) for the next start.
func (w *Worker) Wait(ctx context.Context) error {
	w.init()
	done := make(chan struct{})
	go func() { w.lanes.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		w.stopSend()
		<-done
		return fmt.Errorf("delivery: sends still running at shutdown were cancelled: %w", ctx.Err())
	}
}

// Dispatch reads the due messages once and starts a lane for every
// destination not already sending. Lanes run concurrently, so a slow
// destination never holds back the others.
func (w *Worker) Dispatch(ctx context.Context) error {
	w.init()
	items, err := w.Outbox.Due(ctx, w.Now(), 1000)
	if err != nil {
		return err
	}
	byDest := map[string][]Item{}
	var order []string
	for _, it := range items {
		if _, seen := byDest[it.Destination]; !seen {
			order = append(order, it.Destination)
		}
		byDest[it.Destination] = append(byDest[it.Destination], it)
	}
	for _, dest := range order {
		w.mu.Lock()
		if w.busy[dest] {
			w.mu.Unlock()
			continue
		}
		w.busy[dest] = true
		w.mu.Unlock()
		w.lanes.Add(1)
		go func(dest string, items []Item) {
			defer w.lanes.Done()
			defer func() {
				w.mu.Lock()
				delete(w.busy, dest)
				w.mu.Unlock()
				// Messages queued while this lane was busy were skipped by
				// Dispatch: look again now rather than at the next poll.
				w.Wake()
			}()
			w.runLane(dest, items)
		}(dest, byDest[dest])
	}
	return nil
}

// Drain dispatches until nothing is left that could be sent now (only
// messages waiting out a retry or a rate limit remain); for tests and
// one-shot commands.
func (w *Worker) Drain(ctx context.Context) error {
	w.init()
	for {
		if err := w.Dispatch(ctx); err != nil {
			return err
		}
		w.lanes.Wait()
		if err := ctx.Err(); err != nil {
			return err
		}
		if w.blockedOnly(ctx) {
			return nil
		}
	}
}

// blockedOnly reports whether everything due is held back by rate limits,
// so Drain would spin.
func (w *Worker) blockedOnly(ctx context.Context) bool {
	items, err := w.Outbox.Due(ctx, w.Now(), 1000)
	if err != nil || len(items) == 0 {
		return true
	}
	now := w.Now()
	for _, it := range items {
		if w.limiterFor(it.Destination).wait(now, 1) == 0 {
			return false
		}
	}
	return true
}

func (w *Worker) limiterFor(dest string) *limiter {
	w.mu.Lock()
	defer w.mu.Unlock()
	l, ok := w.limiters[dest]
	if !ok {
		var wins []Window
		if w.Limit != nil {
			wins = w.Limit(dest)
		}
		l = newLimiter(wins...)
		w.limiters[dest] = l
	}
	return l
}
