package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func mustEnqueue(tb testing.TB, s *Store, key, dest string) int64 {
	tb.Helper()
	id, queued, err := s.Enqueue(testCtx(tb), Delivery{Key: key, Destination: dest, Payload: []byte("alert " + key)})
	if err != nil || !queued {
		tb.Fatalf("Enqueue(%s, %s) = %d, %v, %v", key, dest, id, queued, err)
	}
	return id
}

func dueIDs(tb testing.TB, s *Store, now time.Time) []int64 {
	tb.Helper()
	ds, err := s.Due(testCtx(tb), now, 100)
	if err != nil {
		tb.Fatal(err)
	}
	var ids []int64
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	return ids
}

func TestEnqueueDedupIsPermanent(t *testing.T) {
	s, c, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	const key = "octo/demo#42:failure"
	sent := mustEnqueue(t, s, key, "team-wecom")
	dropped := mustEnqueue(t, s, key, "oncall-mail")
	queued := mustEnqueue(t, s, key, "slack:C123")
	if err := s.MarkSent(ctx, sent, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkDropped(ctx, dropped, "too old"); err != nil {
		t.Fatal(err)
	}

	check := func(s *Store, when string) {
		t.Helper()
		for dest, wantID := range map[string]int64{"team-wecom": sent, "oncall-mail": dropped, "slack:C123": queued} {
			id, ok, err := s.Enqueue(ctx, Delivery{Key: key, Destination: dest, Payload: []byte("again")})
			if err != nil || ok || id != wantID {
				t.Errorf("%s: Enqueue again to %s = %d, %v, %v; want %d, false", when, dest, id, ok, err, wantID)
			}
		}
		// Another outcome of the same build is another key.
		if _, ok, err := s.Enqueue(ctx, Delivery{Key: "octo/demo#42:still_failing:" + when, Destination: "team-wecom"}); err != nil || !ok {
			t.Errorf("%s: a different key was not queued: %v, %v", when, ok, err)
		}
	}
	check(s, "open")
	s = mustReopen(t, s, c)
	check(s, "reopened")

	d, err := s.GetDelivery(ctx, queued)
	if err != nil || string(d.Payload) != "alert "+key {
		t.Fatalf("the dedup hit changed the payload: %q, %v", d.Payload, err)
	}
}

func TestDueOrderAndRetryHold(t *testing.T) {
	s, _, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	a1 := mustEnqueue(t, s, "octo/demo#1:failure", "A")
	b1 := mustEnqueue(t, s, "octo/demo#1:failure", "B")
	a2 := mustEnqueue(t, s, "octo/demo#2:fixed", "A")
	b2 := mustEnqueue(t, s, "octo/demo#2:fixed", "B")

	if got, want := dueIDs(t, s, t0), []int64{a1, b1, a2, b2}; !slices.Equal(got, want) {
		t.Fatalf("Due = %v, want %v", got, want)
	}
	if ds, err := s.Due(ctx, t0, 2); err != nil || len(ds) != 2 || ds[0].ID != a1 || ds[1].ID != b1 {
		t.Fatalf("Due limit 2 = %+v, %v", ds, err)
	}

	// A's first delivery waits out a retry: A's later one waits behind it,
	// B goes on.
	if err := s.MarkAttempt(ctx, a1); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkRetry(ctx, a1, t0.Add(time.Minute), "HTTP 502"); err != nil {
		t.Fatal(err)
	}
	if got, want := dueIDs(t, s, t0), []int64{b1, b2}; !slices.Equal(got, want) {
		t.Fatalf("Due during A's retry = %v, want %v", got, want)
	}
	if got, want := dueIDs(t, s, t0.Add(time.Minute)), []int64{a1, b1, a2, b2}; !slices.Equal(got, want) {
		t.Fatalf("Due after A's retry time = %v, want %v", got, want)
	}
	d, err := s.GetDelivery(ctx, a1)
	if err != nil {
		t.Fatal(err)
	}
	if d.Attempts != 1 || d.Attempted || d.LastError != "HTTP 502" || !d.NextAttempt.Equal(t0.Add(time.Minute)) || d.State != StateQueued {
		t.Fatalf("after retry: %+v", d)
	}

	for _, id := range []int64{a1, b1} {
		if err := s.MarkSent(ctx, id, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := dueIDs(t, s, t0.Add(time.Minute)), []int64{a2, b2}; !slices.Equal(got, want) {
		t.Fatalf("Due after sends = %v, want %v", got, want)
	}
	if ds, err := s.Due(ctx, t0, 0); err != nil || len(ds) != 0 {
		t.Fatalf("Due limit 0 = %v, %v", ds, err)
	}
}

func TestMarkAttemptSurvivesReopen(t *testing.T) {
	s, c, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	id := mustEnqueue(t, s, "octo/demo#42:failure", "team-wecom")
	if err := s.MarkAttempt(ctx, id); err != nil {
		t.Fatal(err)
	}
	// The process dies mid-send; the next run finds it due and ambiguous.
	s = mustReopen(t, s, c)
	ds, err := s.Due(ctx, t0, 10)
	if err != nil || len(ds) != 1 {
		t.Fatalf("Due after reopen = %+v, %v", ds, err)
	}
	if d := ds[0]; d.ID != id || !d.Attempted || d.Attempts != 1 || string(d.Payload) != "alert octo/demo#42:failure" {
		t.Fatalf("in-flight delivery after reopen = %+v", d)
	}
	if err := s.MarkAttempt(ctx, id); err != nil {
		t.Fatal(err)
	}
	if d, err := s.GetDelivery(ctx, id); err != nil || d.Attempts != 2 || !d.Attempted {
		t.Fatalf("second attempt: %+v, %v", d, err)
	}
	if err := s.MarkSent(ctx, id, t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	d, err := s.GetDelivery(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	// Sent, only the dedupe record is left.
	if d.State != StateSent || d.Attempted || !d.Sent.Equal(t0.Add(time.Second)) || d.Payload != nil || d.Key != "octo/demo#42:failure" {
		t.Fatalf("after send: %+v", d)
	}
}

func TestMarkTransitions(t *testing.T) {
	s, c, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	sent := mustEnqueue(t, s, "k1", "d")
	dropped := mustEnqueue(t, s, "k2", "d")
	if err := s.MarkSent(ctx, sent, t0); err != nil {
		t.Fatal(err)
	}
	c.Set(t0.Add(time.Hour))
	if err := s.MarkDropped(ctx, dropped, "older than delivery.max_age"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
		want error // nil: succeeds
	}{
		{"sent again is a no-op", func() error { return s.MarkSent(ctx, sent, t0) }, nil},
		{"dropped again is a no-op", func() error { return s.MarkDropped(ctx, dropped, "x") }, nil},
		{"attempt after sent", func() error { return s.MarkAttempt(ctx, sent) }, ErrNotQueued},
		{"retry after sent", func() error { return s.MarkRetry(ctx, sent, t0, "e") }, ErrNotQueued},
		{"drop after sent", func() error { return s.MarkDropped(ctx, sent, "x") }, ErrNotQueued},
		{"sent after dropped", func() error { return s.MarkSent(ctx, dropped, t0) }, ErrNotQueued},
		{"attempt unknown", func() error { return s.MarkAttempt(ctx, 999) }, ErrNotFound},
		{"sent unknown", func() error { return s.MarkSent(ctx, 999, t0) }, ErrNotFound},
		{"get unknown", func() error { _, err := s.GetDelivery(ctx, 999); return err }, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if (tt.want == nil) != (err == nil) || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	d, err := s.GetDelivery(ctx, dropped)
	if err != nil || d.State != StateDropped || d.Destination != "d" || !d.Dropped.Equal(t0.Add(time.Hour)) {
		t.Fatalf("dropped delivery = %+v, %v", d, err)
	}
	long := strings.Repeat("é", maxErrorLen)
	id := mustEnqueue(t, s, "k3", "d")
	if err := s.MarkRetry(ctx, id, t0, long); err != nil {
		t.Fatal(err)
	}
	if d, err := s.GetDelivery(ctx, id); err != nil || len(d.LastError) > maxErrorLen || !strings.HasPrefix(long, d.LastError) {
		t.Fatalf("long error stored as %d bytes, %v", len(d.LastError), err)
	}
}

func TestOutboxStatsAndDelivered(t *testing.T) {
	s, c, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	if depth, oldest, err := s.OutboxStats(ctx); err != nil || depth != 0 || !oldest.IsZero() {
		t.Fatalf("empty stats = %d, %v, %v", depth, oldest, err)
	}
	first := mustEnqueue(t, s, "k1", "d")
	c.Set(t0.Add(time.Minute))
	mustEnqueue(t, s, "k2", "d")
	c.Set(t0.Add(2 * time.Minute))
	mustEnqueue(t, s, "k3", "d")
	if err := s.MarkSent(ctx, first, t0.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	depth, oldest, err := s.OutboxStats(ctx)
	if err != nil || depth != 2 || !oldest.Equal(t0.Add(time.Minute)) {
		t.Fatalf("stats = %d, %v, %v; want 2, %v", depth, oldest, err, t0.Add(time.Minute))
	}
	tests := []struct {
		key, dest string
		want      bool
	}{
		{"k1", "d", true},
		{"k2", "d", false}, // queued, not sent
		{"k1", "other", false},
		{"nope", "d", false},
	}
	for _, tt := range tests {
		if got, err := s.Delivered(ctx, tt.key, tt.dest); err != nil || got != tt.want {
			t.Errorf("Delivered(%s, %s) = %v, %v; want %v", tt.key, tt.dest, got, err, tt.want)
		}
	}
}

func TestEnqueueAllIsAtomic(t *testing.T) {
	s, _, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	earlier := mustEnqueue(t, s, "octo/demo#1:failure", "A")
	res, err := s.EnqueueAll(ctx, []Delivery{
		{Key: "octo/demo#1:failure", Destination: "A"},
		{Key: "octo/demo#1:failure", Destination: "B"},
		{Key: "octo/demo#1:failure", Destination: "B"}, // twice in one batch
	})
	if err != nil || len(res) != 3 {
		t.Fatalf("EnqueueAll = %+v, %v", res, err)
	}
	if res[0] != (EnqueueResult{ID: earlier}) || !res[1].Queued || res[2] != (EnqueueResult{ID: res[1].ID}) {
		t.Fatalf("EnqueueAll results = %+v", res)
	}
	// One bad delivery: nothing of the batch is stored.
	_, err = s.EnqueueAll(ctx, []Delivery{{Key: "k", Destination: "C"}, {Key: "", Destination: "C"}})
	if err == nil {
		t.Fatal("EnqueueAll with an empty key succeeded")
	}
	if _, ok, err := s.Enqueue(ctx, Delivery{Key: "k", Destination: "C"}); err != nil || !ok {
		t.Fatalf("a rolled-back delivery still blocks its key: %v, %v", ok, err)
	}
}

func TestConcurrentEnqueue(t *testing.T) {
	s, _, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	const workers, perWorker = 8, 25
	var wg sync.WaitGroup
	var mu sync.Mutex
	queued := 0
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				// Every key is enqueued by two workers; exactly one wins.
				key := fmt.Sprintf("octo/demo#%d:failure", (w/2)*perWorker+i)
				_, ok, err := s.Enqueue(ctx, Delivery{Key: key, Destination: "A"})
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					queued++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	want := workers / 2 * perWorker
	if queued != want {
		t.Fatalf("queued %d, want %d", queued, want)
	}
	if depth, _, err := s.OutboxStats(ctx); err != nil || depth != want {
		t.Fatalf("depth = %d, %v; want %d", depth, err, want)
	}
	ds, err := s.Due(ctx, t0, 1000)
	if err != nil || len(ds) != want {
		t.Fatalf("Due = %d, %v", len(ds), err)
	}
	for i := 1; i < len(ds); i++ {
		if ds[i].ID <= ds[i-1].ID {
			t.Fatalf("Due not ordered by id at %d: %d after %d", i, ds[i].ID, ds[i-1].ID)
		}
	}
}

// BenchmarkOutboxCycle measures one delivery's full life: Enqueue, Due,
// MarkAttempt, MarkSent, each a durable write.
func BenchmarkOutboxCycle(b *testing.B) {
	s, _, _ := mustOpenTemp(b)
	ctx := testCtx(b)
	payload := []byte(strings.Repeat("x", 2048))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		id, ok, err := s.Enqueue(ctx, Delivery{Key: fmt.Sprintf("octo/demo#%d:failure", i), Destination: "team-wecom", Payload: payload})
		if err != nil || !ok {
			b.Fatal(err)
		}
		ds, err := s.Due(ctx, t0, 10)
		if err != nil || len(ds) != 1 || ds[0].ID != id {
			b.Fatalf("Due = %d, %v", len(ds), err)
		}
		if err := s.MarkAttempt(ctx, id); err != nil {
			b.Fatal(err)
		}
		if err := s.MarkSent(ctx, id, t0); err != nil {
			b.Fatal(err)
		}
	}
}
