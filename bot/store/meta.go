package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

const metaFirstRun = "first_run"

// FirstRun is when dronebot first opened this store read-write. It never
// changes; the watcher treats builds finished before it as history.
func (s *Store) FirstRun(ctx context.Context) (time.Time, error) {
	v, ok, err := s.GetMeta(ctx, metaFirstRun)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: first run: %w", err)
	}
	if !ok {
		return time.Time{}, fmt.Errorf("store: first run: %w", ErrNotFound)
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: first run: %w", err)
	}
	return t, nil
}

// GetMeta reads a free-form value; ok is false when key was never set.
func (s *Store) GetMeta(ctx context.Context, key string) (value string, ok bool, err error) {
	err = s.reader.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("store: get meta %q: %w", key, err)
	}
	return value, true, nil
}

// SetMeta writes a free-form value (e.g. the last poll time). The first-run
// mark is not writable this way.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	if key == metaFirstRun {
		return fmt.Errorf("store: set meta %q: the first run is fixed", key)
	}
	db, err := s.w()
	if err != nil {
		return fmt.Errorf("store: set meta %q: %w", key, err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("store: set meta %q: %w", key, err)
	}
	return nil
}

// DigestSent is when the digest name was last sent on schedule; the zero
// time when never.
func (s *Store) DigestSent(ctx context.Context, name string) (time.Time, error) {
	var at int64
	err := s.reader.QueryRowContext(ctx, `SELECT sent FROM digests WHERE name = ?`, name).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: digest %q sent: %w", name, err)
	}
	return fromDB(at), nil
}

// SetDigestSent records a scheduled send of digest name at at.
func (s *Store) SetDigestSent(ctx context.Context, name string, at time.Time) error {
	db, err := s.w()
	if err != nil {
		return fmt.Errorf("store: set digest %q sent: %w", name, err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO digests (name, sent) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET sent = excluded.sent`, name, toDB(at))
	if err != nil {
		return fmt.Errorf("store: set digest %q sent: %w", name, err)
	}
	return nil
}
