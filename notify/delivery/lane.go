package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// MaxRetryWait is the longest a destination waits before its next try,
// whatever the platform asked: a Retry-After of a year (or one past the
// end of time) must not silence a destination.
const MaxRetryWait = 10 * time.Minute

// maxMerged is how many alerts one merged message carries at most, so that
// every build is still named within a chat platform's size limit.
const maxMerged = 20

// pending is one due item with its decoded message.
type pending struct {
	Item
	msg *notify.Message
}

// runLane sends one destination's due items in order. It stops at the first
// item that must wait (rate limit or retry), so order is kept. When more
// alerts are due than the rate limit lets through now, or when they are
// old news, neighbouring alerts are merged into one message: every build
// is named, none is dropped and none trickles out late.
func (w *Worker) runLane(dest string, items []Item) {
	lim := w.limiterFor(dest)
	// The outbox bookkeeping must not be cut short by a cancelled send:
	// it is what keeps the queue consistent.
	book, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	log := w.Logger.With("destination", dest)

	sink, ok := w.Sink(dest)
	var queue []pending
	for _, it := range items {
		now := w.Now()
		switch msg, err := decode(it); {
		case w.MaxAge > 0 && now.Sub(it.Created) > w.MaxAge:
			reason := fmt.Sprintf("older than delivery.max_age (%s)", w.MaxAge)
			log.Warn("message dropped: "+reason, "key", it.Key, "created", it.Created)
			w.drop(book, log, dest, it, reason, ResultExpired)
		case !ok:
			reason := "no sink named " + dest + " is configured"
			log.Error("message dropped: "+reason, "key", it.Key)
			w.drop(book, log, dest, it, reason, ResultFailed)
		case err != nil:
			log.Error("message dropped: its stored payload is unreadable", "key", it.Key, "err", err)
			w.drop(book, log, dest, it, "unreadable payload", ResultFailed)
		default:
			queue = append(queue, pending{it, msg})
		}
	}

	for len(queue) > 0 {
		if w.stopping.Load() || w.sendCtx.Err() != nil {
			return // shutting down: what is left stays queued
		}
		now := w.Now()
		group := w.group(queue, lim.free(now))
		msg := merge(group)
		cost := notify.CostOf(sink, msg)
		if lim.wait(now, cost) > 0 {
			return // the window is full: the rest waits, in order
		}
		if !w.sendGroup(book, log, dest, sink, group, msg, lim, cost) {
			return // later items wait behind this one
		}
		queue = queue[len(group):]
	}
}

// group picks the items sent as one message from the head of queue: one
// item, or a run of alerts when they are old news or when more are due than
// free sends remain.
func (w *Worker) group(queue []pending, free int) []pending {
	head := queue[0]
	if len(head.msg.Alerts) == 0 {
		return queue[:1]
	}
	burst := len(queue) > free
	if !head.msg.Summary && !burst {
		return queue[:1]
	}
	n := 1
	for n < len(queue) && n < maxMerged {
		next := queue[n].msg
		if len(next.Alerts) == 0 || (head.msg.Summary && !next.Summary) || (!burst && !next.Summary) {
			break
		}
		n++
	}
	return queue[:n]
}

// merge is the message for a group: the item's own, or one carrying every
// alert of the group.
func merge(group []pending) *notify.Message {
	if len(group) == 1 {
		return group[0].msg
	}
	m := &notify.Message{ID: fmt.Sprintf("%s+%d", group[0].msg.ID, len(group)-1), Lang: group[0].msg.Lang,
		Summary: group[0].msg.Summary}
	for _, p := range group {
		m.Alerts = append(m.Alerts, p.msg.Alerts...)
	}
	return m
}

// sendGroup sends msg and records the result for every item of the group.
// It reports whether the lane may go on.
func (w *Worker) sendGroup(book context.Context, log logger, dest string, sink notify.Sink, group []pending,
	msg *notify.Message, lim *limiter, cost int) bool {
	attempted := false
	// Record the attempt before sending: if the process dies mid-send the
	// next start knows a copy may already be there.
	for _, p := range group {
		if err := w.Outbox.MarkAttempt(book, p.ID); err != nil {
			log.Error("outbox write failed; not sending", "err", err)
			return false
		}
		attempted = attempted || p.Attempted
	}
	lim.taken(w.Now(), cost)
	err := w.send(sink, msg)
	if errors.Is(err, notify.ErrPartlyDelivered) {
		log.Warn("message delivered, but a follow-up failed", "id", msg.ID, "err", err)
		err = nil
	}
	if attempted || notify.IsAmbiguous(err) {
		w.result(dest, ResultAmbiguous)
	}
	switch {
	case err == nil:
		for _, p := range group {
			w.mark(log, w.Outbox.MarkSent(book, p.ID, w.Now()))
			w.result(dest, ResultSent)
		}
		return true
	case notify.IsPermanent(err):
		log.Error("message refused for good", "id", msg.ID, "err", err)
		for _, p := range group {
			w.drop(book, log, dest, p.Item, err.Error(), ResultFailed)
		}
		if w.OnFailed != nil {
			w.OnFailed(dest, err)
		}
		return true
	default:
		delay, ok := notify.RetryDelay(err)
		if !ok {
			delay = backoff(group[0].Attempts + 1)
		}
		if delay > MaxRetryWait {
			if w.firstCap(dest) {
				log.Warn("the destination asked to wait "+longWait(delay)+"; waiting the cap of "+MaxRetryWait.String()+" instead",
					"id", msg.ID)
			}
			delay = MaxRetryWait
		}
		log.Warn("send failed; will retry", "id", msg.ID, "in", delay, "err", err)
		for _, p := range group {
			w.mark(log, w.Outbox.MarkRetry(book, p.ID, w.Now().Add(delay), err.Error()))
			w.result(dest, ResultRetry)
		}
		return false
	}
}

// longWait says how long a wait was asked, in words for the absurd ones.
func longWait(d time.Duration) string {
	if d >= 365*24*time.Hour {
		return "a year or more"
	}
	return d.Round(time.Second).String()
}

// firstCap reports whether dest's wait is capped for the first time, so
// the cap is logged once per destination, not at every retry.
func (w *Worker) firstCap(dest string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.capped[dest] {
		return false
	}
	w.capped[dest] = true
	return true
}

func decode(it Item) (*notify.Message, error) {
	var m notify.Message
	if err := json.Unmarshal(it.Payload, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

func (w *Worker) drop(book context.Context, log logger, dest string, it Item, reason string, r Result) {
	w.mark(log, w.Outbox.MarkDropped(book, it.ID, reason))
	w.result(dest, r)
}

type logger interface {
	Error(string, ...any)
	Warn(string, ...any)
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

func (w *Worker) mark(log logger, err error) {
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
