package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLockHoldsWithoutTheLockFile(t *testing.T) {
	ctx := testCtx(t)
	_, c, path := mustOpenTemp(t)
	// Removing the lock file, or any file beside the store other than
	// SQLite's own, must not let a second writer in.
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		switch e.Name() {
		case filepath.Base(path), filepath.Base(path) + "-wal", filepath.Base(path) + "-shm":
		default:
			if err := os.Remove(filepath.Join(filepath.Dir(path), e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	s2, err := Open(ctx, path, Options{Now: c.Now})
	if err == nil {
		s2.Close()
		t.Fatal("a second writer opened the store after the files beside it were removed")
	}
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
}

// fillHistory writes enough rows that the file has many pages.
func fillHistory(t *testing.T, s *Store) {
	t.Helper()
	ctx := testCtx(t)
	for i := range 400 {
		err := s.RecordBuild(ctx, BuildRecord{Repo: fmt.Sprintf("octo/repo-%03d", i%40), Number: int64(i + 1),
			Branch: "main", Event: "push", Status: "failure", Commit: strings.Repeat("c", 40),
			Author: strings.Repeat("author ", 20), FailedStep: "unit-tests",
			Started: t0.Add(time.Duration(i) * time.Minute), Finished: t0.Add(time.Duration(i)*time.Minute + 30*time.Second)})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// damage overwrites pages in the middle of the file, leaving its header.
func damage(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	if st.Size() < 8*4096 {
		t.Fatalf("store is only %d bytes; too small to damage in the middle", st.Size())
	}
	junk := []byte(strings.Repeat("\xde\xad\xbe\xef", 1024))
	for off := int64(2 * 4096); off < st.Size()-4096; off += 3 * 4096 {
		if _, err := f.WriteAt(junk, off); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenRefusesADamagedStore(t *testing.T) {
	s, _, path := mustOpenTemp(t)
	fillHistory(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	damage(t, path)
	for _, opts := range []Options{{}, {ReadOnly: true}} {
		st, err := Open(testCtx(t), path, opts)
		if err == nil {
			st.Close()
			t.Fatalf("Open(ReadOnly=%v) of a damaged store succeeded", opts.ReadOnly)
		}
		msg := err.Error()
		if !errors.Is(err, ErrDamaged) || !strings.Contains(msg, path) || !strings.Contains(msg, "restore") ||
			strings.Count(msg, ". ") > 0 {
			t.Errorf("Open(ReadOnly=%v): %q, want one sentence naming %s and what to do", opts.ReadOnly, msg, path)
		}
	}
}

func TestOpenRefusesAStoreTruncatedToNothing(t *testing.T) {
	s, _, path := mustOpenTemp(t)
	fillHistory(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	st, err := Open(testCtx(t), path, Options{})
	if err == nil {
		st.Close()
		t.Fatal("a store truncated to nothing was opened as a new one")
	}
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "empty") {
		t.Errorf("Open: %q, want a sentence naming the empty file", err)
	}
}

func TestCheckSeesDamageAndDeletionWhileOpen(t *testing.T) {
	ctx := testCtx(t)
	s, _, path := mustOpenTemp(t)
	fillHistory(t, s)
	if err := s.Check(ctx); err != nil {
		t.Fatalf("Check of a sound store: %v", err)
	}
	damage(t, path)
	if err := s.Check(ctx); !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), path) {
		t.Errorf("Check after damage: %v, want ErrDamaged naming the file", err)
	}

	s2, _, path2 := mustOpenTemp(t)
	if err := os.Remove(path2); err != nil {
		t.Fatal(err)
	}
	if err := s2.Check(ctx); !errors.Is(err, ErrGone) || !strings.Contains(err.Error(), path2) {
		t.Errorf("Check after the file was deleted: %v, want ErrGone naming the file", err)
	}
}
