package commands

import (
	"context"
	"errors"
	"slices"
	"sort"
	"sync"
)

// Conversation is where a reply or a subscription's alerts go: a Slack
// channel id, a WeCom user id, "cli" for the terminal.
type Conversation struct{ Platform, ID string }

func (c Conversation) String() string { return c.Platform + ":" + c.ID }

// Subscription sends a conversation the alerts of some repositories. It is a
// route kept in the store: Repos is a slug or glob, Branches are globs, On
// are outcomes ("failure", "fixed", "all", ...).
type Subscription struct {
	ID           int64
	Conversation Conversation
	Repos        string
	Branches     []string
	On           []string
	// By is who subscribed: the alerts of a repository reach the
	// conversation only while that person may read it.
	By Identity
}

// ErrSubscriptionsHeld is what a Subscriptions answers a change with when
// another process (the running bot) owns them: the reply says where to
// subscribe instead.
var ErrSubscriptionsHeld = errors.New("subscriptions are held by the running dronebot")

// Subscriptions keeps the subscriptions made from chat.
type Subscriptions interface {
	// Subscribe stores s and returns it with its ID. Subscribing again to the
	// same repos and branches from the same conversation replaces the
	// earlier subscription's outcomes and keeps its ID.
	Subscribe(ctx context.Context, s Subscription) (Subscription, error)
	// Unsubscribe removes the conversation's subscriptions to repos; with a
	// branch, only those whose Branches contain it.
	Unsubscribe(ctx context.Context, c Conversation, repos, branch string) (removed int, err error)
	// List returns the conversation's subscriptions, oldest first.
	List(ctx context.Context, c Conversation) ([]Subscription, error)
}

// memorySubscriptions keeps subscriptions in memory (demo, tests, exec).
type memorySubscriptions struct {
	mu     sync.Mutex
	nextID int64
	subs   map[int64]Subscription
}

var _ Subscriptions = (*memorySubscriptions)(nil)

// NewMemorySubscriptions returns an empty in-memory Subscriptions, safe for
// concurrent use.
func NewMemorySubscriptions() Subscriptions {
	return &memorySubscriptions{subs: map[int64]Subscription{}}
}

func (m *memorySubscriptions) Subscribe(ctx context.Context, s Subscription) (Subscription, error) {
	if err := ctx.Err(); err != nil {
		return Subscription{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, old := range m.subs {
		if old.Conversation == s.Conversation && old.Repos == s.Repos && slices.Equal(old.Branches, s.Branches) {
			s.ID = id
			m.subs[id] = clone(s)
			return clone(s), nil
		}
	}
	m.nextID++
	s.ID = m.nextID
	m.subs[s.ID] = clone(s)
	return clone(s), nil
}

func (m *memorySubscriptions) Unsubscribe(ctx context.Context, c Conversation, repos, branch string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	removed := 0
	for id, s := range m.subs {
		if s.Conversation != c || s.Repos != repos {
			continue
		}
		if branch != "" && !slices.Contains(s.Branches, branch) {
			continue
		}
		delete(m.subs, id)
		removed++
	}
	return removed, nil
}

func (m *memorySubscriptions) List(ctx context.Context, c Conversation) ([]Subscription, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Subscription
	for _, s := range m.subs {
		if s.Conversation == c {
			out = append(out, clone(s))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// clone copies the slices so callers cannot change what is stored.
func clone(s Subscription) Subscription {
	s.Branches = slices.Clone(s.Branches)
	s.On = slices.Clone(s.On)
	return s
}
