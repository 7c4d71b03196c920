package watch

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
	"github.com/dronebot/dronebot/notify"
)

// harness is a fake Drone, a real client, a real store and an emit
// func that keeps what it is given.
type harness struct {
	t      testing.TB
	fake   *dronetest.Server
	client drone.Client
	state  *store.Store

	mu     sync.Mutex
	alerts []*notify.Alert
}

var dialects = []drone.Dialect{drone.DialectV1, drone.DialectV08, drone.DialectWoodpecker}

func newHarness(tb testing.TB, dialect drone.Dialect) *harness {
	tb.Helper()
	fake := dronetest.New(dialect)
	tb.Cleanup(fake.Close)
	client, err := drone.New(drone.Config{
		Server: fake.URL, Token: fake.Token, Dialect: dialect,
		Timeout: 5 * time.Second, Retries: -1,
	})
	if err != nil {
		tb.Fatalf("drone.New: %v", err)
	}
	return &harness{t: tb, fake: fake, client: client, state: newState(tb, time.Now().Add(-time.Hour))}
}

// newState opens a store in a temporary directory whose first run was at
// firstRun: the first open fixes it, the second runs on the wall clock.
func newState(tb testing.TB, firstRun time.Time) *store.Store {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "dronebot.db")
	st, err := store.Open(context.Background(), path, store.Options{Now: func() time.Time { return firstRun }})
	if err == nil {
		err = st.Close()
	}
	if err == nil {
		st, err = store.Open(context.Background(), path, store.Options{})
	}
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// line is the stored state of repo@branch; ok is false when it is unknown.
func (h *harness) line(repo, branch string) (store.Line, bool) {
	h.t.Helper()
	l, ok, err := h.state.GetLine(context.Background(), repo, branch)
	if err != nil {
		h.t.Fatalf("get line: %v", err)
	}
	return l, ok
}

// history is every recorded build, oldest first.
func (h *harness) history() []store.BuildRecord {
	h.t.Helper()
	recs, err := h.state.History(context.Background(), time.Time{}, time.Now().Add(time.Hour), nil)
	if err != nil {
		h.t.Fatalf("history: %v", err)
	}
	return recs
}

func (h *harness) emit(_ context.Context, a *notify.Alert) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.alerts = append(h.alerts, a)
	return nil
}

// take returns the alerts emitted since the last take.
func (h *harness) take() []*notify.Alert {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.alerts
	h.alerts = nil
	return out
}

func (h *harness) watcher(edit ...func(*Options)) *Watcher {
	h.t.Helper()
	opts := Options{
		Client: h.client, State: h.state, Emit: h.emit,
		LogTail: 5, DroneURL: "https://drone.example.com",
		Secrets: []string{h.fake.Token},
	}
	for _, e := range edit {
		e(&opts)
	}
	w, err := New(opts)
	if err != nil {
		h.t.Fatalf("watch.New: %v", err)
	}
	return w
}

// cycle runs one poll and returns the alerts it emitted.
func (h *harness) cycle(w *Watcher) []*notify.Alert {
	h.t.Helper()
	if _, err := w.RunOnce(context.Background()); err != nil {
		h.t.Fatalf("RunOnce: %v", err)
	}
	return h.take()
}

// failingBuild has a clone step and a test step that fails with exit code
// 2 after a 40-line log whose third line holds the cause.
func failingBuild() dronetest.BuildSpec {
	log := make([]string, 40)
	for i := range log {
		log[i] = fmt.Sprintf("\x1b[32mrunning case %d\x1b[0m", i+1)
	}
	log[2] = "\x1b[31merror: cannot connect to database\x1b[0m"
	log[39] = "exit status 2"
	return dronetest.BuildSpec{
		Status:  drone.StatusFailure,
		Message: "Add the thing\n\nLonger description.",
		Author:  "pan",
		Stages: []dronetest.StageSpec{{Name: "default", Status: drone.StatusFailure, Steps: []dronetest.StepSpec{
			{Name: "clone", Status: drone.StatusSuccess, Log: []string{"cloning"}},
			{Name: "test", Status: drone.StatusFailure, ExitCode: 2, Log: log},
			{Name: "notify", Status: drone.StatusSkipped},
		}}},
	}
}

func successBuild() dronetest.BuildSpec {
	return dronetest.BuildSpec{Status: drone.StatusSuccess, Stages: []dronetest.StageSpec{{
		Name: "default", Status: drone.StatusSuccess, Steps: []dronetest.StepSpec{
			{Name: "clone", Status: drone.StatusSuccess, Log: []string{"cloning"}},
			{Name: "test", Status: drone.StatusSuccess, Log: []string{"ok"}},
		}}}}
}

func outcomes(as []*notify.Alert) string {
	s := ""
	for i, a := range as {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("#%d:%s", a.Build, a.Outcome)
		if a.Outcome == notify.OutcomeStillFailing {
			s += fmt.Sprintf("(%d)", a.FailCount)
		}
	}
	return s
}

// The secret the recorded webhook deliveries were signed with (see
// drone/testdata/drone-2.25/README.md).
const fixtureSecret = "985336ce425abc7483de804257f8428e"

// loadDeliveries reads the recorded deliveries, in the order Drone sent them.
func loadDeliveries(tb testing.TB) []dronetest.Delivery {
	tb.Helper()
	ds, err := dronetest.LoadDeliveries("../../drone/testdata/drone-2.25/webhooks")
	if err != nil {
		tb.Fatal(err)
	}
	return ds
}
