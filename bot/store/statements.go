package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// statements are the outbox's hot statements, prepared once per open so
// each alert skips SQL parsing and planning. Writer ones are nil on a
// read-only store.
type statements struct {
	// writer
	doneID       *sql.Stmt // the delivered row's id for (key, destination)
	insert       *sql.Stmt
	queuedID     *sql.Stmt // the queued row's id for (key, destination)
	attempt      *sql.Stmt
	retry        *sql.Stmt
	moveDone     *sql.Stmt // copy a queued row into delivered
	deleteQueued *sql.Stmt
	doneState    *sql.Stmt // whether a delivered id was dropped

	// reader
	due       *sql.Stmt
	delivered *sql.Stmt
}

const (
	sqlDoneID   = `SELECT id FROM delivered WHERE key = ? AND destination = ?`
	sqlQueuedID = `SELECT id FROM outbox WHERE key = ? AND destination = ?`
	sqlInsert   = `INSERT INTO outbox (key, destination, payload, created, next_attempt)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (key, destination) DO NOTHING`
	sqlAttempt  = `UPDATE outbox SET attempts = attempts + 1, attempted = 1 WHERE id = ? AND state = 'queued'`
	sqlRetry    = `UPDATE outbox SET attempted = 0, next_attempt = ?, last_error = ? WHERE id = ? AND state = 'queued'`
	sqlMoveDone = `INSERT INTO delivered (id, key, destination, done, dropped)
		SELECT id, key, destination, ?, ? FROM outbox WHERE id = ? AND state = 'queued'`
	sqlDeleteQueued = `DELETE FROM outbox WHERE id = ?`
	sqlDoneState    = `SELECT dropped FROM delivered WHERE id = ?`

	// A queued delivery is due when its time has come and no earlier
	// queued delivery to the same destination is still waiting out a retry.
	sqlDue = `SELECT ` + deliveryColumns + ` FROM outbox o
		WHERE o.state = 'queued' AND o.next_attempt <= ?
		  AND NOT EXISTS (SELECT 1 FROM outbox p
			WHERE p.state = 'queued' AND p.destination = o.destination AND p.id < o.id AND p.next_attempt > ?)
		ORDER BY o.id LIMIT ?`
	sqlDelivered = `SELECT dropped FROM delivered WHERE key = ? AND destination = ?`
)

func (s *Store) prepare(ctx context.Context) error {
	type want struct {
		db    *sql.DB
		query string
		into  **sql.Stmt
	}
	list := []want{
		{s.reader, sqlDue, &s.st.due},
		{s.reader, sqlDelivered, &s.st.delivered},
	}
	if s.writer != nil {
		list = append(list,
			want{s.writer, sqlDoneID, &s.st.doneID},
			want{s.writer, sqlInsert, &s.st.insert},
			want{s.writer, sqlQueuedID, &s.st.queuedID},
			want{s.writer, sqlAttempt, &s.st.attempt},
			want{s.writer, sqlRetry, &s.st.retry},
			want{s.writer, sqlMoveDone, &s.st.moveDone},
			want{s.writer, sqlDeleteQueued, &s.st.deleteQueued},
			want{s.writer, sqlDoneState, &s.st.doneState},
		)
	}
	for _, w := range list {
		st, err := w.db.PrepareContext(ctx, w.query)
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		*w.into = st
	}
	return nil
}

func (st *statements) close() error {
	var errs []error
	for _, p := range []*sql.Stmt{st.doneID, st.insert, st.queuedID, st.attempt, st.retry,
		st.moveDone, st.deleteQueued, st.doneState, st.due, st.delivered} {
		if p != nil {
			errs = append(errs, p.Close())
		}
	}
	return errors.Join(errs...)
}
