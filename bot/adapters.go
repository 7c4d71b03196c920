package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/bot/watch"
	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/notify/delivery"
)

// The store has its own record types so it depends on nothing else; these
// adapters give each consumer the interface it declared.

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

// watchState is the store seen as the watcher's State.
type watchState struct{ s *store.Store }

var _ watch.State = watchState{}

const cursorsKey = "watch.cursors"

func (w watchState) FirstRun(ctx context.Context) (time.Time, error) { return w.s.FirstRun(ctx) }

func (w watchState) GetLine(ctx context.Context, repo, branch string) (watch.Line, bool, error) {
	l, ok, err := w.s.GetLine(ctx, repo, branch)
	if err != nil || !ok {
		return watch.Line{}, ok, err
	}
	return watch.Line{Repo: l.Repo, Branch: l.Branch, Red: l.Red, FailCount: l.FailCount, LastBuild: l.LastBuild,
		Since: l.Since, FailingStep: l.FailingStep}, true, nil
}

func (w watchState) BuildSeen(ctx context.Context, repo string, number int64) (bool, error) {
	return w.s.BuildSeen(ctx, repo, number)
}

func (w watchState) CommitBuild(ctx context.Context, line *watch.Line, rec watch.BuildRecord) (bool, error) {
	f := store.FinishedBuild{Repo: rec.Repo, Number: rec.Number, Record: &store.BuildRecord{
		Repo: rec.Repo, Number: rec.Number, Branch: rec.Branch, Event: rec.Event, Status: rec.Status,
		Commit: rec.Commit, Author: rec.Author, FailedStep: rec.FailedStep, Started: rec.Started,
		Finished: rec.Finished, Duration: rec.Duration}}
	if line != nil {
		f.Line = &store.Line{Repo: line.Repo, Branch: line.Branch, Red: line.Red, FailCount: line.FailCount,
			LastBuild: line.LastBuild, Since: line.Since, FailingStep: line.FailingStep}
	}
	applied, _, err := w.s.FinishBuild(ctx, f)
	return applied, err
}

// Cursors are kept as one JSON value: the poller reads and writes them once
// a cycle, whatever the number of repositories.
func (w watchState) Cursors(ctx context.Context) (map[string]int64, error) {
	raw, ok, err := w.s.GetMeta(ctx, cursorsKey)
	if err != nil || !ok {
		return map[string]int64{}, err
	}
	cur := map[string]int64{}
	if err := json.Unmarshal([]byte(raw), &cur); err != nil {
		return nil, fmt.Errorf("read watch cursors: %w", err)
	}
	return cur, nil
}

func (w watchState) SetCursors(ctx context.Context, cursors map[string]int64) error {
	old, err := w.Cursors(ctx)
	if err != nil {
		return err
	}
	for k, v := range cursors {
		old[k] = v
	}
	raw, err := json.Marshal(old)
	if err != nil {
		return err
	}
	return w.s.SetMeta(ctx, cursorsKey, string(raw))
}

func (w watchState) AddPending(ctx context.Context, repo string, number int64) error {
	return w.s.AddPending(ctx, repo, number)
}

func (w watchState) RemovePending(ctx context.Context, repo string, number int64) error {
	return w.s.RemovePending(ctx, repo, number)
}

func (w watchState) Pending(ctx context.Context) ([]watch.PendingBuild, error) {
	ps, err := w.s.Pending(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]watch.PendingBuild, len(ps))
	for i, p := range ps {
		out[i] = watch.PendingBuild{Repo: p.Repo, Number: p.Number}
	}
	return out, nil
}

// deliveryID is a stable id for one (alert, destination): a retried or
// replayed send carries the same X-Dronebot-Delivery.
func deliveryID(key, dest string) string {
	return strconv.FormatUint(fnv64(key+"\x00"+dest), 36)
}

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
