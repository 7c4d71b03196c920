package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// memOutbox is an in-memory Outbox with the same ordering rule as the store:
// an item waiting out a retry holds back later items of its destination.
type memOutbox struct {
	mu    sync.Mutex
	items []*memItem
}

type memItem struct {
	Item
	next    time.Time
	state   string // queued, sent, dropped
	reason  string
	lastErr string
}

func (o *memOutbox) add(key, dest string, created time.Time, msg *notify.Message) {
	o.mu.Lock()
	defer o.mu.Unlock()
	payload, _ := json.Marshal(msg)
	o.items = append(o.items, &memItem{Item: Item{ID: int64(len(o.items) + 1), Key: key, Destination: dest, Payload: payload, Created: created}, state: "queued"})
}

func (o *memOutbox) Due(_ context.Context, now time.Time, limit int) ([]Item, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	held := map[string]bool{}
	var out []Item
	for _, it := range o.items {
		if it.state != "queued" {
			continue
		}
		if it.next.After(now) {
			held[it.Destination] = true
			continue
		}
		if held[it.Destination] || len(out) >= limit {
			continue
		}
		out = append(out, it.Item)
	}
	return out, nil
}

func (o *memOutbox) get(id int64) *memItem { return o.items[id-1] }

func (o *memOutbox) MarkAttempt(_ context.Context, id int64) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	it := o.get(id)
	it.Attempts++
	it.Attempted = true
	return nil
}

func (o *memOutbox) MarkSent(_ context.Context, id int64, _ time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	it := o.get(id)
	it.state, it.Attempted = "sent", false
	return nil
}

func (o *memOutbox) MarkRetry(_ context.Context, id int64, next time.Time, lastErr string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	it := o.get(id)
	it.next, it.lastErr, it.Attempted = next, lastErr, false
	return nil
}

func (o *memOutbox) MarkDropped(_ context.Context, id int64, reason string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	it := o.get(id)
	it.state, it.reason, it.Attempted = "dropped", reason, false
	return nil
}

// recSink records what it was sent and fails as its script says.
type recSink struct {
	name string
	mu   sync.Mutex
	got  []string
	fail func(n int) error // n counts Send calls from 1
	n    int
}

func (s *recSink) Name() string { return s.name }

func (s *recSink) Send(_ context.Context, m *notify.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	if s.fail != nil {
		if err := s.fail(s.n); err != nil {
			return err
		}
	}
	s.got = append(s.got, m.ID)
	return nil
}

func (s *recSink) sent() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.got...)
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type results struct {
	mu sync.Mutex
	n  map[Result]int
}

func (r *results) add(_ string, res Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n == nil {
		r.n = map[Result]int{}
	}
	r.n[res]++
}

func (r *results) get(res Result) int { r.mu.Lock(); defer r.mu.Unlock(); return r.n[res] }

func newWorker(ob Outbox, clk *clock, res *results, sinks ...*recSink) *Worker {
	m := map[string]notify.Sink{}
	for _, s := range sinks {
		m[s.name] = s
	}
	return &Worker{
		Outbox:   ob,
		Sink:     func(d string) (notify.Sink, bool) { s, ok := m[d]; return s, ok },
		Limit:    func(string) []Window { return []Window{{N: 20, Per: time.Minute}} },
		MaxAge:   24 * time.Hour,
		Now:      clk.Now,
		OnResult: res.add,
	}
}

func msg(id string) *notify.Message {
	return &notify.Message{ID: id, Notice: &notify.Notice{Title: id, Text: "x"}}
}

func TestRetryKeepsOrderAndDeliversOnce(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	ob := &memOutbox{}
	// The sink fails its first three sends with a server error.
	flaky := &recSink{name: "hook", fail: func(n int) error {
		if n <= 3 {
			return errors.New("HTTP 503")
		}
		return nil
	}}
	res := &results{}
	w := newWorker(ob, clk, res, flaky)
	for i := 1; i <= 5; i++ {
		ob.add(fmt.Sprintf("k%d", i), "hook", clk.Now(), msg(fmt.Sprintf("m%d", i)))
	}
	for round := 0; round < 20; round++ {
		if err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		clk.add(10 * time.Minute)
	}
	got := flaky.sent()
	want := []string{"m1", "m2", "m3", "m4", "m5"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("sent %v, want %v", got, want)
	}
	if res.get(ResultRetry) != 3 || res.get(ResultSent) != 5 {
		t.Errorf("results %v, want 3 retries and 5 sent", res.n)
	}
}

