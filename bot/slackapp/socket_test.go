package slackapp

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/dronebot/dronebot/drone"
)

// ackRecorder records Socket Mode acknowledgements instead of writing them
// to a WebSocket.
type ackRecorder struct {
	mu   sync.Mutex
	acks map[string]string // envelope id -> payload JSON
}

func (r *ackRecorder) AckCtx(_ context.Context, envelopeID string, payload any) error {
	js, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.acks[envelopeID] = string(js)
	return nil
}

// forget drops an envelope's acknowledgement, to wait for a second one.
func (r *ackRecorder) forget(envelopeID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.acks, envelopeID)
}

func (r *ackRecorder) wait(tb testing.TB, envelopeID string) string {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r.mu.Lock()
		got, ok := r.acks[envelopeID]
		r.mu.Unlock()
		if ok {
			return got
		}
		if time.Now().After(deadline) {
			tb.Fatalf("envelope %s not acknowledged after 10s", envelopeID)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSocketModeRouting feeds Socket Mode events through slack-go's own
// dispatcher, with no network: each is acknowledged and answered.
func TestSocketModeRouting(t *testing.T) {
	h := newHarness(t, Config{AppToken: "xapp-test"})
	client := h.app.socketClient()
	acks := &ackRecorder{acks: map[string]string{}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	router := h.app.socketHandler(ctx, client, acks)

	router.DispatchEvent(socketmode.Event{
		Type:    socketmode.EventTypeSlashCommand,
		Request: &socketmode.Request{Type: socketmode.RequestTypeSlashCommands, EnvelopeID: "env-slash"},
		Data: slackapi.SlashCommand{TeamID: testTeam, ChannelID: testChan, UserID: writer, Command: "/drone",
			Text: "status octo/demo 2", ResponseURL: h.replies.srv.URL + "/socket-slash"},
	})
	if ack := acks.wait(t, "env-slash"); !strings.Contains(ack, "Working on") || !strings.Contains(ack, "ephemeral") {
		t.Errorf("slash ack = %s", ack)
	}
	mustContain(t, h.replies.wait(t, "/socket-slash", 1)[0].content(), "octo/demo #2: failure", "test: failure, exit code 2")

	// Slack redelivers an envelope it thinks was lost: it is acknowledged
	// again and not run twice.
	acks.forget("env-slash")
	router.DispatchEvent(socketmode.Event{
		Type:    socketmode.EventTypeSlashCommand,
		Request: &socketmode.Request{Type: socketmode.RequestTypeSlashCommands, EnvelopeID: "env-slash", RetryAttempt: 1},
		Data: slackapi.SlashCommand{TeamID: testTeam, ChannelID: testChan, UserID: writer, Command: "/drone",
			Text: "status octo/demo 2", ResponseURL: h.replies.srv.URL + "/socket-slash"},
	})
	if ack := acks.wait(t, "env-slash"); ack != "null" {
		t.Errorf("redelivery ack = %s, want a bare acknowledgement", ack)
	}

	router.DispatchEvent(socketmode.Event{
		Type:    socketmode.EventTypeInteractive,
		Request: &socketmode.Request{Type: socketmode.RequestTypeInteractive, EnvelopeID: "env-click"},
		Data: slackapi.InteractionCallback{Type: slackapi.InteractionTypeBlockActions, User: slackapi.User{ID: writer},
			Team: slackapi.Team{ID: testTeam}, ResponseURL: h.replies.srv.URL + "/socket-click",
			ActionCallback: slackapi.ActionCallbacks{BlockActions: []*slackapi.BlockAction{{ActionID: "restart", Value: "octo/demo#2"}}}},
	})
	if ack := acks.wait(t, "env-click"); ack != "null" {
		t.Errorf("click ack payload = %s, want none", ack)
	}
	mustContain(t, h.replies.wait(t, "/socket-click", 1)[0].content(), "restarted octo/demo #2 as #6.")

	// An events_api envelope the bot does not handle is still acknowledged,
	// so Slack does not redeliver it.
	router.DispatchEvent(socketmode.Event{
		Type:    socketmode.EventTypeEventsAPI,
		Request: &socketmode.Request{Type: socketmode.RequestTypeEventsAPI, EnvelopeID: "env-other"},
	})
	acks.wait(t, "env-other")

	// A reader's slash command over Socket Mode is refused like over HTTP.
	router.DispatchEvent(socketmode.Event{
		Type:    socketmode.EventTypeSlashCommand,
		Request: &socketmode.Request{EnvelopeID: "env-reader"},
		Data: slackapi.SlashCommand{TeamID: testTeam, ChannelID: testChan, UserID: reader, Command: "/cancel",
			Text: "octo/demo 3", ResponseURL: h.replies.srv.URL + "/socket-reader"},
	})
	mustContain(t, h.replies.wait(t, "/socket-reader", 1)[0].content(), "not allowed to run /cancel")
	if n := h.replies.count("/socket-slash"); n != 1 {
		t.Errorf("the redelivered slash command was answered %d times, want once", n)
	}
	for _, w := range h.writes() {
		if strings.Contains(w, "/builds/3") {
			t.Errorf("a reader cancelled a build: %v", w)
		}
	}
}

func TestRunSocketModeNeedsAppToken(t *testing.T) {
	h := newHarness(t, Config{})
	if err := h.app.RunSocketMode(context.Background()); err == nil {
		t.Error("RunSocketMode without an app token returned nil")
	}
}

// panickyDrone panics on Build, to show a panic in background work does not
// take the process down.
type panickyDrone struct{ drone.Client }

func (panickyDrone) Build(context.Context, string, int64) (*drone.Build, error) {
	panic("boom")
}

func TestPanicsAreContained(t *testing.T) {
	var mu sync.Mutex
	var results []string
	var calls atomic.Int64
	clock := func() time.Time {
		if calls.Add(1) == 1 {
			panic("clock exploded")
		}
		return time.Now()
	}
	h := newHarness(t, Config{}, WithNow(clock), WithObserver(func(route, result string) {
		mu.Lock()
		defer mu.Unlock()
		results = append(results, route+":"+result)
	}))
	status, body, _ := h.slash(t, writer, "/help", "")
	if status != http.StatusInternalServerError || strings.Contains(body, "exploded") || strings.Contains(body, ".go:") {
		t.Errorf("a handler panic answered %d %q, want a bare 500", status, body)
	}
	status, _, path := h.slash(t, writer, "/help", "")
	if status != http.StatusOK {
		t.Fatalf("the next request got %d", status)
	}
	mustContain(t, h.replies.wait(t, path, 1)[0].content(), "dronebot commands")

	h.app.drone = panickyDrone{h.dc}
	_, _, path = h.slash(t, writer, "/build", "octo/demo")
	mustContain(t, h.replies.wait(t, path, 1)[0].content(), "started octo/demo #6")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	deadline := time.Now().Add(10 * time.Second)
	for !observed(&mu, &results, "follow:panic") {
		if time.Now().After(deadline) {
			t.Fatalf("the follow panic was not observed: %v", results)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := h.app.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if !observed(&mu, &results, "commands:panic") {
		t.Errorf("the handler panic was not observed: %v", results)
	}
}

func observed(mu *sync.Mutex, results *[]string, want string) bool {
	mu.Lock()
	defer mu.Unlock()
	for _, r := range *results {
		if r == want {
			return true
		}
	}
	return false
}
