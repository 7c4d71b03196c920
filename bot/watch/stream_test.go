package watch

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
	"github.com/dronebot/dronebot/notify"
)

// runWatcher runs w until the test ends.
func runWatcher(t *testing.T, w *Watcher) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = w.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// waitAlerts waits until n alerts came and returns them.
func (h *harness) waitAlerts(t *testing.T, n int) []*notify.Alert {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var got []*notify.Alert
	for len(got) < n && time.Now().Before(deadline) {
		got = append(got, h.take()...)
		time.Sleep(10 * time.Millisecond)
	}
	if len(got) != n {
		t.Fatalf("%d alerts (%s), want %d", len(got), outcomes(got), n)
	}
	return got
}

// streams counts the open /api/stream/events requests seen so far.
func streams(h *harness) int {
	n := 0
	for _, r := range h.fake.Requests() {
		if r.Path == "/api/stream/events" {
			n++
		}
	}
	return n
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestStreamWoodpecker: in stream mode a finished pipeline costs one
// request, the failed step's log; a reconnect polls for what the stream
// missed meanwhile.
func TestStreamWoodpecker(t *testing.T) {
	h := newHarness(t, drone.DialectWoodpecker)
	h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
	h.fake.AddBuild("octo/demo", successBuild())
	var mu sync.Mutex
	found := map[string]int{}
	cycles := 0
	w := h.watcher(func(o *Options) {
		o.Mode, o.SafetyPoll = ModeStream, time.Hour
		o.OnFound = func(source string) { mu.Lock(); found[source]++; mu.Unlock() }
		o.OnCycle = func(time.Duration, error) { mu.Lock(); cycles++; mu.Unlock() }
	})
	runWatcher(t, w)
	// The first cycle, and the one the opened stream asks for: the first
	// may have listed before the stream was open.
	waitUntil(t, "the stream and two cycles", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return streams(h) == 1 && cycles == 2
	})
	if got := h.take(); outcomes(got) != "#1:success" {
		t.Fatalf("first cycles: %s, want #1:success (it finished after the first run)", outcomes(got))
	}
	mu.Lock()
	clear(found)
	mu.Unlock()
	h.fake.ResetRequests()

	h.fake.AddBuild("octo/demo", failingBuild())
	got := h.waitAlerts(t, 1)
	if outcomes(got) != "#2:failure" || got[0].Log == nil || got[0].Log.Cause != "error: cannot connect to database" {
		t.Fatalf("alert = %s %+v", outcomes(got), got[0].Log)
	}
	if !strings.HasSuffix(got[0].BuildLink, "/repos/octo/demo/pipeline/2") {
		t.Errorf("link = %s", got[0].BuildLink)
	}
	wantRequests(t, h, "GET /api/repos/1/logs/2/4")

	// The stream breaks; a build finishes before it is back.
	h.fake.SetDown(true)
	h.fake.EndStreams()
	h.fake.AddBuild("octo/demo", successBuild())
	h.fake.SetDown(false)
	got = h.waitAlerts(t, 2)
	if outcomes(got) != "#3:fixed #3:success" {
		t.Fatalf("after the reconnect: %s", outcomes(got))
	}
	waitUntil(t, "the cycle after the reconnect", func() bool { mu.Lock(); defer mu.Unlock(); return cycles == 3 })
	mu.Lock()
	defer mu.Unlock()
	if found["stream"] != 1 || found["poll"] != 1 || cycles != 3 {
		t.Errorf("found = %v after %d cycles, want #2 by the stream and #3 by the one poll after the reconnect", found, cycles)
	}
}

// TestStreamModeOnDrone: Drone has no event stream; stream mode polls at
// the interval instead.
func TestStreamModeOnDrone(t *testing.T) {
	h := newHarness(t, drone.DialectV1)
	h.fake.AddRepo("octo/demo", dronetest.RepoOptions{})
	h.fake.AddBuild("octo/demo", successBuild())
	var cycles atomic.Int32
	w := h.watcher(func(o *Options) {
		o.Mode, o.SafetyPoll, o.Interval = ModeStream, time.Hour, 50*time.Millisecond
		o.OnCycle = func(time.Duration, error) { cycles.Add(1) }
	})
	runWatcher(t, w)
	waitUntil(t, "the fallback to polling", func() bool { return w.Period() == 50*time.Millisecond && cycles.Load() >= 2 })
	if got := h.take(); outcomes(got) != "#1:success" {
		t.Fatalf("first cycles: %s", outcomes(got))
	}
	h.fake.AddBuild("octo/demo", failingBuild())
	if got := h.waitAlerts(t, 1); outcomes(got) != "#2:failure" {
		t.Fatalf("alerts = %s", outcomes(got))
	}
}
