package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/dronebot/dronebot/drone"
	"time"
)

// BuildRecord is one finished build in the history digests are made from.
type BuildRecord struct {
	Repo       string
	Number     int64
	Branch     string
	Event      string // push, pull_request, tag, promote, rollback, cron, custom
	Status     string // Drone's final status: success, failure, error, killed, ...
	Commit     string
	Author     string
	FailedStep string // the first failed step, "" when none
	Title      string // the first line of the commit message
	Started    time.Time
	Finished   time.Time
	Duration   time.Duration // RecordBuild derives it from Started/Finished when zero
}

// RecordBuild adds a finished build to the history. Recording the same
// repo+number again replaces the row, so a retried watcher pass is harmless.
func (s *Store) RecordBuild(ctx context.Context, b BuildRecord) error {
	db, err := s.w()
	if err == nil {
		err = recordBuild(ctx, db, b)
	}
	if err != nil {
		return fmt.Errorf("store: record build %s#%d: %w", b.Repo, b.Number, err)
	}
	return nil
}

func recordBuild(ctx context.Context, db execer, b BuildRecord) error {
	if b.Repo == "" {
		return errors.New("empty repository")
	}
	if b.Duration == 0 && !b.Started.IsZero() && b.Finished.After(b.Started) {
		b.Duration = b.Finished.Sub(b.Started)
	}
	_, err := db.ExecContext(ctx, `INSERT INTO builds (`+buildColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (repo, number) DO UPDATE SET branch = excluded.branch, event = excluded.event,
			status = excluded.status, commit_sha = excluded.commit_sha, author = excluded.author,
			failed_step = excluded.failed_step, started = excluded.started,
			finished = excluded.finished, duration = excluded.duration, title = excluded.title`,
		b.Repo, b.Number, b.Branch, b.Event, b.Status, b.Commit, b.Author, b.FailedStep,
		toDB(b.Started), toDB(b.Finished), int64(b.Duration), b.Title)
	return err
}

const buildColumns = `repo, number, branch, event, status, commit_sha, author, failed_step, started, finished, duration, title`

// History returns the builds that finished in [since, until), ordered by
// finish time, of the repositories matching any of repoGlobs (none: all).
// In a glob "*" matches any run of characters, "/" included, and "?" one.
func (s *Store) History(ctx context.Context, since, until time.Time, repoGlobs []string) ([]BuildRecord, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT `+buildColumns+` FROM builds
		WHERE finished >= ? AND finished < ? ORDER BY finished, repo, number`, toDB(since), toDB(until))
	if err != nil {
		return nil, fmt.Errorf("store: history: %w", err)
	}
	defer rows.Close()
	var out []BuildRecord
	for rows.Next() {
		var b BuildRecord
		var started, finished, duration int64
		err := rows.Scan(&b.Repo, &b.Number, &b.Branch, &b.Event, &b.Status, &b.Commit, &b.Author,
			&b.FailedStep, &started, &finished, &duration, &b.Title)
		if err != nil {
			return nil, fmt.Errorf("store: history: %w", err)
		}
		if !drone.MatchAnyGlob(repoGlobs, b.Repo) {
			continue
		}
		b.Started, b.Finished, b.Duration = fromDB(started), fromDB(finished), time.Duration(duration)
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: history: %w", err)
	}
	return out, nil
}

// Span is a stretch of time [Start, End).
type Span struct {
	Start, End time.Time
}

// MarkWatched records that the watcher had every build of its
// repositories that finished before at. A mark within maxGap of the
// previous one extends its span; a later one (the bot was down, or Drone
// did not answer) opens a new span, so the time between is known to be
// missing from the history.
func (s *Store) MarkWatched(ctx context.Context, at time.Time, maxGap time.Duration) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var start, end int64
		err := tx.QueryRowContext(ctx, `SELECT start_at, end_at FROM watch_spans ORDER BY start_at DESC LIMIT 1`).Scan(&start, &end)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case toDB(at) <= end:
			return nil // an older mark, or the same: nothing new
		case toDB(at)-end <= int64(maxGap):
			_, err = tx.ExecContext(ctx, `UPDATE watch_spans SET end_at = ? WHERE start_at = ?`, toDB(at), start)
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO watch_spans (start_at, end_at) VALUES (?, ?) ON CONFLICT (start_at) DO NOTHING`,
			toDB(at), toDB(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: mark watched: %w", err)
	}
	return nil
}

// Watched is the spans, in order, during which the watcher recorded
// every build, cut to [since, until).
func (s *Store) Watched(ctx context.Context, since, until time.Time) ([]Span, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT start_at, end_at FROM watch_spans
		WHERE end_at > ? AND start_at < ? ORDER BY start_at`, toDB(since), toDB(until))
	if err != nil {
		return nil, fmt.Errorf("store: watched: %w", err)
	}
	defer rows.Close()
	var out []Span
	for rows.Next() {
		var start, end int64
		if err := rows.Scan(&start, &end); err != nil {
			return nil, fmt.Errorf("store: watched: %w", err)
		}
		sp := Span{Start: fromDB(start), End: fromDB(end)}
		if sp.Start.Before(since) {
			sp.Start = since
		}
		if sp.End.After(until) {
			sp.End = until
		}
		if sp.End.After(sp.Start) {
			out = append(out, sp)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: watched: %w", err)
	}
	return out, nil
}

// Prune deletes the history of builds finished before olderThan (the
// store.retention horizon) and returns how many went, with the dedupe
// records of deliveries done before it, and gives the freed pages back to
// the file system. Seen marks stay.
func (s *Store) Prune(ctx context.Context, olderThan time.Time) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM builds WHERE finished < ?`, toDB(olderThan))
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM watch_spans WHERE end_at < ?`, toDB(olderThan)); err != nil {
			return err
		}
		return pruneDelivered(ctx, tx, olderThan)
	})
	if err == nil {
		err = s.reclaim(ctx)
	}
	if err != nil {
		return 0, fmt.Errorf("store: prune: %w", err)
	}
	return n, nil
}
