package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// runLane sends one destination's due items in order. It stops at the first
// item that must wait (rate limit or retry), so order is kept.
func (w *Worker) runLane(dest string, items []Item) {
	lim := w.limiterFor(dest)
	// The outbox bookkeeping must not be cut short by a cancelled send:
	// it is what keeps the queue consistent.
	book, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	log := w.Logger.With("destination", dest)

	for _, it := range items {
		if w.stopping.Load() || w.sendCtx.Err() != nil {
			return // shutting down: what is left stays queued
		}
		now := w.Now()
		if w.MaxAge > 0 && now.Sub(it.Created) > w.MaxAge {
			reason := fmt.Sprintf("older than delivery.max_age (%s)", w.MaxAge)
			log.Warn("message dropped: "+reason, "key", it.Key, "created", it.Created)
			w.mark(log, w.Outbox.MarkDropped(book, it.ID, reason))
			w.result(dest, ResultExpired)
			continue
		}
		sink, ok := w.Sink(dest)
		if !ok {
			reason := "no sink named " + dest + " is configured"
			log.Error("message dropped: "+reason, "key", it.Key)
			w.mark(log, w.Outbox.MarkDropped(book, it.ID, reason))
			w.result(dest, ResultFailed)
			continue
		}
		var msg notify.Message
		if err := json.Unmarshal(it.Payload, &msg); err != nil {
			log.Error("message dropped: its stored payload is unreadable", "key", it.Key, "err", err)
			w.mark(log, w.Outbox.MarkDropped(book, it.ID, "unreadable payload"))
			w.result(dest, ResultFailed)
			continue
		}
		cost := 1
		if c, ok := sink.(notify.Coster); ok {
			cost = c.Cost(&msg)
		}
		if lim.wait(now, cost) > 0 {
			return // the window is full: the rest waits, in order
		}
		// Record the attempt before sending: if the process dies mid-send
		// the next start knows a copy may already be there.
		if err := w.Outbox.MarkAttempt(book, it.ID); err != nil {
			log.Error("outbox write failed; not sending", "err", err)
			return
		}
		lim.taken(now, cost)
		err := w.send(sink, &msg)
		if errors.Is(err, notify.ErrPartlyDelivered) {
			log.Warn("message delivered, but a follow-up failed", "key", it.Key, "err", err)
			err = nil
		}
		if it.Attempted || notify.IsAmbiguous(err) {
			w.result(dest, ResultAmbiguous)
		}
		switch {
		case err == nil:
			w.mark(log, w.Outbox.MarkSent(book, it.ID, w.Now()))
			w.result(dest, ResultSent)
		case notify.IsPermanent(err):
			log.Error("message refused for good", "key", it.Key, "err", err)
			w.mark(log, w.Outbox.MarkDropped(book, it.ID, err.Error()))
			w.result(dest, ResultFailed)
			if w.OnFailed != nil {
				w.OnFailed(dest, err)
			}
		default:
			delay, ok := notify.RetryDelay(err)
			if !ok {
				delay = backoff(it.Attempts + 1)
			}
			log.Warn("send failed; will retry", "key", it.Key, "in", delay, "err", err)
			w.mark(log, w.Outbox.MarkRetry(book, it.ID, w.Now().Add(delay), err.Error()))
			w.result(dest, ResultRetry)
			return // later items wait behind this one
		}
	}
}

func (w *Worker) send(sink notify.Sink, m *notify.Message) (err error) {
	ctx, cancel := context.WithTimeout(w.sendCtx, w.SendTimeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("sink %s panicked: %v", sink.Name(), r)
		}
	}()
	return sink.Send(ctx, m)
}

func (w *Worker) mark(log interface{ Error(string, ...any) }, err error) {
	if err != nil {
		log.Error("outbox write failed", "err", err)
	}
}

func (w *Worker) result(dest string, r Result) {
	if w.OnResult != nil {
		w.OnResult(dest, r)
	}
}

// backoff is the wait before attempt n (n >= 1): 5 s doubling, at most 5 min.
func backoff(n int) time.Duration {
	d := 5 * time.Second
	for i := 1; i < n && d < 5*time.Minute; i++ {
		d *= 2
	}
	return min(d, 5*time.Minute)
}
