package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Subscription is a route a chat conversation added with /subscribe: the
// alerts of Repos (a name or glob) on Branches, for the outcomes in On,
// go to Platform:Conversation.
type Subscription struct {
	ID           int64
	Platform     string // "slack", "wecom"
	Conversation string // channel or chat id
	Repos        string
	Branches     []string // branch globs; kept sorted
	On           []string // outcomes: failure, still_failing, fixed, success, killed, all
	// Subscriber is who subscribed ("slack:U123"): alerts reach the
	// conversation only for repositories that person may read.
	Subscriber string
	Created    time.Time
}

// AddSubscription stores sub. The same platform, conversation, repos and
// branches again updates On and keeps the ID and Created. The stored
// subscription is returned.
func (s *Store) AddSubscription(ctx context.Context, sub Subscription) (Subscription, error) {
	if sub.Platform == "" || sub.Conversation == "" || sub.Repos == "" {
		return Subscription{}, errors.New("store: add subscription: empty platform, conversation or repos")
	}
	sub.Branches = slices.Sorted(slices.Values(sub.Branches))
	sub.Branches = slices.Compact(sub.Branches)
	branches, err := json.Marshal(nonNil(sub.Branches))
	if err != nil {
		return Subscription{}, fmt.Errorf("store: add subscription: %w", err)
	}
	on, err := json.Marshal(nonNil(sub.On))
	if err != nil {
		return Subscription{}, fmt.Errorf("store: add subscription: %w", err)
	}
	if sub.Created.IsZero() {
		sub.Created = s.now()
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (platform, conversation, repos, branches, outcomes, subscriber, created)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (platform, conversation, repos, branches)
			DO UPDATE SET outcomes = excluded.outcomes, subscriber = excluded.subscriber`,
			sub.Platform, sub.Conversation, sub.Repos, string(branches), string(on), sub.Subscriber, toDB(sub.Created))
		if err != nil {
			return err
		}
		var created int64
		err = tx.QueryRowContext(ctx, `SELECT id, created FROM subscriptions
			WHERE platform = ? AND conversation = ? AND repos = ? AND branches = ?`,
			sub.Platform, sub.Conversation, sub.Repos, string(branches)).Scan(&sub.ID, &created)
		sub.Created = fromDB(created)
		return err
	})
	if err != nil {
		return Subscription{}, fmt.Errorf("store: add subscription %s:%s %s: %w", sub.Platform, sub.Conversation, sub.Repos, err)
	}
	return sub, nil
}

// RemoveSubscriptions deletes the conversation's subscriptions to repos
// whose branches include branch ("" = whatever the branches) and says how
// many went.
func (s *Store) RemoveSubscriptions(ctx context.Context, platform, conversation, repos, branch string) (int, error) {
	var removed int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		subs, err := querySubscriptions(ctx, tx, `WHERE platform = ? AND conversation = ? AND repos = ?`,
			platform, conversation, repos)
		if err != nil {
			return err
		}
		for _, sub := range subs {
			if branch != "" && !slices.Contains(sub.Branches, branch) {
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM subscriptions WHERE id = ?`, sub.ID); err != nil {
				return err
			}
			removed++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: remove subscriptions %s:%s %s: %w", platform, conversation, repos, err)
	}
	return removed, nil
}

// Subscriptions lists subscriptions by ID. An empty platform means every
// platform and an empty conversation every conversation: ("", "") is the
// whole table, which routing reads.
func (s *Store) Subscriptions(ctx context.Context, platform, conversation string) ([]Subscription, error) {
	subs, err := querySubscriptions(ctx, s.reader, `WHERE (? = '' OR platform = ?) AND (? = '' OR conversation = ?)`,
		platform, platform, conversation, conversation)
	if err != nil {
		return nil, fmt.Errorf("store: subscriptions: %w", err)
	}
	return subs, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func querySubscriptions(ctx context.Context, q querier, where string, args ...any) ([]Subscription, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, platform, conversation, repos, branches, outcomes, subscriber, created
		FROM subscriptions `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Subscription
	for rows.Next() {
		var sub Subscription
		var branches, on string
		var created int64
		if err := rows.Scan(&sub.ID, &sub.Platform, &sub.Conversation, &sub.Repos, &branches, &on, &sub.Subscriber, &created); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(branches), &sub.Branches); err != nil {
			return nil, fmt.Errorf("subscription %d branches: %w", sub.ID, err)
		}
		if err := json.Unmarshal([]byte(on), &sub.On); err != nil {
			return nil, fmt.Errorf("subscription %d outcomes: %w", sub.ID, err)
		}
		sub.Created = fromDB(created)
		out = append(out, sub)
	}
	return out, rows.Err()
}

// nonNil keeps an absent list stored as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
