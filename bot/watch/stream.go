package watch

import (
	"context"
	"time"

	"github.com/dronebot/dronebot/drone"
)

// Reconnect waits of the event stream: from the first to the longest.
const (
	streamRetryMin = time.Second
	streamRetryMax = time.Minute
)

// follow reads the server's event stream until ctx ends, reconnecting
// with backoff, and processes each build as it finishes: the events carry
// the stages and steps, so no request is needed but the failed step's log.
// Each time the stream opens it asks Run for a cycle on wake.
func (w *Watcher) follow(ctx context.Context, wake chan<- struct{}) {
	retry, lastErr := streamRetryMin, ""
	for ctx.Err() == nil {
		err := w.opts.Client.WatchBuilds(ctx, func() {
			retry = streamRetryMin
			if lastErr != "" {
				w.log.Info("event stream works again")
				lastErr = ""
			}
			select {
			case wake <- struct{}{}:
			default:
			}
		}, func(slug string, b *drone.Build) { w.streamed(ctx, slug, b) })
		if ctx.Err() != nil {
			return
		}
		if drone.KindOf(err) == drone.KindNotImplemented {
			w.log.Warn("the server has no event stream; polling every interval instead", "interval", w.opts.Interval)
			w.noStream.Store(true)
			select { // a cycle now, and from then on at Interval
			case wake <- struct{}{}:
			default:
			}
			return
		}
		msg := "the server closed it"
		if err != nil {
			msg = err.Error()
		}
		if msg != lastErr {
			w.log.Warn("event stream broken, reconnecting", "err", msg, "wait", retry)
			lastErr = msg
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(retry):
		}
		retry = min(2*retry, streamRetryMax)
	}
}

// streamed processes a build the stream reported, once it has finished.
// A failure leaves it to the next poll, which finds it unprocessed.
func (w *Watcher) streamed(ctx context.Context, slug string, b *drone.Build) {
	if !b.Status.Done() || !matchAny(w.opts.Repos, slug) {
		return
	}
	if seen, err := w.pipeline.Seen(ctx, slug, b.Number); err != nil || seen {
		return
	}
	if _, err := w.pipeline.Process(ctx, slug, b, false); err != nil {
		w.log.Warn("stream: processing a finished build failed; the next poll retries", "repo", slug, "build", b.Number, "err", err)
		return
	}
	w.pipeline.found("stream")
}
