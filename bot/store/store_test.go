package store

import (
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOpenSetsPragmas(t *testing.T) {
	s, _, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	tests := []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"synchronous", "2"}, // FULL
		{"foreign_keys", "1"},
		{"busy_timeout", "5000"},
		{"auto_vacuum", "2"}, // INCREMENTAL, so pruning shrinks the file
	}
	for name, db := range map[string]*sql.DB{"writer": s.writer, "reader": s.reader} {
		for _, tt := range tests {
			var got string
			if err := db.QueryRowContext(ctx, "PRAGMA "+tt.pragma).Scan(&got); err != nil {
				t.Fatalf("%s PRAGMA %s: %v", name, tt.pragma, err)
			}
			if got != tt.want {
				t.Errorf("%s PRAGMA %s = %q, want %q", name, tt.pragma, got, tt.want)
			}
		}
	}
}

func TestOpenFreshAppliesEveryMigration(t *testing.T) {
	s, _, _ := mustOpenTemp(t)
	got, err := schemaVersion(testCtx(t), s.writer)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(migrations()); got != want || want < 2 {
		t.Fatalf("schema version = %d, want %d (>= 2)", got, want)
	}
}

func TestOpenUpgradesOldStore(t *testing.T) {
	ctx := testCtx(t)
	path := filepath.Join(t.TempDir(), "old.db")
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	// What an older dronebot left: only the first step, with state in it.
	db, err := sql.Open("sqlite", dsn(abs, time.Second, false))
	if err != nil {
		t.Fatal(err)
	}
	c := newClock(t0)
	if err := migrate(ctx, db, 1, c.Now, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("migrate to 1: %v", err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO lines (repo, branch, red, fail_count) VALUES ('octo/demo', 'main', 1, 3)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `SELECT 1 FROM outbox`); err == nil {
		t.Fatal("outbox exists at version 1; the test needs a later step")
	}
	db.Close()

	s := mustOpen(t, path, Options{Now: c.Now})
	if v, err := schemaVersion(ctx, s.writer); err != nil || v != len(migrations()) {
		t.Fatalf("after upgrade: version %d, %v; want %d", v, err, len(migrations()))
	}
	line, ok, err := s.GetLine(ctx, "octo/demo", "main")
	if err != nil || !ok || !line.Red || line.FailCount != 3 {
		t.Fatalf("line kept through upgrade = %+v, %v, %v", line, ok, err)
	}
	if _, queued, err := s.Enqueue(ctx, Delivery{Key: "k", Destination: "d"}); err != nil || !queued {
		t.Fatalf("enqueue after upgrade: %v, %v", queued, err)
	}
}

func TestReopenAppliesNothingNew(t *testing.T) {
	s, c, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	applied := func(s *Store) string {
		t.Helper()
		rows, err := s.reader.QueryContext(ctx, `SELECT version, applied FROM schema_migrations ORDER BY version`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var v, at int64
			if err := rows.Scan(&v, &at); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%d@%d ", v, at)
		}
		return b.String()
	}
	before := applied(s)
	c.Set(t0.Add(time.Hour))
	s = mustReopen(t, s, c)
	if after := applied(s); after != before {
		t.Fatalf("reopen changed schema_migrations: %q -> %q", before, after)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	s, c, path := mustOpenTemp(t)
	if _, err := s.writer.ExecContext(testCtx(t), `INSERT INTO schema_migrations (version, name, applied) VALUES (99, 'future', 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := Open(testCtx(t), path, Options{Now: c.Now})
	if err == nil || !strings.Contains(err.Error(), "newer than this dronebot") {
		t.Fatalf("Open over a newer schema: %v", err)
	}
	// The failed open released the lock.
	l, err := acquireLock(path, path+".lock")
	if err != nil {
		t.Fatalf("lock after a failed Open: %v", err)
	}
	if err := l.release(); err != nil {
		t.Fatal(err)
	}
}

func TestLock(t *testing.T) {
	ctx := testCtx(t)
	s, c, path := mustOpenTemp(t)
	if err := s.SetMeta(ctx, "last_poll", "x"); err != nil {
		t.Fatal(err)
	}

	_, err := Open(ctx, path, Options{Now: c.Now})
	want := fmt.Sprintf("store %s is in use by another dronebot (pid %d)", path, os.Getpid())
	if err == nil || err.Error() != want {
		t.Fatalf("second Open error = %v, want %q", err, want)
	}
	var locked *LockedError
	if !errors.As(err, &locked) || !errors.Is(err, ErrLocked) || locked.PID != os.Getpid() {
		t.Fatalf("second Open error %#v is not a LockedError with our pid", err)
	}

	ro := mustOpen(t, path, Options{ReadOnly: true})
	if v, ok, err := ro.GetMeta(ctx, "last_poll"); err != nil || !ok || v != "x" {
		t.Fatalf("read-only GetMeta = %q, %v, %v", v, ok, err)
	}
	// The writer keeps writing while the reader is open, and the reader sees it.
	if err := s.SetMeta(ctx, "last_poll", "y"); err != nil {
		t.Fatalf("write beside a reader: %v", err)
	}
	if v, _, err := ro.GetMeta(ctx, "last_poll"); err != nil || v != "y" {
		t.Fatalf("read-only sees %q, %v; want y", v, err)
	}
	if err := ro.SetMeta(ctx, "k", "v"); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("read-only SetMeta: %v, want ErrReadOnly", err)
	}
	if _, _, err := ro.Enqueue(ctx, Delivery{Key: "k", Destination: "d"}); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("read-only Enqueue: %v, want ErrReadOnly", err)
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := mustOpen(t, path, Options{Now: c.Now})
	if v, _, err := s2.GetMeta(ctx, "last_poll"); err != nil || v != "y" {
		t.Fatalf("after reopen: %q, %v", v, err)
	}
}

func TestOpenReadOnlyNeedsAnInitialisedStore(t *testing.T) {
	dir := t.TempDir()
	ctx := testCtx(t)
	if _, err := Open(ctx, filepath.Join(dir, "missing.db"), Options{ReadOnly: true}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("read-only open of a missing file: %v", err)
	}
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(ctx, empty, Options{ReadOnly: true})
	if err == nil || !strings.Contains(err.Error(), "schema version 0") {
		t.Fatalf("read-only open of an empty file: %v", err)
	}
}

func TestFirstRunIsFixed(t *testing.T) {
	s, c, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	got, err := s.FirstRun(ctx)
	if err != nil || !got.Equal(t0) {
		t.Fatalf("FirstRun = %v, %v; want %v", got, err, t0)
	}
	c.Set(t0.Add(48 * time.Hour))
	s = mustReopen(t, s, c)
	if got, err := s.FirstRun(ctx); err != nil || !got.Equal(t0) {
		t.Fatalf("FirstRun after reopen = %v, %v; want %v", got, err, t0)
	}
	if err := s.SetMeta(ctx, metaFirstRun, "2030-01-01T00:00:00Z"); err == nil {
		t.Fatal("SetMeta overwrote the first run")
	}
}

func TestDSNEscapesPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "odd ?#% dir")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "dronebot.db")
	s := mustOpen(t, path, Options{})
	if err := s.SetMeta(testCtx(t), "k", "v"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("store file not at the given path: %v", err)
	}
}

func TestOpenReadOnlyWhileNoWriterRuns(t *testing.T) {
	ctx := testCtx(t)
	s, _, path := mustOpenTemp(t)
	if err := s.PutLine(ctx, Line{Repo: "octo/demo", Branch: "main", Red: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ro := mustOpen(t, path, Options{ReadOnly: true})
	lines, err := ro.Lines(ctx)
	if err != nil || len(lines) != 1 || !lines[0].Red {
		t.Fatalf("read-only Lines = %+v, %v", lines, err)
	}
	if err := ro.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	// A reader does not hold the lock: run may start beside it.
	rw := mustOpen(t, path, Options{})
	if err := rw.PutLine(ctx, Line{Repo: "octo/demo", Branch: "main"}); err != nil {
		t.Fatal(err)
	}
	if line, _, err := ro.GetLine(ctx, "octo/demo", "main"); err != nil || line.Red {
		t.Fatalf("reader sees %+v, %v", line, err)
	}
}
