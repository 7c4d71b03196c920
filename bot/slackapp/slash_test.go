package slackapp

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

// TestSlashCommands runs every chat command through a signed slash command
// and checks the reply that arrives at response_url, in order, since the
// commands change the fake Drone's state.
func TestSlashCommands(t *testing.T) {
	h := newHarness(t, Config{})
	steps := []struct {
		command, text string
		public        bool
		want          []string
		check         func(t *testing.T)
	}{
		{"/drone", "help", false, []string{"dronebot commands", "/logs", "/subscribe", "/promote"}, nil},
		{"/repos", "", false, []string{"octo/demo", "octo/old"}, nil},
		{"/drone", "activate octo/idle", true, []string{"octo/idle"}, func(t *testing.T) { wantActive(t, h, "octo/idle", true) }},
		{"/deactivate", "octo/old", true, []string{"octo/old"}, func(t *testing.T) { wantActive(t, h, "octo/old", false) }},
		{"/drone", "status octo/demo 2", false, []string{"octo/demo #2: failure", "test: failure, exit code 2", "clone: success", "main"}, nil},
		{"/logs", "octo/demo #2", false, []string{"octo/demo #2 · default/test: failure, exit code 2",
			"--- FAIL: TestAdd (0.00s)", "add_test.go:12: got 3, want 4", "```"}, nil},
		{"/restart", "octo/demo 2", true, []string{"restarted octo/demo #2 as #6."}, func(t *testing.T) { wantBuild(t, h, 6, "") }},
		{"/drone", "cancel octo/demo 3", true, []string{"cancelled octo/demo #3."}, func(t *testing.T) { wantBuild(t, h, 3, drone.StatusKilled) }},
		{"/approve", "octo/demo 4", true, []string{"approved octo/demo #4"}, nil},
		{"/decline", "octo/demo 5", true, []string{"declined octo/demo #5"}, func(t *testing.T) { wantBuild(t, h, 5, drone.StatusDeclined) }},
		{"/promote", "octo/demo 1 production", true, []string{"promoted octo/demo #1 to production as #7."}, nil},
		{"/build", "octo/demo", true, []string{"octo/demo #8", "I'll post the outcome here if it finishes within 30 minutes",
			"check /status octo/demo 8"}, nil},
		{"/drone", "subscribe octo/demo", true, []string{"subscribed (#1)", "octo/demo"}, nil},
		{"/subscriptions", "", true, []string{"octo/demo"}, nil},
		{"/unsubscribe", "octo/demo", true, []string{"removed 1 subscription to octo/demo."}, nil},
	}
	buildPath := ""
	for _, s := range steps {
		t.Run(strings.TrimSpace(s.command+" "+s.text), func(t *testing.T) {
			status, ack, path := h.slash(t, writer, s.command, s.text)
			if status != 200 || !strings.Contains(ack, `"response_type":"ephemeral"`) || !strings.Contains(ack, "Working on") {
				t.Fatalf("ack = %d %s", status, ack)
			}
			reply := h.replies.wait(t, path, 1)[0]
			mustContain(t, reply.content(), s.want...)
			wantType := map[bool]string{true: "in_channel", false: "ephemeral"}[s.public]
			if reply.ResponseType != wantType {
				t.Errorf("response_type = %s, want %s", reply.ResponseType, wantType)
			}
			if s.check != nil {
				s.check(t)
			}
			if s.command == "/build" {
				buildPath = path
			}
		})
	}

	t.Run("build outcome follows on the same response_url", func(t *testing.T) {
		if buildPath == "" {
			t.Skip("/build did not run")
		}
		h.fake.UpdateBuild("octo/demo", 8, func(b *dronetest.BuildSpec) {
			b.Status = drone.StatusSuccess
			b.Started, b.Finished = time.Now().Add(-time.Minute), time.Now()
		})
		got := h.replies.wait(t, buildPath, 2)[1]
		mustContain(t, got.content(), "octo/demo #8: success", "https://drone.example.com/octo/demo/8")
		if got.ResponseType != "in_channel" {
			t.Errorf("outcome response_type = %s", got.ResponseType)
		}
	})
}

func wantActive(t *testing.T, h *harness, slug string, active bool) {
	t.Helper()
	r, err := h.dc.Repo(context.Background(), slug)
	if err != nil {
		t.Fatalf("Repo(%s): %v", slug, err)
	}
	if r.Active != active {
		t.Errorf("%s active = %v, want %v", slug, r.Active, active)
	}
}

// wantBuild checks build n exists, with status when one is given.
func wantBuild(t *testing.T, h *harness, n int64, status drone.Status) {
	t.Helper()
	b, ok := h.fake.BuildSpec("octo/demo", n)
	if !ok {
		t.Fatalf("build #%d not in the fake Drone", n)
	}
	if status != "" && b.Status != status {
		t.Errorf("build #%d status = %s, want %s", n, b.Status, status)
	}
}
