// Package sinktest runs the fault tests every sink type passes: its sink,
// made through the registry, behind the bot's real store and delivery
// worker, against the type's local fake refusing, accepting and hanging.
// A sink type's tests call Run with its fake.
package sinktest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/delivery"
	"github.com/dronebot/dronebot/notify/registry"
)

// Fake is one sink type's local fake as the fault tests drive it.
type Fake struct {
	// Type is the sink type's name in the registry; Config points its sink
	// at the fake.
	Type   string
	Config notify.SinkConfig
	// Out is where a stdout sink writes.
	Out io.Writer
	// Fail makes the fake refuse the next n messages with an answer worth
	// retrying: a 5xx, or the platform's rate-limit answer.
	Fail func(n int)
	// Hang makes it accept the next message and never answer; nil when the
	// fake cannot.
	Hang func()
	// Texts reads what it accepted, one string per message.
	Texts func() []string
	// DeliveryIDs, where the platform carries them, are the
	// X-Dronebot-Delivery headers of every request.
	DeliveryIDs func() []string
}

// Run runs the fault tests against the fakes start makes, a fresh one
// for each test.
func Run(t *testing.T, start func(t *testing.T) Fake) {
	t.Run("delivers each once in order after faults", func(t *testing.T) {
		f := start(t)
		r := NewRig(t, build(t, f))
		f.Fail(3)
		builds := r.Enqueue(t, f.Type, 6)
		r.Drain(t)
		got := Arrivals(f.Texts(), builds)
		if strings.Join(got, ",") != strings.Join(builds, ",") {
			t.Errorf("arrived %v, want each of %v once, in order; accepted: %q", got, builds, f.Texts())
		}
		if r.Results()[delivery.ResultRetry] == 0 {
			t.Errorf("no retry was counted: %v", r.Results())
		}
	})
	t.Run("an ambiguous send is retried and counted", func(t *testing.T) {
		f := start(t)
		if f.Hang == nil {
			t.Skipf("the %s fake cannot accept a message and then hang", f.Type)
		}
		r := NewRig(t, build(t, f))
		f.Hang()
		builds := r.Enqueue(t, f.Type, 3)
		r.Drain(t)
		got := Arrivals(f.Texts(), builds)
		seen := map[string]int{}
		for _, b := range got {
			seen[b]++
		}
		for _, b := range builds {
			if seen[b] < 1 {
				t.Errorf("%s never arrived (arrivals %v)", b, got)
			}
		}
		if seen[builds[0]] != 2 {
			t.Errorf("the accepted-then-hung alert arrived %d times, want a copy (2)", seen[builds[0]])
		}
		if r.Results()[delivery.ResultAmbiguous] < 1 {
			t.Error("the copy was not counted as ambiguous")
		}
		if f.DeliveryIDs != nil {
			ids := f.DeliveryIDs()
			if len(ids) != 4 || ids[0] == "" || ids[0] != ids[1] {
				t.Errorf("delivery ids %q: the copy must carry the first attempt's id", ids)
			}
		}
	})
}

// build makes f's sink through its type's registry row.
func build(t *testing.T, f Fake) notify.Sink {
	t.Helper()
	rt, ok := registry.Lookup(f.Type)
	if !ok {
		t.Fatalf("no sink type %q in the registry", f.Type)
	}
	s, err := rt.New(f.Config, notify.Env{Name: f.Type, HTTP: &http.Client{Timeout: 10 * time.Second},
		Log: slog.New(slog.DiscardHandler), Out: f.Out})
	if err != nil {
		t.Fatalf("build %s sink: %v", f.Type, err)
	}
	return s
}

// Rig is a real store and delivery worker around one sink, on a clock the
// test moves so that backoffs pass at once.
type Rig struct {
	Store  *store.Store
	Worker *delivery.Worker

	mu      sync.Mutex
	now     time.Time
	results map[delivery.Result]int
}

