package bot

import (
	"context"
	"hash/fnv"
	"strconv"
	"time"

	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/notify/delivery"
)

// The outbox and the subscriptions are seen by packages below bot
// (notify/delivery, commands), which cannot name the store's types; these
// adapters give each the interface it declared.

// outboxAdapter is the store seen as the delivery worker's Outbox.
type outboxAdapter struct{ s *store.Store }

var _ delivery.Outbox = outboxAdapter{}

func (o outboxAdapter) Due(ctx context.Context, now time.Time, limit int) ([]delivery.Item, error) {
	ds, err := o.s.Due(ctx, now, limit)
	if err != nil {
		return nil, err
	}
	items := make([]delivery.Item, len(ds))
	for i, d := range ds {
		items[i] = delivery.Item{ID: d.ID, Key: d.Key, Destination: d.Destination, Payload: d.Payload,
			Created: d.Created, Attempts: d.Attempts, Attempted: d.Attempted}
	}
	return items, nil
}

func (o outboxAdapter) MarkAttempt(ctx context.Context, id int64) error {
	return o.s.MarkAttempt(ctx, id)
}
func (o outboxAdapter) MarkSent(ctx context.Context, id int64, at time.Time) error {
	return o.s.MarkSent(ctx, id, at)
}
func (o outboxAdapter) MarkRetry(ctx context.Context, id int64, next time.Time, lastErr string) error {
	return o.s.MarkRetry(ctx, id, next, lastErr)
}
func (o outboxAdapter) MarkDropped(ctx context.Context, id int64, reason string) error {
	return o.s.MarkDropped(ctx, id, reason)
}

// subscriptionsAdapter is the store seen as the commands' Subscriptions.
type subscriptionsAdapter struct{ s *store.Store }

var _ commands.Subscriptions = subscriptionsAdapter{}

func (a subscriptionsAdapter) Subscribe(ctx context.Context, sub commands.Subscription) (commands.Subscription, error) {
	got, err := a.s.AddSubscription(ctx, store.Subscription{Platform: sub.Conversation.Platform,
		Conversation: sub.Conversation.ID, Repos: sub.Repos, Branches: sub.Branches, On: sub.On,
		Subscriber: sub.By.String()})
	if err != nil {
		return commands.Subscription{}, err
	}
	return fromStoreSub(got), nil
}

func (a subscriptionsAdapter) Unsubscribe(ctx context.Context, c commands.Conversation, repos, branch string) (int, error) {
	return a.s.RemoveSubscriptions(ctx, c.Platform, c.ID, repos, branch)
}

func (a subscriptionsAdapter) List(ctx context.Context, c commands.Conversation) ([]commands.Subscription, error) {
	subs, err := a.s.Subscriptions(ctx, c.Platform, c.ID)
	if err != nil {
		return nil, err
	}
	out := make([]commands.Subscription, len(subs))
	for i, s := range subs {
		out[i] = fromStoreSub(s)
	}
	return out, nil
}

func fromStoreSub(s store.Subscription) commands.Subscription {
	by, _ := commands.ParseIdentity(s.Subscriber)
	return commands.Subscription{ID: s.ID, Conversation: commands.Conversation{Platform: s.Platform, ID: s.Conversation},
		Repos: s.Repos, Branches: s.Branches, On: s.On, By: by}
}

// deliveryID is a stable id for one (alert, destination): a retried or
// replayed send carries the same X-Dronebot-Delivery.
func deliveryID(key, dest string) string {
	h := fnv.New64a()
	h.Write([]byte(key + "\x00" + dest))
	return strconv.FormatUint(h.Sum64(), 36)
}
