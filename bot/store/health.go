package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"

	"modernc.org/sqlite"
)

// Errors of a store that cannot be trusted, for errors.Is. Their messages
// are one sentence naming the file and what to do.
var (
	// ErrDamaged: the file is corrupt, not a database, or empty although
	// it existed.
	ErrDamaged = errors.New("store is damaged")
	// ErrGone: the file was deleted or replaced while the store was open.
	ErrGone = errors.New("store file was deleted or replaced")
)

// healthError is ErrDamaged or ErrGone with its sentence.
type healthError struct {
	kind     error
	sentence string
}

func (e *healthError) Error() string        { return e.sentence }
func (e *healthError) Is(target error) bool { return target == e.kind }

// damaged says path cannot be used, why, and what the operator can do.
func damaged(path, why string) error {
	return &healthError{kind: ErrDamaged, sentence: fmt.Sprintf("store %s is damaged (%s): "+
		"stop every dronebot using it, then restore it from a backup, or move it aside to start with an empty store "+
		"(its queued alerts and branch states are then lost)", path, why)}
}

// emptyFile is the sentence for a store file that exists with no bytes:
// truncated, or made by hand; a new store is never started silently in it.
func emptyFile(path string) error {
	return &healthError{kind: ErrDamaged, sentence: fmt.Sprintf("store %s is empty (0 bytes) although the file exists, "+
		"so it was truncated or created by hand: restore it from a backup, or delete it to start a new store", path)}
}

// isCorrupt reports whether err is SQLite saying the file is not a sound
// database.
func isCorrupt(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 11, 26: // SQLITE_CORRUPT, SQLITE_NOTADB
			return true
		}
	}
	return false
}

// asDamaged turns a corruption error into the ErrDamaged sentence, and
// leaves any other error as it is.
func (s *Store) asDamaged(err error) error {
	if err != nil && isCorrupt(err) {
		var se *sqlite.Error
		errors.As(err, &se)
		return damaged(s.path, strings.TrimSpace(se.Error()))
	}
	return err
}

// integrity runs SQLite's quick_check on db: every page and index, in time
// linear in the file's size.
func (s *Store) integrity(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `PRAGMA quick_check(3)`)
	if err != nil {
		if isCorrupt(err) {
			return s.asDamaged(err)
		}
		return fmt.Errorf("store: check %s: %w", s.path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("store: check %s: %w", s.path, err)
		}
		if line != "ok" {
			problems = append(problems, strings.TrimSpace(line))
		}
	}
	if err := rows.Err(); err != nil {
		if isCorrupt(err) {
			return s.asDamaged(err)
		}
		return fmt.Errorf("store: check %s: %w", s.path, err)
	}
	if len(problems) > 0 {
		return damaged(s.path, "SQLite's integrity check: "+strings.Join(problems, "; "))
	}
	return nil
}

// sameFile says whether the store's file is still the one it opened.
func (s *Store) sameFile() error {
	if s.opened == nil {
		return nil
	}
	info, err := os.Stat(s.abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return s.gone("was deleted")
	case err != nil:
		return fmt.Errorf("store: check %s: %w", s.path, err)
	case !os.SameFile(info, s.opened):
		return s.gone("was replaced by another file")
	}
	return nil
}

func (s *Store) gone(what string) error {
	todo := "stop dronebot and restore the file from a backup"
	if runtime.GOOS == "linux" && s.lock != nil && s.lock.file != nil {
		// The open descriptor still reaches the old file.
		todo = fmt.Sprintf("copy /proc/%d/fd/%d back to %s, then restart dronebot",
			os.Getpid(), s.lock.file.Fd(), s.path)
	}
	return &healthError{kind: ErrGone, sentence: fmt.Sprintf("store %s %s while dronebot runs; "+
		"it keeps working on the old file, which is lost when dronebot stops: %s", s.path, what, todo)}
}

// Check tells whether the store can still be trusted: its file is the one
// opened, and SQLite's integrity check passes on a fresh connection (no
// cached page hides damage on disk). It reads the whole file: call it
// seldom; Ping is the cheap check.
func (s *Store) Check(ctx context.Context) error {
	if err := s.sameFile(); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", dsn(s.abs, s.busy, true))
	if err != nil {
		return fmt.Errorf("store: check %s: %w", s.path, err)
	}
	defer db.Close()
	return s.integrity(ctx, db)
}