// NewRig opens a store in a temporary directory and a worker sending every
// destination's messages to sink.
func NewRig(t *testing.T, sink notify.Sink) *Rig {
	t.Helper()
	r := &Rig{now: time.Now(), results: map[delivery.Result]int{}}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "bot.db"), store.Options{Now: r.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r.Store = st
	r.Worker = &delivery.Worker{Outbox: outbox{st}, Now: r.Now, Logger: slog.New(slog.DiscardHandler), SendTimeout: 2 * time.Second,
		Sink:  func(string) (notify.Sink, bool) { return sink, true },
		Limit: func(string) []delivery.Window { return notify.LimitsOf(sink) },
		OnResult: func(_ string, res delivery.Result) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.results[res]++
		}}
	return r
}

// Now is the rig's clock.
func (r *Rig) Now() time.Time { r.mu.Lock(); defer r.mu.Unlock(); return r.now }

// Advance moves the clock on.
func (r *Rig) Advance(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.now = r.now.Add(d)
}

// Results counts what became of each send so far.
func (r *Rig) Results() map[delivery.Result]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[delivery.Result]int, len(r.results))
	for k, v := range r.results {
		out[k] = v
	}
	return out
}

// Enqueue queues failure alerts of builds 1..n of two repositories,
// interleaved, for dest, and returns their names ("octo/b #1") in order.
func (r *Rig) Enqueue(t *testing.T, dest string, n int) []string {
	t.Helper()
	var order []string
	for i := 1; i <= n; i++ {
		repo := []string{"octo/a", "octo/b"}[i%2]
		a := &notify.Alert{ID: fmt.Sprintf("%s#%d:failure", repo, i), Outcome: notify.OutcomeFailure, Repo: repo,
			Build: int64(i), Status: "failure", Branch: "main", Title: fmt.Sprintf("change %d", i), At: r.Now(),
			FailedSteps: []notify.FailedStep{{Stage: "default", Name: "test", ExitCode: 1}}}
		payload, err := json.Marshal(&notify.Message{ID: dest + "/" + a.ID, Alerts: []*notify.Alert{a}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := r.Store.Enqueue(context.Background(), store.Delivery{Key: a.ID, Destination: dest, Payload: payload, Created: r.Now()}); err != nil {
			t.Fatal(err)
		}
		order = append(order, fmt.Sprintf("%s #%d", repo, i))
	}
	return order
}

// Drain runs the worker, moving the clock past every backoff and rate
// window, until the outbox is empty.
func (r *Rig) Drain(t *testing.T) {
	t.Helper()
	for range 60 {
		if err := r.Worker.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		depth, _, err := r.Store.OutboxStats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if depth == 0 {
			return
		}
		r.Advance(2 * time.Minute)
	}
	t.Fatal("the outbox never emptied")
}

// Arrivals finds, in each accepted message, which of builds it names.
func Arrivals(texts []string, builds []string) []string {
	var got []string
	for _, text := range texts {
		for _, b := range builds {
			if strings.Contains(text, b+" ") || strings.Contains(text, b+"\n") || strings.Contains(text, b+"*") ||
				strings.Contains(text, b+"(") || strings.HasSuffix(text, b) || strings.Contains(text, b+"<") ||
				strings.Contains(text, b+"\"") || strings.Contains(text, b+"]") {
				got = append(got, b)
			}
		}
	}
	return got
}

// outbox is the store seen as the delivery worker's Outbox.
type outbox struct{ s *store.Store }

func (o outbox) Due(ctx context.Context, now time.Time, limit int) ([]delivery.Item, error) {
	ds, err := o.s.Due(ctx, now, limit)
	if err != nil {
		return nil, err
	}
	items := make([]delivery.Item, len(ds))
	for i, d := range ds {
		items[i] = delivery.Item{ID: d.ID, Key: d.Key, Destination: d.Destination, Payload: d.Payload,
			Created: d.Created, Attempts: d.Attempts, Attempted: d.Attempted}
	}
	return items, nil
}

func (o outbox) MarkAttempt(ctx context.Context, id int64) error { return o.s.MarkAttempt(ctx, id) }
func (o outbox) MarkSent(ctx context.Context, id int64, at time.Time) error {
	return o.s.MarkSent(ctx, id, at)
}
func (o outbox) MarkRetry(ctx context.Context, id int64, next time.Time, lastErr string) error {
	return o.s.MarkRetry(ctx, id, next, lastErr)
}
func (o outbox) MarkDropped(ctx context.Context, id int64, reason string) error {
	return o.s.MarkDropped(ctx, id, reason)
}
