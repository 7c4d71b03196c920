package store

import (
	"database/sql"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// The release before the dedupe table kept every sent and dropped row in
// the outbox. Its store must come through the upgrade with every queued
// delivery still due, once, and every delivered key still deduplicated.
func TestOutboxMigratesInPlace(t *testing.T) {
	ctx := testCtx(t)
	path := filepath.Join(t.TempDir(), "release.db")
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", dsn(abs, time.Second, false))
	if err != nil {
		t.Fatal(err)
	}
	c := newClock(t0)
	const released = 7 // the schema version of the store before the dedupe table
	if err := migrate(ctx, db, released, c.Now, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("migrate to %d: %v", released, err)
	}
	if _, err := db.ExecContext(ctx, `SELECT 1 FROM delivered`); err == nil {
		t.Fatal("delivered exists before the step that makes it")
	}
	// Rows as that release wrote them: Enqueue, then MarkAttempt/MarkSent/MarkDropped.
	rows := []struct {
		key, dest, state string
		attempted        int
		payload          any
		sent, dropped    time.Time
	}{
		{"octo/demo#1:failure", "team-wecom", "sent", 0, nil, t0.Add(time.Minute), time.Time{}},
		{"octo/demo#1:failure", "oncall-mail", "dropped", 0, []byte("old"), time.Time{}, t0.Add(2 * time.Minute)},
		{"octo/demo#2:fixed", "team-wecom", "queued", 1, []byte("fixed #2"), time.Time{}, time.Time{}},
		{"octo/demo#3:failure", "team-wecom", "queued", 0, []byte("failure #3"), time.Time{}, time.Time{}},
		{"octo/demo#2:fixed", "oncall-mail", "sent", 0, nil, t0.Add(3 * time.Minute), time.Time{}},
	}
	for _, r := range rows {
		_, err := db.ExecContext(ctx, `INSERT INTO outbox (key, destination, payload, created, state, attempts, attempted, sent, dropped, drop_reason)
			VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`, r.key, r.dest, r.payload, toDB(t0), r.state, r.attempted,
			toDB(r.sent), toDB(r.dropped), map[bool]string{true: "too old"}[r.state == "dropped"])
		if err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s := mustOpen(t, path, Options{Now: c.Now})
	if v, err := schemaVersion(ctx, s.writer); err != nil || v != len(migrations()) {
		t.Fatalf("after upgrade: version %d, %v; want %d", v, err, len(migrations()))
	}
	var vacuum int
	if err := s.writer.QueryRowContext(ctx, `PRAGMA auto_vacuum`).Scan(&vacuum); err != nil || vacuum != autoVacuumIncremental {
		t.Fatalf("auto_vacuum after upgrade = %d, %v; want incremental", vacuum, err)
	}
	// Only the queued ones are left in the outbox, unchanged and due.
	ds, err := s.Due(ctx, t0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.Key+" "+string(d.Payload))
	}
	if want := []string{"octo/demo#2:fixed fixed #2", "octo/demo#3:failure failure #3"}; !slices.Equal(got, want) {
		t.Fatalf("due after upgrade = %q, want %q", got, want)
	}
	if !ds[0].Attempted || ds[0].ID != 3 || ds[1].ID != 4 {
		t.Fatalf("queued deliveries changed: %+v", ds)
	}
	var left int
	if err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&left); err != nil || left != 2 {
		t.Fatalf("outbox rows after upgrade = %d, %v; want 2", left, err)
	}
	// Every key is still deduplicated, with its id, and none is queued again.
	for i, r := range rows {
		id, queued, err := s.Enqueue(ctx, Delivery{Key: r.key, Destination: r.dest, Payload: []byte("again")})
		if err != nil || queued || id != int64(i+1) {
			t.Errorf("Enqueue %s to %s after upgrade = %d, %v, %v; want %d, false", r.key, r.dest, id, queued, err, i+1)
		}
		sent, err := s.Delivered(ctx, r.key, r.dest)
		if err != nil || sent != (r.state == "sent") {
			t.Errorf("Delivered(%s, %s) = %v, %v", r.key, r.dest, sent, err)
		}
	}
	if d, err := s.GetDelivery(ctx, 2); err != nil || d.State != StateDropped || !d.Dropped.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("dropped delivery after upgrade = %+v, %v", d, err)
	}
	if d, err := s.GetDelivery(ctx, 5); err != nil || d.State != StateSent || !d.Sent.Equal(t0.Add(3*time.Minute)) {
		t.Errorf("sent delivery after upgrade = %+v, %v", d, err)
	}
	// New deliveries never reuse a moved id.
	id, queued, err := s.Enqueue(ctx, Delivery{Key: "octo/demo#4:failure", Destination: "team-wecom"})
	if err != nil || !queued || id <= int64(len(rows)) {
		t.Fatalf("new delivery after upgrade = %d, %v, %v; want a new id above %d", id, queued, err, len(rows))
	}
	if err := s.MarkSent(ctx, 3, t0.Add(time.Hour)); err != nil {
		t.Fatalf("sending a migrated delivery: %v", err)
	}
	if ds, err := s.Due(ctx, t0.Add(time.Hour), 100); err != nil || len(ds) != 2 || ds[0].ID != 4 || ds[1].ID != id {
		t.Fatalf("due after sending = %+v, %v", ds, err)
	}
}

func TestPruneForgetsOldDedupeRecords(t *testing.T) {
	s, c, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	old := mustEnqueue(t, s, "octo/demo#1:failure", "d")
	if err := s.MarkSent(ctx, old, t0); err != nil {
		t.Fatal(err)
	}
	c.Set(t0.Add(48 * time.Hour))
	recent := mustEnqueue(t, s, "octo/demo#2:failure", "d")
	if err := s.MarkDropped(ctx, recent, "refused"); err != nil {
		t.Fatal(err)
	}
	queued := mustEnqueue(t, s, "octo/demo#3:failure", "d")
	if _, err := s.Prune(ctx, t0.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetDelivery(ctx, old); err == nil {
		t.Error("a dedupe record older than retention survived Prune")
	}
	for _, id := range []int64{recent, queued} {
		if _, err := s.GetDelivery(ctx, id); err != nil {
			t.Errorf("delivery %d within retention: %v", id, err)
		}
	}
	if _, ok, err := s.Enqueue(ctx, Delivery{Key: "octo/demo#2:failure", Destination: "d"}); err != nil || ok {
		t.Errorf("a recent dropped key was queued again: %v, %v", ok, err)
	}
}
