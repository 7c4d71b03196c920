// Package store is dronebot's persistent state: line states, seen and
// pending builds, build history, the outbox and chat subscriptions, kept in
// one embedded SQLite file (pure Go, no cgo) that one process owns at a time.
//
// The store has its own record types and imports no other dronebot package;
// the bot adapts them.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Errors callers may test with errors.Is.
var (
	ErrReadOnly  = errors.New("store is open read-only")
	ErrNotFound  = errors.New("not found")
	ErrNotQueued = errors.New("delivery is no longer queued")
)

// Options configure Open. The zero value is a read-write store using the
// wall clock and discarding logs.
type Options struct {
	// ReadOnly opens without the process lock and without migrating, so
	// `dronebot exec` and `dronebot digest` can read while `run` writes.
	ReadOnly bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives migrations and lock events; nil discards them.
	Logger *slog.Logger
	// BusyTimeout is how long a statement waits for another connection's
	// write lock; zero means 5s.
	BusyTimeout time.Duration
}

// Store is an open store. It is safe for concurrent use.
type Store struct {
	path   string
	abs    string
	busy   time.Duration
	opened os.FileInfo // the file as opened, to notice it deleted or replaced
	now    func() time.Time
	log    *slog.Logger
	writer *sql.DB // nil when read-only; one connection so writers queue in Go, not in SQLite
	reader *sql.DB
	st     statements
	lock   *fileLock
}

// Open opens (creating it if needed) the store at path. A read-write open
// takes the process lock "<path>.lock", applies pending migrations and
// records the first run; a second read-write open of the same file fails
// with a *LockedError.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: open: empty path")
	}
	s := &Store{path: path, now: opts.Now, log: opts.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	busy := opts.BusyTimeout
	if busy <= 0 {
		busy = 5 * time.Second
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s.abs, s.busy = abs, busy
	if opts.ReadOnly {
		if err := s.openReadOnly(ctx, abs, busy); err != nil {
			return nil, err
		}
		return s, nil
	}
	if err := s.openReadWrite(ctx, abs, busy); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) openReadOnly(ctx context.Context, abs string, busy time.Duration) error {
	info, err := os.Stat(abs)
	if err != nil {
		return fmt.Errorf("store: open %s read-only: %w", s.path, err)
	}
	s.opened = info
	reader, err := sql.Open("sqlite", dsn(abs, busy, true))
	if err != nil {
		return fmt.Errorf("store: open %s read-only: %w", s.path, err)
	}
	s.reader = reader
	if info.Size() > 0 {
		if err := s.integrity(ctx, reader); err != nil {
			reader.Close()
			return err
		}
	}
	have, err := schemaVersion(ctx, reader)
	if err != nil {
		reader.Close()
		return s.openErr(err, "read-only")
	}
	if want := len(migrations()); have < want {
		reader.Close()
		return fmt.Errorf("store: open %s read-only: schema version %d, this dronebot needs %d: start `dronebot run` once to upgrade it", s.path, have, want)
	}
	if err := s.prepare(ctx); err != nil {
		s.st.close()
		reader.Close()
		return s.openErr(err, "read-only")
	}
	return nil
}

func (s *Store) openReadWrite(ctx context.Context, abs string, busy time.Duration) error {
	_, statErr := os.Stat(abs)
	existed := statErr == nil
	lock, err := acquireLock(s.path, abs)
	if err != nil {
		return err
	}
	s.lock = lock
	if s.opened, err = os.Stat(abs); err != nil {
		return fmt.Errorf("store: open %s: %w", s.path, err)
	}
	// A file that existed with nothing in it lost its contents; starting a
	// new store in it would silently forget every line and queued alert.
	if existed && s.opened.Size() == 0 {
		return emptyFile(s.path)
	}
	writer, err := sql.Open("sqlite", dsn(abs, busy, false))
	if err != nil {
		return fmt.Errorf("store: open %s: %w", s.path, err)
	}
	writer.SetMaxOpenConns(1)
	s.writer = writer
	if existed {
		if err := s.integrity(ctx, writer); err != nil {
			return err
		}
	}
	if err := s.setAutoVacuum(ctx, writer); err != nil {
		return s.openErr(err, "")
	}
	if err := migrate(ctx, writer, len(migrations()), s.now, s.log); err != nil {
		return s.openErr(err, "")
	}
	// The first run is written once and never moved: builds that finished
	// before it are history, not news.
	_, err = writer.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`,
		metaFirstRun, s.now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		return s.openErr(err, "first run")
	}
	reader, err := sql.Open("sqlite", dsn(abs, busy, true))
	if err != nil {
		return fmt.Errorf("store: open %s: %w", s.path, err)
	}
	s.reader = reader
	if err := s.prepare(ctx); err != nil {
		return s.openErr(err, "")
	}
	s.log.Debug("store open", "path", s.path)
	return nil
}

// openErr is the ErrDamaged sentence for a corrupt file, else err with
// its context.
func (s *Store) openErr(err error, what string) error {
	if isCorrupt(err) {
		return s.asDamaged(err)
	}
	if what != "" {
		return fmt.Errorf("store: open %s: %s: %w", s.path, what, err)
	}
	return fmt.Errorf("store: open %s: %w", s.path, err)
}

// dsn builds a modernc.org/sqlite URI. Every connection gets the pragmas,
// since SQLite keeps them per connection.
func dsn(abs string, busy time.Duration, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	if readOnly {
		q.Set("mode", "ro")
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		// Take the write lock at BEGIN so a transaction never fails midway
		// upgrading a read lock.
		q.Set("_txlock", "immediate")
	}
	// SQLite decodes %HH in URI paths; escape what would end the path.
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(abs))
	return "file:" + esc + "?" + q.Encode()
}

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Close closes the database and releases the process lock.
func (s *Store) Close() error {
	errs := []error{s.st.close()}
	if s.reader != nil {
		errs = append(errs, s.reader.Close())
	}
	if s.writer != nil {
		errs = append(errs, s.writer.Close())
	}
	if s.lock != nil {
		errs = append(errs, s.lock.release())
		s.lock = nil
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store: close %s: %w", s.path, err)
	}
	return nil
}

// Ping checks, cheaply, that the store's file is still the one opened and
// that a read answers, for /readyz. Check is the thorough one.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.sameFile(); err != nil {
		return err
	}
	var first string
	err := s.reader.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaFirstRun).Scan(&first)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: read %s: %w", s.path, s.asDamaged(err))
	}
	return nil
}

// execer is what single statements need; both *sql.DB and *sql.Tx have it,
// so one helper serves a lone write and a step of a larger transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// inTx runs fn in one write transaction: all of it is durable, or none.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if s.writer == nil {
		return ErrReadOnly
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// w returns the writer, or ErrReadOnly.
func (s *Store) w() (*sql.DB, error) {
	if s.writer == nil {
		return nil, ErrReadOnly
	}
	return s.writer, nil
}

// Times are stored as UTC Unix nanoseconds; 0 is the zero time.
func toDB(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromDB(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func boolToInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
