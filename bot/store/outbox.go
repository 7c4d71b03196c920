package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// DeliveryState is where a delivery stands in the outbox.
type DeliveryState string

const (
	StateQueued  DeliveryState = "queued"  // waiting for (another) send
	StateSent    DeliveryState = "sent"    // the destination accepted it
	StateDropped DeliveryState = "dropped" // given up (too old, refused for good)
)

// maxErrorLen bounds the stored last error; a sink's error text is for logs.
const maxErrorLen = 1000

// Delivery is one message for one destination. (Key, Destination) is
// unique for the life of the store: that is the permanent dedup.
type Delivery struct {
	ID          int64
	Key         string // what is sent, e.g. "octo/demo#42:failure"
	Destination string // a sink name or a conversation, e.g. "slack:C123"
	Payload     []byte // the rendered message; cleared once sent
	Created     time.Time
	State       DeliveryState
	// Attempts counts MarkAttempt calls. Attempted says a send was started
	// and its result never recorded: the process stopped mid-send, so the
	// destination may already have the message and a retry may duplicate it.
	Attempts    int
	Attempted   bool
	NextAttempt time.Time // zero: due at once
	LastError   string
	Sent        time.Time
	Dropped     time.Time
	DropReason  string
}

// EnqueueResult is the outcome of one Enqueue.
type EnqueueResult struct {
	ID     int64 // the new delivery, or the earlier one with the same key and destination
	Queued bool  // false: that key and destination was enqueued before
}

// Enqueue stores d before any send. queued is false, and nothing changes,
// when d.Key was ever enqueued for d.Destination, whatever became of it.
// A zero d.Created is set to now.
func (s *Store) Enqueue(ctx context.Context, d Delivery) (id int64, queued bool, err error) {
	var r EnqueueResult
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		r, err = enqueue(ctx, tx, d, s.now())
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("store: enqueue %s to %s: %w", d.Key, d.Destination, err)
	}
	return r.ID, r.Queued, nil
}

// EnqueueAll enqueues ds in one transaction: all are stored or none.
func (s *Store) EnqueueAll(ctx context.Context, ds []Delivery) ([]EnqueueResult, error) {
	out := make([]EnqueueResult, len(ds))
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return enqueueAll(ctx, tx, ds, out, s.now())
	})
	if err != nil {
		return nil, fmt.Errorf("store: enqueue all: %w", err)
	}
	return out, nil
}

func enqueueAll(ctx context.Context, tx *sql.Tx, ds []Delivery, out []EnqueueResult, now time.Time) error {
	for i, d := range ds {
		r, err := enqueue(ctx, tx, d, now)
		if err != nil {
			return fmt.Errorf("%s to %s: %w", d.Key, d.Destination, err)
		}
		out[i] = r
	}
	return nil
}

// enqueue must run in a transaction so the lookup of an earlier id sees
// the same state the insert did.
func enqueue(ctx context.Context, tx *sql.Tx, d Delivery, now time.Time) (EnqueueResult, error) {
	if d.Key == "" || d.Destination == "" {
		return EnqueueResult{}, errors.New("empty key or destination")
	}
	if d.Created.IsZero() {
		d.Created = now
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO outbox (key, destination, payload, created, next_attempt)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (key, destination) DO NOTHING`,
		d.Key, d.Destination, d.Payload, toDB(d.Created), toDB(d.NextAttempt))
	if err != nil {
		return EnqueueResult{}, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return EnqueueResult{}, err
	} else if n == 1 {
		id, err := res.LastInsertId()
		return EnqueueResult{ID: id, Queued: true}, err
	}
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM outbox WHERE key = ? AND destination = ?`, d.Key, d.Destination).Scan(&id)
	return EnqueueResult{ID: id}, err
}

// Due returns up to limit queued deliveries whose next attempt is at or
// before now, by id. Order per destination is kept: a delivery waiting
// out a retry holds back the later ones to the same destination, so a
// "fixed" never overtakes its "failure". A delivery left Attempted by a
// crash is due again; one worker should drive Due and the Mark calls.
func (s *Store) Due(ctx context.Context, now time.Time, limit int) ([]Delivery, error) {
	if limit <= 0 {
		return nil, nil
	}
	at := toDB(now)
	rows, err := s.reader.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM outbox o
		WHERE o.state = 'queued' AND o.next_attempt <= ?
		  AND NOT EXISTS (SELECT 1 FROM outbox p
			WHERE p.state = 'queued' AND p.destination = o.destination AND p.id < o.id AND p.next_attempt > ?)
		ORDER BY o.id LIMIT ?`, at, at, limit)
	if err != nil {
		return nil, fmt.Errorf("store: due: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("store: due: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: due: %w", err)
	}
	return out, nil
}

// GetDelivery reads one delivery by id.
func (s *Store) GetDelivery(ctx context.Context, id int64) (Delivery, error) {
	row := s.reader.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM outbox o WHERE o.id = ?`, id)
	d, err := scanDelivery(row)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return Delivery{}, fmt.Errorf("store: delivery %d: %w", id, err)
	}
	return d, nil
}

