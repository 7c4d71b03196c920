package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// A store kept to its retention stops growing: each day's builds reuse the
// pages the pruned days gave back, and nothing is left on the freelist.
func TestStoreStopsGrowingOncePruned(t *testing.T) {
	s, c, _ := mustOpenTemp(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// The file's size does not depend on fsync; skip it to keep the test quick.
	if _, err := s.writer.ExecContext(ctx, `PRAGMA synchronous = OFF`); err != nil {
		t.Fatal(err)
	}
	const perDay, days, keep = 100, 8, 2
	pages := func() (total, free int64) {
		t.Helper()
		if err := s.writer.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&total); err != nil {
			t.Fatal(err)
		}
		if err := s.writer.QueryRowContext(ctx, `PRAGMA freelist_count`).Scan(&free); err != nil {
			t.Fatal(err)
		}
		return total, free
	}
	var sizes []int64
	n := 0
	for day := range days {
		for i := range perDay {
			at := t0.Add(time.Duration(day)*24*time.Hour + time.Duration(i)*time.Minute)
			c.Set(at)
			f := alertBuild(n, at, []byte(fmt.Sprintf("alert %d with some text in it to fill pages", n)))
			applied, q, err := s.FinishBuild(ctx, f)
			if err != nil || !applied {
				t.Fatalf("FinishBuild %d: %v, %v", n, applied, err)
			}
			if err := s.MarkSent(ctx, q[0].ID, at); err != nil {
				t.Fatal(err)
			}
			n++
		}
		end := t0.Add(time.Duration(day+1) * 24 * time.Hour)
		if _, err := s.Prune(ctx, end.Add(-keep*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		total, free := pages()
		if free != 0 {
			t.Errorf("day %d: %d pages left on the freelist after Prune", day, free)
		}
		sizes = append(sizes, total)
	}
	// Seen marks stay, a few bytes a build; the history and the dedupe
	// records, the bulk of a day, must not add up once pruning begins.
	firstDay := sizes[1] - sizes[0]
	steady, last := sizes[keep+1], sizes[days-1]
	if perDay := (last - steady) / int64(days-1-(keep+1)); perDay*4 > firstDay {
		t.Fatalf("the store kept growing by %d pages a day after retention began pruning (%d the first day): pages by day %v",
			perDay, firstDay, sizes)
	}
	t.Logf("pages by day: %v", sizes)
}
