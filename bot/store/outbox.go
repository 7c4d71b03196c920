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
// unique for as long as the store keeps it: a queued delivery in the
// outbox, then, once sent or dropped, a slim record in the dedupe table
// until retention prunes it.
type Delivery struct {
	ID          int64
	Key         string // what is sent, e.g. "octo/demo#42:failure"
	Destination string // a sink name or a conversation, e.g. "slack:C123"
	Payload     []byte // the rendered message; gone once sent or dropped
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
	DropReason  string // kept only while the delivery is in the outbox, so never read back
}

// EnqueueResult is the outcome of one Enqueue.
type EnqueueResult struct {
	ID     int64 // the new delivery, or the earlier one with the same key and destination
	Queued bool  // false: that key and destination was enqueued before
}

// Enqueue stores d before any send. queued is false, and nothing changes,
// when d.Key was enqueued for d.Destination before, whatever became of it
// (within retention once it was sent or dropped).
// A zero d.Created is set to now.
func (s *Store) Enqueue(ctx context.Context, d Delivery) (id int64, queued bool, err error) {
	var r EnqueueResult
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		r, err = s.enqueue(ctx, tx, d, s.now())
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
		return s.enqueueAll(ctx, tx, ds, out, s.now())
	})
	if err != nil {
		return nil, fmt.Errorf("store: enqueue all: %w", err)
	}
	return out, nil
}

func (s *Store) enqueueAll(ctx context.Context, tx *sql.Tx, ds []Delivery, out []EnqueueResult, now time.Time) error {
	for i, d := range ds {
		r, err := s.enqueue(ctx, tx, d, now)
		if err != nil {
			return fmt.Errorf("%s to %s: %w", d.Key, d.Destination, err)
		}
		out[i] = r
	}
	return nil
}

// enqueue must run in a transaction so the lookups of an earlier id see
// the same state the insert did.
func (s *Store) enqueue(ctx context.Context, tx *sql.Tx, d Delivery, now time.Time) (EnqueueResult, error) {
	if d.Key == "" || d.Destination == "" {
		return EnqueueResult{}, errors.New("empty key or destination")
	}
	if d.Created.IsZero() {
		d.Created = now
	}
	var done int64
	err := tx.StmtContext(ctx, s.st.doneID).QueryRowContext(ctx, d.Key, d.Destination).Scan(&done)
	switch {
	case err == nil:
		return EnqueueResult{ID: done}, nil
	case !errors.Is(err, sql.ErrNoRows):
		return EnqueueResult{}, err
	}
	res, err := tx.StmtContext(ctx, s.st.insert).ExecContext(ctx,
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
	err = tx.StmtContext(ctx, s.st.queuedID).QueryRowContext(ctx, d.Key, d.Destination).Scan(&id)
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
	rows, err := s.st.due.QueryContext(ctx, at, at, limit)
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

// GetDelivery reads one delivery by id. A sent or dropped one has only
// its key, destination, state and time left.
func (s *Store) GetDelivery(ctx context.Context, id int64) (Delivery, error) {
	row := s.reader.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM outbox o WHERE o.id = ?`, id)
	d, err := scanDelivery(row)
	if errors.Is(err, sql.ErrNoRows) {
		d, err = s.getDone(ctx, id)
	}
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return Delivery{}, fmt.Errorf("store: delivery %d: %w", id, err)
	}
	return d, nil
}

func (s *Store) getDone(ctx context.Context, id int64) (Delivery, error) {
	d := Delivery{ID: id, State: StateSent}
	var done int64
	var dropped int
	err := s.reader.QueryRowContext(ctx, `SELECT key, destination, done, dropped FROM delivered WHERE id = ?`, id).
		Scan(&d.Key, &d.Destination, &done, &dropped)
	if dropped != 0 {
		d.State, d.Dropped = StateDropped, fromDB(done)
	} else {
		d.Sent = fromDB(done)
	}
	return d, err
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
	return s.mark(ctx, "mark attempt", id, "", func(tx *sql.Tx) (sql.Result, error) {
		return tx.StmtContext(ctx, s.st.attempt).ExecContext(ctx, id)
	})
}

// MarkRetry records a failed send: the delivery is due again at next.
func (s *Store) MarkRetry(ctx context.Context, id int64, next time.Time, lastErr string) error {
	return s.mark(ctx, "mark retry", id, "", func(tx *sql.Tx) (sql.Result, error) {
		return tx.StmtContext(ctx, s.st.retry).ExecContext(ctx, toDB(next), truncate(lastErr, maxErrorLen), id)
	})
}

// MarkSent records that the destination accepted id at at. The delivery
// leaves the outbox; its (key, destination) stays in the dedupe table.
// Marking a sent delivery again is a no-op.
func (s *Store) MarkSent(ctx context.Context, id int64, at time.Time) error {
	return s.mark(ctx, "mark sent", id, StateSent, func(tx *sql.Tx) (sql.Result, error) {
		return s.moveDone(ctx, tx, id, at, false)
	})
}

// MarkDropped gives id up (too old, refused for good); the caller logs the
// reason. It is never queued again, nor is its key for that destination
// within retention.
func (s *Store) MarkDropped(ctx context.Context, id int64, reason string) error {
	_ = reason // recorded by the caller's log, not kept: the dedupe record is slim
	return s.mark(ctx, "mark dropped", id, StateDropped, func(tx *sql.Tx) (sql.Result, error) {
		return s.moveDone(ctx, tx, id, s.now(), true)
	})
}

// moveDone moves a queued delivery into the dedupe table.
func (s *Store) moveDone(ctx context.Context, tx *sql.Tx, id int64, at time.Time, dropped bool) (sql.Result, error) {
	res, err := tx.StmtContext(ctx, s.st.moveDone).ExecContext(ctx, toDB(at), boolToInt(dropped), id)
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return res, err
	}
	if _, err := tx.StmtContext(ctx, s.st.deleteQueued).ExecContext(ctx, id); err != nil {
		return nil, err
	}
	return res, nil
}

// mark runs an update that applies only to a queued delivery. When it
// touched no row it tells a missing id (ErrNotFound) from one no longer
// queued (ErrNotQueued), unless the delivery is already in state done,
// which makes the call an idempotent repeat.
func (s *Store) mark(ctx context.Context, op string, id int64, done DeliveryState, update func(*sql.Tx) (sql.Result, error)) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := update(tx)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var dropped int
		err = tx.StmtContext(ctx, s.st.doneState).QueryRowContext(ctx, id).Scan(&dropped)
		state := StateSent
		if dropped != 0 {
			state = StateDropped
		}
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

// Delivered reports whether key was sent to dest (within retention).
func (s *Store) Delivered(ctx context.Context, key, dest string) (bool, error) {
	var dropped int
	err := s.st.delivered.QueryRowContext(ctx, key, dest).Scan(&dropped)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: delivered %s to %s: %w", key, dest, err)
	}
	return dropped == 0, nil
}

// pruneDelivered forgets the dedupe records of deliveries sent or dropped
// before olderThan; their builds are seen, so nothing queues them again.
func pruneDelivered(ctx context.Context, tx *sql.Tx, olderThan time.Time) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM delivered WHERE done < ?`, toDB(olderThan))
	return err
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