const deliveryColumns = `o.id, o.key, o.destination, o.payload, o.created, o.state, o.attempts, o.attempted,
	o.next_attempt, o.last_error, o.sent, o.dropped, o.drop_reason`

func scanDelivery(row scanner) (Delivery, error) {
	var d Delivery
	var created, next, sent, dropped int64
	var attempted int
	err := row.Scan(&d.ID, &d.Key, &d.Destination, &d.Payload, &created, &d.State, &d.Attempts, &attempted,
		&next, &d.LastError, &sent, &dropped, &d.DropReason)
	d.Created, d.NextAttempt, d.Sent, d.Dropped = fromDB(created), fromDB(next), fromDB(sent), fromDB(dropped)
	d.Attempted = attempted != 0
	return d, err
}

// MarkAttempt records, durably and before the send, that a send of id is
// starting, so a crash mid-send leaves the delivery Attempted.
func (s *Store) MarkAttempt(ctx context.Context, id int64) error {
	return s.mark(ctx, "mark attempt", id, "",
		`UPDATE outbox SET attempts = attempts + 1, attempted = 1 WHERE id = ? AND state = 'queued'`, id)
}

// MarkRetry records a failed send: the delivery is due again at next.
func (s *Store) MarkRetry(ctx context.Context, id int64, next time.Time, lastErr string) error {
	return s.mark(ctx, "mark retry", id, "",
		`UPDATE outbox SET attempted = 0, next_attempt = ?, last_error = ? WHERE id = ? AND state = 'queued'`,
		toDB(next), truncate(lastErr, maxErrorLen), id)
}

// MarkSent records that the destination accepted id at at. The payload is
// cleared; the (key, destination) record stays for dedup. Marking a sent
// delivery again is a no-op.
func (s *Store) MarkSent(ctx context.Context, id int64, at time.Time) error {
	return s.mark(ctx, "mark sent", id, StateSent,
		`UPDATE outbox SET state = 'sent', sent = ?, attempted = 0, payload = NULL WHERE id = ? AND state = 'queued'`,
		toDB(at), id)
}

// MarkDropped gives id up with a reason (too old, refused for good). It is
// never queued again, nor is its key for that destination.
func (s *Store) MarkDropped(ctx context.Context, id int64, reason string) error {
	return s.mark(ctx, "mark dropped", id, StateDropped,
		`UPDATE outbox SET state = 'dropped', dropped = ?, drop_reason = ?, attempted = 0 WHERE id = ? AND state = 'queued'`,
		toDB(s.now()), truncate(reason, maxErrorLen), id)
}

// mark runs an update that applies only to a queued delivery. When it
// touched no row it tells a missing id (ErrNotFound) from one no longer
// queued (ErrNotQueued), unless the row is already in state done, which
// makes the call an idempotent repeat.
func (s *Store) mark(ctx context.Context, op string, id int64, done DeliveryState, query string, args ...any) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var state DeliveryState
		err = tx.QueryRowContext(ctx, `SELECT state FROM outbox WHERE id = ?`, id).Scan(&state)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return ErrNotFound
		case err != nil:
			return err
		case done != "" && state == done:
			return nil
		default:
			return fmt.Errorf("%w (%s)", ErrNotQueued, state)
		}
	})
	if err != nil {
		return fmt.Errorf("store: %s %d: %w", op, id, err)
	}
	return nil
}

// OutboxStats reports how many deliveries are queued and when the oldest
// of them was created (zero when none), for metrics and /readyz.
func (s *Store) OutboxStats(ctx context.Context) (depth int, oldest time.Time, err error) {
	var min sql.NullInt64
	err = s.reader.QueryRowContext(ctx, `SELECT COUNT(*), MIN(created) FROM outbox WHERE state = 'queued'`).Scan(&depth, &min)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: outbox stats: %w", err)
	}
	return depth, fromDB(min.Int64), nil
}

// Delivered reports whether key was sent to dest.
func (s *Store) Delivered(ctx context.Context, key, dest string) (bool, error) {
	var state DeliveryState
	err := s.reader.QueryRowContext(ctx, `SELECT state FROM outbox WHERE key = ? AND destination = ?`, key, dest).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: delivered %s to %s: %w", key, dest, err)
	}
	return state == StateSent, nil
}

// truncate cuts s to at most n bytes on a UTF-8 boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
