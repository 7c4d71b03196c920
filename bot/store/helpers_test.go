package store

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// clock is a settable time source safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func testCtx(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

// mustOpen opens a read-write store at path, closed at the end of the test.
func mustOpen(tb testing.TB, path string, opts Options) *Store {
	tb.Helper()
	s, err := Open(testCtx(tb), path, opts)
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// mustOpenTemp opens a fresh store in a temporary directory with a clock.
func mustOpenTemp(tb testing.TB) (*Store, *clock, string) {
	tb.Helper()
	c := newClock(t0)
	path := filepath.Join(tb.TempDir(), "dronebot.db")
	return mustOpen(tb, path, Options{Now: c.Now}), c, path
}

// mustReopen closes s and opens its file again with the same clock.
func mustReopen(tb testing.TB, s *Store, c *clock) *Store {
	tb.Helper()
	if err := s.Close(); err != nil {
		tb.Fatalf("Close: %v", err)
	}
	return mustOpen(tb, s.Path(), Options{Now: c.Now})
}
