package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// alertBuild is build n of a fleet of 100 repositories, failed, with its
// history row and one alert for one destination.
func alertBuild(n int, at time.Time, payload []byte) FinishedBuild {
	repo := fmt.Sprintf("octo/service-%02d", n%100)
	return FinishedBuild{
		Repo: repo, Number: int64(n),
		Line: &Line{Repo: repo, Branch: "main", Red: true, FailCount: 1, LastBuild: int64(n), Since: at, FailingStep: "test"},
		Record: &BuildRecord{Repo: repo, Number: int64(n), Branch: "main", Event: "push", Status: "failure",
			Commit: fmt.Sprintf("%040x", n), Author: "octocat", FailedStep: "test", Title: "Make the tests pass",
			Started: at.Add(-3 * time.Minute), Finished: at},
		Deliveries: []Delivery{{Key: fmt.Sprintf("%s#%d:failure", repo, n), Destination: "team-wecom", Payload: payload}},
	}
}

// alert takes build n the whole way: finished, due, attempted, sent.
func alert(tb testing.TB, ctx context.Context, s *Store, n int, at time.Time, payload []byte) {
	applied, queued, err := s.FinishBuild(ctx, alertBuild(n, at, payload))
	if err != nil || !applied || len(queued) != 1 || !queued[0].Queued {
		tb.Fatalf("FinishBuild %d = %v, %+v, %v", n, applied, queued, err)
	}
	ds, err := s.Due(ctx, at, 10)
	if err != nil || len(ds) != 1 || ds[0].ID != queued[0].ID {
		tb.Fatalf("Due after build %d = %d deliveries, %v", n, len(ds), err)
	}
	if err := s.MarkAttempt(ctx, ds[0].ID); err != nil {
		tb.Fatal(err)
	}
	if err := s.MarkSent(ctx, ds[0].ID, at); err != nil {
		tb.Fatal(err)
	}
}

// seedHistory leaves the store as n alerts through FinishBuild, Due and
// MarkSent would, a thousand builds a transaction to be quick.
func seedHistory(tb testing.TB, ctx context.Context, s *Store, n int, payload []byte) {
	for start := 0; start < n; start += 1000 {
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			for i := start; i < min(start+1000, n); i++ {
				at := t0.Add(time.Duration(i) * time.Second)
				f := alertBuild(i, at, payload)
				if _, err := markSeen(ctx, tx, f.Repo, f.Number, at); err != nil {
					return err
				}
				if err := putLine(ctx, tx, *f.Line, at); err != nil {
					return err
				}
				if err := recordBuild(ctx, tx, *f.Record); err != nil {
					return err
				}
				r, err := s.enqueue(ctx, tx, f.Deliveries[0], at)
				if err != nil {
					return err
				}
				if _, err := s.moveDone(ctx, tx, r.ID, at, false); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatalf("seeding history: %v", err)
		}
	}
}

// BenchmarkAlertWithHistory is the CPU one alert costs the store, from
// finished build to sent, after history=N alerts went before it: the first
// and the last thousand of 100,000. Run it -benchtime 1000x.
func BenchmarkAlertWithHistory(b *testing.B) {
	payload := []byte(strings.Repeat("x", 2048))
	for _, history := range []int{0, 99_000} {
		b.Run(fmt.Sprintf("history=%d", history), func(b *testing.B) {
			s, c, _ := mustOpenTemp(b)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
			defer cancel()
			seedHistory(b, ctx, s, history, payload)
			n := history
			cpu := cpuTime(b)
			b.ResetTimer()
			for b.Loop() {
				at := t0.Add(time.Duration(n) * time.Second)
				c.Set(at)
				alert(b, ctx, s, n, at, payload)
				n++
			}
			if cpu >= 0 {
				b.ReportMetric(float64((cpuTime(b)-cpu).Microseconds())/float64(b.N), "cpu-µs/alert")
			}
		})
	}
}

// BenchmarkStoreBytesPerBuild is the store's file size per build recorded
// with an alert sent, after b.N of them. Run it -benchtime 10000x.
func BenchmarkStoreBytesPerBuild(b *testing.B) {
	s, c, path := mustOpenTemp(b)
	ctx := testCtx(b)
	if _, err := s.writer.ExecContext(ctx, `PRAGMA synchronous = OFF`); err != nil {
		b.Fatal(err)
	}
	payload := []byte(strings.Repeat("x", 2048))
	n := 0
	for b.Loop() {
		at := t0.Add(time.Duration(n) * time.Minute)
		c.Set(at)
		alert(b, ctx, s, n, at, payload)
		n++
	}
	b.StopTimer()
	if err := s.Close(); err != nil { // checkpoints the WAL into the file
		b.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(info.Size())/float64(n), "store-B/build")
}
