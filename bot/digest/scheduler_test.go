package digest

import (
	"context"
	"errors"
	"github.com/dronebot/dronebot/bot/store"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is the scheduler's clock: Wait moves time on at once and
// cancels the run once time passes end.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	end    time.Time
	cancel context.CancelFunc
	waits  int
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *fakeClock) Wait(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.waits++
	past := c.now.After(c.end)
	c.mu.Unlock()
	if past {
		c.cancel()
	}
	return ctx.Err()
}

// sent is one call of Scheduler.Send.
type sent struct {
	name         string
	since, until time.Time
	runs         int
}

type recorder struct {
	mu    sync.Mutex
	calls []sent
	fail  int // fail this many calls first
}

func (r *recorder) Send(_ context.Context, spec Spec, rep *Report) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, sent{spec.Name, rep.Since, rep.Until, rep.Totals.Runs})
	if r.fail > 0 {
		r.fail--
		return errBoom
	}
	return nil
}

func (r *recorder) take() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.calls
	r.calls = nil
	return out
}

func newScheduler(st *memStore, clock *fakeClock, rec *recorder, specs ...Spec) *Scheduler {
	return &Scheduler{Digests: specs, Store: st, History: st, Send: rec.Send, Now: clock.Now, Wait: clock.Wait}
}

// checkCalls compares Send calls, with times written in loc.
func checkCalls(t *testing.T, got []sent, loc *time.Location, want ...string) {
	t.Helper()
	var g []string
	for _, c := range got {
		g = append(g, c.name+" "+c.since.In(loc).Format(timeLayout)+" - "+c.until.In(loc).Format(timeLayout))
	}
	if strings.Join(g, "\n") != strings.Join(want, "\n") {
		t.Fatalf("sends:\n%s\nwant:\n%s", strings.Join(g, "\n"), strings.Join(want, "\n"))
	}
}

// TestMissedScheduleSentOnce: down over the hour, one digest on start;
// restarted again, none; a manual send does not move the schedule.
func TestMissedScheduleSentOnce(t *testing.T) {
	utc := time.UTC
	ts := func(s string) time.Time { return at(t, utc, s) }
	hourly := Spec{Name: "hourly", Schedule: "0 * * * *", Location: utc}
	st := &memStore{sent: map[string]time.Time{"hourly": ts("2024-05-06 10:00")}}
	st.builds = []store.BuildRecord{
		{Repo: "a/b", Number: 1, Status: "success", Finished: ts("2024-05-06 10:30")},
		{Repo: "a/b", Number: 2, Status: "failure", Finished: ts("2024-05-06 11:30")},
		{Repo: "a/b", Number: 3, Status: "success", Finished: ts("2024-05-06 12:10")},
	}
	rec := &recorder{}
	clock := &fakeClock{now: ts("2024-05-06 12:30")} // 11:00 and 12:00 were missed
	ctx := context.Background()

	if err := newScheduler(st, clock, rec, hourly).CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	calls := rec.take()
	checkCalls(t, calls, utc, "hourly 2024-05-06 10:00 - 2024-05-06 12:00")
	if calls[0].runs != 2 {
		t.Errorf("runs = %d, want 2", calls[0].runs)
	}
	if got := st.sent["hourly"]; !got.Equal(ts("2024-05-06 12:00")) {
		t.Fatalf("state = %s", got)
	}

	clock.set(ts("2024-05-06 12:40")) // restarted again
	s := newScheduler(st, clock, rec, hourly)
	if err := s.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	checkCalls(t, rec.take(), utc)

	clock.set(ts("2024-05-06 12:45"))
	if err := s.SendNow(ctx, "hourly"); err != nil {
		t.Fatal(err)
	}
	calls = rec.take()
	checkCalls(t, calls, utc, "hourly 2024-05-06 12:00 - 2024-05-06 12:45")
	if calls[0].runs != 1 {
		t.Errorf("manual runs = %d, want 1", calls[0].runs)
	}
	if got := st.sent["hourly"]; !got.Equal(ts("2024-05-06 12:00")) {
		t.Fatalf("a manual send moved the schedule to %s", got)
	}

	// Running on: the 13:00 and 14:00 slots each go out once, each
	// covering the hour before it.
	runCtx, cancel := context.WithCancel(ctx)
	clock.end, clock.cancel = ts("2024-05-06 14:30"), cancel
	if err := s.Run(runCtx); err != nil {
		t.Fatal(err)
	}
	checkCalls(t, rec.take(), utc,
		"hourly 2024-05-06 12:00 - 2024-05-06 13:00",
		"hourly 2024-05-06 13:00 - 2024-05-06 14:00")
	if got := st.sent["hourly"]; !got.Equal(ts("2024-05-06 14:00")) {
		t.Fatalf("state = %s", got)
	}
}