func TestRetryWaitIsCapped(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	clk := &clock{now: start}
	ob := &memOutbox{}
	// The platform asks for a year, then for an overflowing wait.
	asks := []time.Duration{365 * 24 * time.Hour, time.Duration(1<<63 - 1)}
	greedy := &recSink{name: "hook", fail: func(n int) error {
		if n <= len(asks) {
			return notify.RetryAfter(errors.New("HTTP 503"), asks[n-1])
		}
		return nil
	}}
	res := &results{}
	w := newWorker(ob, clk, res, greedy)
	var logs syncLog
	w.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	ob.add("k1", "hook", clk.Now(), msg("m1"))
	for i := range asks {
		if err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		next := ob.get(1).next
		if wait := next.Sub(clk.Now()); wait <= 0 || wait > MaxRetryWait {
			t.Fatalf("ask %d: waits %v, want at most %v", i, wait, MaxRetryWait)
		}
		clk.add(MaxRetryWait)
	}
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if got := greedy.sent(); fmt.Sprint(got) != "[m1]" {
		t.Errorf("sent %v, want [m1] within two capped waits", got)
	}
	if n := strings.Count(logs.String(), "waiting the cap"); n != 1 {
		t.Errorf("the cap was logged %d times, want once:\n%s", n, logs.String())
	}
}

// syncLog collects log output from concurrent lanes.
type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func TestPermanentFailureDropsAndReports(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	ob := &memOutbox{}
	bad := &recSink{name: "robot", fail: func(n int) error {
		if n == 1 {
			return notify.Permanent(errors.New("the WeCom robot key is invalid"))
		}
		return nil
	}}
	res := &results{}
	w := newWorker(ob, clk, res, bad)
	var reported []string
	w.OnFailed = func(dest string, err error) { reported = append(reported, dest+": "+err.Error()) }
	ob.add("a", "robot", clk.Now(), msg("m1"))
	ob.add("b", "robot", clk.Now(), msg("m2"))
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if got := bad.sent(); fmt.Sprint(got) != "[m2]" {
		t.Errorf("sent %v, want [m2] (the refused one is not retried)", got)
	}
	if ob.get(1).state != "dropped" || len(reported) != 1 {
		t.Errorf("state %q, reported %v", ob.get(1).state, reported)
	}
}

func TestSlidingWindowNeverExceedsLimit(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	clk := &clock{now: start}
	ob := &memOutbox{}
	robot := &recSink{name: "robot"}
	var sendTimes []time.Time
	robot.fail = func(int) error { sendTimes = append(sendTimes, clk.Now()); return nil }
	res := &results{}
	w := newWorker(ob, clk, res, robot)
	for i := 0; i < 45; i++ {
		ob.add(fmt.Sprintf("k%d", i), "robot", clk.Now(), msg(fmt.Sprintf("m%d", i)))
	}
	for clk.Now().Before(start.Add(5 * time.Minute)) {
		if err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		clk.add(7 * time.Second)
	}
	if len(robot.sent()) != 45 {
		t.Fatalf("sent %d, want 45", len(robot.sent()))
	}
	sort.Slice(sendTimes, func(i, j int) bool { return sendTimes[i].Before(sendTimes[j]) })
	for i := range sendTimes {
		n := 0
		for j := i; j < len(sendTimes) && sendTimes[j].Sub(sendTimes[i]) < time.Minute; j++ {
			n++
		}
		if n > 20 {
			t.Fatalf("%d sends within one minute from %s", n, sendTimes[i])
		}
	}
}

func TestTooOldIsDroppedAndCounted(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	ob := &memOutbox{}
	s := &recSink{name: "hook"}
	res := &results{}
	w := newWorker(ob, clk, res, s)
	ob.add("old", "hook", clk.Now().Add(-25*time.Hour), msg("old"))
	ob.add("new", "hook", clk.Now(), msg("new"))
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(s.sent()) != "[new]" || res.get(ResultExpired) != 1 {
		t.Errorf("sent %v, expired %d", s.sent(), res.get(ResultExpired))
	}
}

func TestAmbiguousAndInterruptedSendsAreCounted(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	ob := &memOutbox{}
	s := &recSink{name: "hook", fail: func(n int) error {
		if n == 1 {
			return notify.Ambiguous(errors.New("timeout after the request was written"))
		}
		return nil
	}}
	res := &results{}
	w := newWorker(ob, clk, res, s)
	ob.add("a", "hook", clk.Now(), msg("a"))
	// A send of "b" started before a crash and was never recorded.
	ob.add("b", "hook", clk.Now(), msg("b"))
	ob.get(2).Attempted = true
	for i := 0; i < 3; i++ {
		if err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		clk.add(time.Minute)
	}
	if fmt.Sprint(s.sent()) != "[a b]" {
		t.Errorf("sent %v", s.sent())
	}
	// One ambiguous timeout, one send after an interrupted attempt.
	if got := res.get(ResultAmbiguous); got != 2 {
		t.Errorf("ambiguous = %d, want 2", got)
	}
}

