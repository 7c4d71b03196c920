package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Line is the state of one repository + branch: red after a failure until
// a success turns it green.
type Line struct {
	Repo        string
	Branch      string
	Red         bool
	FailCount   int       // consecutive failed builds; 0 when green
	LastBuild   int64     // number of the last finished build that set the state
	Since       time.Time // when the line turned its current colour
	FailingStep string    // the failed step of the last failure, "" when green
	Updated     time.Time // when this record was written; PutLine sets it when zero
}

// GetLine returns the line's state; ok is false when the line is unknown.
func (s *Store) GetLine(ctx context.Context, repo, branch string) (line Line, ok bool, err error) {
	row := s.reader.QueryRowContext(ctx, `SELECT `+lineColumns+` FROM lines WHERE repo = ? AND branch = ?`, repo, branch)
	line, err = scanLine(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Line{}, false, nil
	}
	if err != nil {
		return Line{}, false, fmt.Errorf("store: get line %s@%s: %w", repo, branch, err)
	}
	return line, true, nil
}

// PutLine stores the line's state, replacing what was there.
func (s *Store) PutLine(ctx context.Context, line Line) error {
	db, err := s.w()
	if err == nil {
		err = putLine(ctx, db, line, s.now())
	}
	if err != nil {
		return fmt.Errorf("store: put line %s@%s: %w", line.Repo, line.Branch, err)
	}
	return nil
}

func putLine(ctx context.Context, db execer, line Line, now time.Time) error {
	if line.Repo == "" {
		return errors.New("empty repository")
	}
	if line.Updated.IsZero() {
		line.Updated = now
	}
	_, err := db.ExecContext(ctx, `INSERT INTO lines (`+lineColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (repo, branch) DO UPDATE SET red = excluded.red, fail_count = excluded.fail_count,
			last_build = excluded.last_build, since = excluded.since,
			failing_step = excluded.failing_step, updated = excluded.updated`,
		line.Repo, line.Branch, boolToInt(line.Red), line.FailCount, line.LastBuild,
		toDB(line.Since), line.FailingStep, toDB(line.Updated))
	return err
}

// Lines returns every known line ordered by repository and branch (the
// digest shows what is red now).
func (s *Store) Lines(ctx context.Context) ([]Line, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT `+lineColumns+` FROM lines ORDER BY repo, branch`)
	if err != nil {
		return nil, fmt.Errorf("store: lines: %w", err)
	}
	defer rows.Close()
	var lines []Line
	for rows.Next() {
		line, err := scanLine(rows)
		if err != nil {
			return nil, fmt.Errorf("store: lines: %w", err)
		}
		lines = append(lines, line)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: lines: %w", err)
	}
	return lines, nil
}

const lineColumns = `repo, branch, red, fail_count, last_build, since, failing_step, updated`

type scanner interface{ Scan(dest ...any) error }

func scanLine(row scanner) (Line, error) {
	var l Line
	var red int
	var since, updated int64
	err := row.Scan(&l.Repo, &l.Branch, &red, &l.FailCount, &l.LastBuild, &since, &l.FailingStep, &updated)
	l.Red, l.Since, l.Updated = red != 0, fromDB(since), fromDB(updated)
	return l, err
}

// MarkBuildSeen records that the outcome of build repo#number was computed.
// It reports whether this call marked it (false: it was seen before), so
// of two racing callers exactly one goes on.
func (s *Store) MarkBuildSeen(ctx context.Context, repo string, number int64) (bool, error) {
	db, err := s.w()
	if err != nil {
		return false, fmt.Errorf("store: mark seen %s#%d: %w", repo, number, err)
	}
	first, err := markSeen(ctx, db, repo, number, s.now())
	if err != nil {
		return false, fmt.Errorf("store: mark seen %s#%d: %w", repo, number, err)
	}
	return first, nil
}

func markSeen(ctx context.Context, db execer, repo string, number int64, now time.Time) (bool, error) {
	res, err := db.ExecContext(ctx, `INSERT INTO seen_builds (repo, number, seen) VALUES (?, ?, ?)
		ON CONFLICT (repo, number) DO NOTHING`, repo, number, toDB(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// BuildSeen reports whether MarkBuildSeen was called for repo#number.
func (s *Store) BuildSeen(ctx context.Context, repo string, number int64) (bool, error) {
	var one int
	err := s.reader.QueryRowContext(ctx, `SELECT 1 FROM seen_builds WHERE repo = ? AND number = ?`, repo, number).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: build seen %s#%d: %w", repo, number, err)
	}
	return true, nil
}

// PendingBuild is an unfinished build the watcher checks again, since the
// "latest build" listing misses one that finishes after a newer one starts.
type PendingBuild struct {
	Repo   string
	Number int64
	Added  time.Time
}

// AddPending puts repo#number on the watch-list; adding it again keeps the
// first Added time.
func (s *Store) AddPending(ctx context.Context, repo string, number int64) error {
	db, err := s.w()
	if err == nil {
		_, err = db.ExecContext(ctx, `INSERT INTO pending_builds (repo, number, added) VALUES (?, ?, ?)
			ON CONFLICT (repo, number) DO NOTHING`, repo, number, toDB(s.now()))
	}
	if err != nil {
		return fmt.Errorf("store: add pending %s#%d: %w", repo, number, err)
	}
	return nil
}

// RemovePending takes repo#number off the watch-list; absent is fine.
func (s *Store) RemovePending(ctx context.Context, repo string, number int64) error {
	db, err := s.w()
	if err == nil {
		err = removePending(ctx, db, repo, number)
	}
	if err != nil {
		return fmt.Errorf("store: remove pending %s#%d: %w", repo, number, err)
	}
	return nil
}

func removePending(ctx context.Context, db execer, repo string, number int64) error {
	_, err := db.ExecContext(ctx, `DELETE FROM pending_builds WHERE repo = ? AND number = ?`, repo, number)
	return err
}

// Pending lists the watch-list, oldest first.
func (s *Store) Pending(ctx context.Context) ([]PendingBuild, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT repo, number, added FROM pending_builds ORDER BY added, repo, number`)
	if err != nil {
		return nil, fmt.Errorf("store: pending: %w", err)
	}
	defer rows.Close()
	var out []PendingBuild
	for rows.Next() {
		var p PendingBuild
		var added int64
		if err := rows.Scan(&p.Repo, &p.Number, &added); err != nil {
			return nil, fmt.Errorf("store: pending: %w", err)
		}
		p.Added = fromDB(added)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: pending: %w", err)
	}
	return out, nil
}