// TestFirstDigestCoversOneInterval: a digest never sent waits for its next
// slot, which covers one schedule interval; the next one starts there.
func TestFirstDigestCoversOneInterval(t *testing.T) {
	sh := mustLoc(t, "Asia/Shanghai")
	ts := func(s string) time.Time { return at(t, sh, s) }
	weekdays := Spec{Name: "daily", Schedule: "0 9 * * 1-5", Location: sh}
	fixed := Spec{Name: "fixed", Schedule: "0 9 * * 1-5", Location: sh, Period: 12 * time.Hour}
	st := &memStore{}
	rec := &recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	// Started Monday 08:30, after a weekend and a Friday slot never sent.
	clock := &fakeClock{now: ts("2024-05-06 08:30"), end: ts("2024-05-07 10:00"), cancel: cancel}
	s := newScheduler(st, clock, rec, weekdays, fixed)
	if err := s.Run(ctx); err != nil {
		t.Fatal(err)
	}
	checkCalls(t, rec.take(), sh,
		"daily 2024-05-03 09:00 - 2024-05-06 09:00",
		"fixed 2024-05-05 21:00 - 2024-05-06 09:00",
		"daily 2024-05-06 09:00 - 2024-05-07 09:00",
		"fixed 2024-05-06 21:00 - 2024-05-07 09:00")
	// The clock never sleeps more than a minute, so a wall-clock jump
	// costs at most that: 25.5 hours are at least 1,530 waits.
	if clock.waits < 1530 {
		t.Errorf("waits = %d", clock.waits)
	}
}

func TestFailedSendIsRetriedThenGivenUp(t *testing.T) {
	utc := time.UTC
	ts := func(s string) time.Time { return at(t, utc, s) }
	hourly := Spec{Name: "hourly", Schedule: "0 * * * *", Location: utc}
	ctx := context.Background()

	t.Run("retried after the delay", func(t *testing.T) {
		st := &memStore{sent: map[string]time.Time{"hourly": ts("2024-05-06 09:00")}}
		rec := &recorder{fail: 1}
		clock := &fakeClock{now: ts("2024-05-06 10:00")}
		s := newScheduler(st, clock, rec, hourly)
		s.RetryDelay = 5 * time.Minute
		if err := s.CatchUp(ctx); !errors.Is(err, errBoom) {
			t.Fatalf("err = %v", err)
		}
		clock.set(ts("2024-05-06 10:04"))
		if err := s.tick(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(rec.take()); n != 1 {
			t.Fatalf("%d sends before the retry delay, want the 1 that failed", n)
		}
		clock.set(ts("2024-05-06 10:05"))
		if err := s.tick(ctx); err != nil {
			t.Fatal(err)
		}
		checkCalls(t, rec.take(), utc, "hourly 2024-05-06 09:00 - 2024-05-06 10:00")
		if got := st.sent["hourly"]; !got.Equal(ts("2024-05-06 10:00")) {
			t.Fatalf("state = %s", got)
		}
	})
	t.Run("given up after max attempts", func(t *testing.T) {
		st := &memStore{sent: map[string]time.Time{"hourly": ts("2024-05-06 09:00")}}
		rec := &recorder{fail: 100}
		clock := &fakeClock{now: ts("2024-05-06 10:00")}
		s := newScheduler(st, clock, rec, hourly)
		s.RetryDelay, s.MaxAttempts = time.Minute, 2
		_ = s.CatchUp(ctx)
		clock.set(ts("2024-05-06 10:01"))
		if err := s.tick(ctx); err != nil {
			t.Fatalf("the last attempt is logged, not returned: %v", err)
		}
		clock.set(ts("2024-05-06 10:30"))
		if err := s.tick(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(rec.take()); n != 2 {
			t.Fatalf("%d attempts, want 2", n)
		}
		if got := st.sent["hourly"]; !got.Equal(ts("2024-05-06 10:00")) {
			t.Fatalf("state = %s", got)
		}
	})
	t.Run("history down: nothing sent, nothing recorded", func(t *testing.T) {
		st := &memStore{sent: map[string]time.Time{"hourly": ts("2024-05-06 09:00")}, fail: errBoom}
		rec := &recorder{}
		s := newScheduler(st, &fakeClock{now: ts("2024-05-06 10:00")}, rec, hourly)
		if err := s.CatchUp(ctx); !errors.Is(err, errBoom) {
			t.Fatalf("err = %v", err)
		}
		if len(rec.take()) != 0 || !st.sent["hourly"].Equal(ts("2024-05-06 09:00")) {
			t.Fatal("a digest without history went out or moved the schedule")
		}
	})
}

func TestManualLookup(t *testing.T) {
	st := &memStore{}
	clock := &fakeClock{now: time.Date(2024, 5, 6, 10, 0, 0, 0, time.UTC)}
	s := newScheduler(st, clock, &recorder{},
		Spec{Name: "a", Schedule: "0 * * * *"}, Spec{Name: "b", Schedule: "0 9 * * *", Repos: []string{"octo/*"}})
	if spec, err := s.Spec(""); err != nil || spec.Name != "a" {
		t.Fatalf("default spec %q, %v", spec.Name, err)
	}
	if _, err := s.Spec("nope"); err == nil || !strings.Contains(err.Error(), "configured: a, b") {
		t.Fatalf("err = %v", err)
	}
	if _, _, err := s.Manual(context.Background(), "b"); err != nil {
		t.Fatal(err)
	}
	if got := st.globs[len(st.globs)-1]; strings.Join(got, ",") != "octo/*" {
		t.Fatalf("history asked for %q", got)
	}
	if _, err := (&Scheduler{}).Spec(""); err == nil {
		t.Fatal("no digests, no error")
	}
	never := newScheduler(st, clock, &recorder{}, Spec{Name: "never", Schedule: "0 0 30 2 *"})
	if err := never.CatchUp(context.Background()); err != nil {
		t.Fatalf("a schedule that never fires: %v", err)
	}
}