// hangSink blocks until its context ends, like a mail server that accepts
// the connection and never answers.
type hangSink struct{ name string }

func (h hangSink) Name() string { return h.name }
func (h hangSink) Send(ctx context.Context, _ *notify.Message) error {
	<-ctx.Done()
	return ctx.Err()
}

func TestSlowDestinationDoesNotBlockOthers(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clk := &clock{now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	ob := &memOutbox{}
	fast := &recSink{name: "fast"}
	res := &results{}
	w := newWorker(ob, clk, res, fast)
	inner := w.Sink
	w.Sink = func(d string) (notify.Sink, bool) {
		if d == "mail" {
			return hangSink{name: "mail"}, true
		}
		return inner(d)
	}
	w.SendTimeout = time.Hour
	ob.add("m", "mail", clk.Now(), msg("mail"))
	ob.add("f", "fast", clk.Now(), msg("fast"))
	if err := w.Dispatch(ctx); err != nil {
		t.Fatal(err)
	}
	// The fast lane finishes although the mail lane hangs.
	deadline := time.After(10 * time.Second)
	for len(fast.sent()) == 0 {
		select {
		case <-deadline:
			t.Fatal("fast destination was blocked by the hanging one")
		case <-time.After(5 * time.Millisecond):
		}
	}
	// Shutdown with a short deadline cancels the hanging send; its message
	// stays queued for the next start.
	sctx, scancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer scancel()
	if err := w.Wait(sctx); err == nil {
		t.Error("Wait: want an error naming the cancelled sends")
	}
	if st := ob.get(1).state; st != "queued" {
		t.Errorf("hanging message state %q, want queued", st)
	}
}

// alertSink records the alerts of every message it is sent.
type alertSink struct {
	mu    sync.Mutex
	sends [][]string // alert IDs per message
	times []time.Time
	now   func() time.Time
}

func (s *alertSink) Name() string { return "robot" }
func (s *alertSink) Send(_ context.Context, m *notify.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for _, a := range m.Alerts {
		ids = append(ids, a.ID)
	}
	s.sends = append(s.sends, ids)
	s.times = append(s.times, s.now())
	return nil
}

func alertMsg(id string, summary bool) *notify.Message {
	return &notify.Message{ID: id, Summary: summary, Alerts: []*notify.Alert{{ID: id, Outcome: notify.OutcomeFailure, Repo: "octo/" + id, Build: 1}}}
}

func TestBurstIsMergedWithinTheRateAndNamesEveryBuild(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	ob := &memOutbox{}
	sink := &alertSink{now: clk.Now}
	w := &Worker{Outbox: ob, Now: clk.Now,
		Sink:  func(string) (notify.Sink, bool) { return sink, true },
		Limit: func(string) []Window { return []Window{{N: 20, Per: time.Minute}} }}
	// Ten alerts already went out this minute.
	for i := 0; i < 10; i++ {
		ob.add(fmt.Sprintf("early%d", i), "robot", clk.Now(), alertMsg(fmt.Sprintf("early%d", i), false))
		if err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 100; i++ {
		id := fmt.Sprintf("b%03d", i)
		ob.add(id, "robot", clk.Now(), alertMsg(id, false))
	}
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	named := map[string]bool{}
	for _, ids := range sink.sends[10:] {
		for _, id := range ids {
			if named[id] {
				t.Errorf("%s named twice", id)
			}
			named[id] = true
		}
	}
	if len(named) != 100 {
		t.Fatalf("%d builds named in the same minute, want all 100 (sends: %v)", len(named), sink.sends[10:])
	}
	if len(sink.sends) > 20 {
		t.Errorf("%d messages in one minute, limit 20", len(sink.sends))
	}
	if got := len(sink.sends) - 10; got != 5 {
		t.Errorf("burst sent as %d messages, want 5 of %d alerts", got, maxMerged)
	}
}

func TestOldNewsIsSummarised(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	ob := &memOutbox{}
	sink := &alertSink{now: clk.Now}
	w := &Worker{Outbox: ob, Now: clk.Now, Sink: func(string) (notify.Sink, bool) { return sink, true }}
	ob.add("old1", "robot", clk.Now(), alertMsg("old1", true))
	ob.add("old2", "robot", clk.Now(), alertMsg("old2", true))
	ob.add("old3", "robot", clk.Now(), alertMsg("old3", true))
	ob.add("new", "robot", clk.Now(), alertMsg("new", false))
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(sink.sends); got != "[[old1 old2 old3] [new]]" {
		t.Errorf("sends %s, want the old builds in one summary, then the new one alone", got)
	}
	for i := 1; i <= 4; i++ {
		if st := ob.get(int64(i)).state; st != "sent" {
			t.Errorf("item %d state %s", i, st)
		}
	}
}
