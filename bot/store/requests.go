package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// RememberRequest records the delivery key of a chat request (a signed
// Slack body, a Socket Mode envelope id, a WeCom MsgId) until at+ttl, and
// reports whether it was there already: a replay or a platform's
// redelivery, not to be run again. Kept in the store, the keys outlive a
// restart; expired ones are dropped as new ones come.
func (s *Store) RememberRequest(ctx context.Context, key string, at time.Time, ttl time.Duration) (seen bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM seen_requests WHERE until <= ?`, toDB(at)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO seen_requests (key, until) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`,
			key, toDB(at.Add(ttl)))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		seen = n == 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: remember request: %w", err)
	}
	return seen, nil
}
