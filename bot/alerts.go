package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/dronebot/dronebot/bot/route"
	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/notify"
)

// alerter puts the watcher's alerts, routed by its router, in the outbox. Once Emit returns nil the alerts are durable.
type alerter struct {
	store   *store.Store
	router  *route.Router
	maxAge  time.Duration // builds that finished longer ago are summarised
	now     func() time.Time
	wake    func()
	counted func(outcome string)
	// unrouted is told each alert no route or subscription takes; log
	// says which at debug level, so "alerts=1 and nothing sent" can be
	// explained.
	unrouted func(outcome string)
	log      *slog.Logger
}

// Emit queues a's deliveries: every matching route and subscription, once
// per destination. The outbox dedups on (alert ID, destination) for ever,
// so emitting the same alert again (after a crash) queues nothing new.
func (al *alerter) Emit(ctx context.Context, a *notify.Alert) error {
	targets, mentions, err := al.router.Destinations(ctx, a)
	if err != nil {
		return err
	}
	if len(targets) == 0 {
		if al.log != nil {
			al.log.Debug("alert matched no route", "repo", a.Repo, "build", a.Build, "branch", a.Branch,
				"event", a.Event, "outcome", string(a.Outcome))
		}
		if al.unrouted != nil {
			al.unrouted(string(a.Outcome))
		}
		return nil
	}
	// Catch-up: a build that finished longer than delivery.max_age ago is
	// old news, merged with its neighbours into one summary per destination.
	oldNews := al.maxAge > 0 && !a.Finished.IsZero() && al.now().Sub(a.Finished) > al.maxAge
	ds := make([]store.Delivery, 0, len(targets))
	for _, t := range targets {
		one := *a
		one.Mentions = mentions
		one.MentionAuthor = t.MentionAuthor
		one.Lang = t.Lang
		msg := notify.Message{ID: deliveryID(a.ID, t.Dest), Alerts: []*notify.Alert{&one}, Lang: one.Lang, Summary: oldNews}
		payload, err := json.Marshal(&msg)
		if err != nil {
			return fmt.Errorf("encode alert %s: %w", a.ID, err)
		}
		ds = append(ds, store.Delivery{Key: a.ID, Destination: t.Dest, Payload: payload, Created: al.now()})
	}
	res, err := al.store.EnqueueAll(ctx, ds)
	if err != nil {
		return err
	}
	for _, r := range res {
		if r.Queued {
			al.counted(string(a.Outcome))
			break
		}
	}
	al.wake()
	return nil
}
