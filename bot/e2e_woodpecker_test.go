package bot

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
	"github.com/dronebot/dronebot/notify/webhook/webhooktest"
)

// woodpeckerWorld is a fake Woodpecker server holding octo/demo with a
// failed pipeline #1, octo/other and the not yet activated octo/idle, and
// a config with drone.api: auto, which has to recognise it.
func woodpeckerWorld(t *testing.T, logLevel, extra string) (*dronetest.Server, string) {
	t.Helper()
	fake := dronetest.New(drone.DialectWoodpecker)
	t.Cleanup(fake.Close)
	fake.AddRepo("octo/demo", dronetest.RepoOptions{DefaultBranch: "main", Branches: []string{"dev"}})
	fake.AddRepo("octo/other", dronetest.RepoOptions{DefaultBranch: "main"})
	fake.AddRepo("octo/idle", dronetest.RepoOptions{Inactive: true})
	seed := redBuild("break the parser") // an hour before the bot first ran: no news
	seed.Created = time.Now().Add(-time.Hour)
	seed.Started, seed.Finished = seed.Created, seed.Created.Add(time.Minute)
	fake.AddBuild("octo/demo", seed)
	dir := t.TempDir()
	path := filepath.Join(dir, "bot.yaml")
	cfg := fmt.Sprintf(`log: {level: %s, format: json}
drone: {server: %q, token: %q, api: auto}
store: {path: %q}
acl: {read: ["*"], write: ["slack:UWRITER"], deploy: ["slack:UDEPLOY"]}
%s`, logLevel, fake.URL, fake.Token, filepath.Join(dir, "bot.db"), extra)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return fake, path
}

// runBinary runs the built dronebot with args; it returns the exit code
// and what it printed.
func runBinary(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run dronebot: %v", err)
	}
	return code, string(out)
}

// TestWoodpeckerCommandsEndToEnd runs every command with the built binary
// against the fake Woodpecker, as the operator and as chat identities.
func TestWoodpeckerCommandsEndToEnd(t *testing.T) {
	fake, path := woodpeckerWorld(t, "error", "")
	blocked := func() int64 {
		return fake.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusBlocked, Stages: []dronetest.StageSpec{{
			Name: "woodpecker", Status: drone.StatusBlocked, Steps: []dronetest.StepSpec{{Name: "clone", Status: drone.StatusBlocked}}}}})
	}
	running := func() int64 {
		return fake.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusRunning, Stages: []dronetest.StageSpec{{
			Name: "woodpecker", Status: drone.StatusRunning, Steps: []dronetest.StepSpec{{Name: "clone", Status: drone.StatusRunning}}}}})
	}
	approveN, declineN, cancelN := blocked(), blocked(), running() // #2, #3, #4
	type step struct {
		as, text string
		code     int
		want     []string
		setup    func()
	}
	steps := []step{
		{text: "/help", want: []string{"/build owner/name", "/promote"}},
		{text: "/repos", want: []string{"octo/demo #4 running on main", "octo/other"}},
		{text: "/repos --all", want: []string{"octo/idle (inactive)"}},
		{text: "/activate octo/idle", want: []string{"activated octo/idle."}},
		{text: "/deactivate octo/idle", want: []string{"deactivated octo/idle."}},
		{text: "/activate octo/nope", code: 1, want: []string{"unknown repository octo/nope"}},
		{text: "/status octo/demo 1", want: []string{"octo/demo #1: failure", "unit-tests: failure, exit code 2",
			fake.URL + "/repos/octo/demo/pipeline/1"}},
		{text: "/status octo/demo", want: []string{"octo/demo #4: running", "clone: running"}},
		{text: "/status octo/other", code: 1, want: []string{"octo/other has no push pipeline on its default branch yet"}},
		{text: "/logs octo/demo 1 -n 3", want: []string{"TestParseDuration", "exit status 2"}},
		{text: "/build octo/demo dev DEBUG=1", want: []string{"started octo/demo #5 on dev.", "DEBUG"}},
		{text: "/build octo/demo nope", code: 1, want: []string{"Woodpecker could not start a pipeline on branch nope of octo/demo"}},
		{text: "/build octo/other", code: 1, want: []string{"Woodpecker started no pipeline: no workflow matched, or the branch has no .woodpecker.yaml."}},
		{text: "/restart octo/demo 1", want: []string{"#6"}},
		{text: fmt.Sprintf("/approve octo/demo %d", approveN), want: []string{fmt.Sprintf("approved octo/demo #%d.", approveN)}},
		{text: fmt.Sprintf("/decline octo/demo %d", declineN), want: []string{fmt.Sprintf("declined octo/demo #%d.", declineN)}},
		{text: fmt.Sprintf("/cancel octo/demo %d", cancelN), want: []string{fmt.Sprintf("octo/demo #%d", cancelN)}},
		{text: "/cancel octo/demo 1", code: 1, want: []string{"already finished"}},
		{as: "slack:UDEPLOY", text: "/promote octo/demo 1 production", code: 1,
			want: []string{"Woodpecker refused the deployment: the repository must allow deployments (allow_deploy in its settings)"}},
		{as: "slack:UDEPLOY", text: "/promote octo/demo 1 production", want: []string{"promoted octo/demo #1 to production as #7."},
			setup: func() {
				fake.AddRepo("octo/demo", dronetest.RepoOptions{DefaultBranch: "main", Branches: []string{"dev"}, AllowDeploy: true})
			}},
		{as: "slack:UWRITER", text: "/promote octo/demo 1 production", code: 1, want: []string{"not allowed"}},
		{as: "slack:UWRITER", text: "/subscribe octo/* main failure", want: []string{"octo/*"}},
		{as: "slack:UWRITER", text: "/subscriptions", want: []string{"octo/*"}},
		{as: "slack:UWRITER", text: "/unsubscribe octo/* main", want: []string{"octo/*"}},
	}
	for _, st := range steps {
		t.Run(st.text, func(t *testing.T) {
			if st.setup != nil {
				st.setup()
			}
			args := []string{"exec", "--config", path}
			if st.as != "" {
				args = append(args, "--as", st.as)
			}
			code, out := runBinary(t, append(args, st.text)...)
			if code != st.code {
				t.Errorf("exit %d, want %d:\n%s", code, st.code, out)
			}
			for _, w := range st.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			// The help names Drone 0.8 where it works otherwise; nothing else may.
			if strings.Contains(out, fake.Token) || st.text != "/help" && strings.Contains(out, "Drone") {
				t.Errorf("output names Drone or shows the token:\n%s", out)
			}
		})
	}
	if spec, _ := fake.BuildSpec("octo/demo", 5); spec.Params["DEBUG"] != "1" || spec.Branch != "dev" {
		t.Errorf("pipeline #5 = %+v, want dev with DEBUG=1", spec)
	}
	if spec, _ := fake.BuildSpec("octo/demo", approveN); spec.Status != drone.StatusPending {
		t.Errorf("approved #%d is %s", approveN, spec.Status)
	}
	if spec, _ := fake.BuildSpec("octo/demo", declineN); spec.Status != drone.StatusDeclined {
		t.Errorf("declined #%d is %s", declineN, spec.Status)
	}
	if spec, _ := fake.BuildSpec("octo/demo", cancelN); spec.Status != drone.StatusKilled {
		t.Errorf("cancelled #%d is %s", cancelN, spec.Status)
	}
	if spec, _ := fake.BuildSpec("octo/demo", 7); spec.Event != drone.EventPromote || spec.DeployTo != "production" {
		t.Errorf("promoted #7 = %+v", spec)
	}
}

// TestWoodpeckerAlertsEndToEnd: the running binary watches Woodpecker
// through its feed and reports a fix, a failure, the same line still
// failing and fixed again, the failures with their excerpt, each with its
// pipeline link, once each, also across a hard kill.
func TestWoodpeckerAlertsEndToEnd(t *testing.T) {
	hook := webhooktest.NewReceiver()
	t.Cleanup(hook.Close)
	fake, path := woodpeckerWorld(t, "info", fmt.Sprintf(`server: {listen: "127.0.0.1:0", shutdown_timeout: 10s}
watch: {interval: 1s, log_tail: 5}
sinks:
  hook: {type: webhook, url: %q}
routes:
  - {repos: ["octo/*"], branches: [main], on: [failure, still_failing, fixed], to: [hook]}
`, hook.URL()))
	bot := startBot(t, path)
	bot.waitCycles(2) // the listing records #1 silently, then the feed is read

	// A send the kill interrupted may come again after the restart, with
	// its delivery id: the receiver keeps one of each.
	bodies := func() []string {
		var out []string
		seen := map[string]bool{}
		for _, r := range hook.Requests() {
			if id := r.Header.Get("X-Dronebot-Delivery"); !seen[id] {
				seen[id] = true
				out = append(out, string(r.Body))
			}
		}
		return out
	}
	waitAlerts := func(n int) []string {
		t.Helper()
		eventually(t, 30*time.Second, func() bool { return len(bodies()) >= n }, fmt.Sprintf("%d alerts", n))
		return bodies()
	}
	// #1 failed before the bot ran: its line is red, so green #2 is a fix.
	fake.AddBuild("octo/demo", greenBuild())
	got := waitAlerts(1)
	if !strings.Contains(got[0], `"fixed"`) || !strings.Contains(got[0], "pipeline/2") {
		t.Errorf("first alert is not the fix of #2:\n%s", got[0])
	}

	fake.AddBuild("octo/demo", redBuild("break the parser again"))
	got = waitAlerts(2)
	for _, want := range []string{`"failure"`, "octo/demo", "unit-tests", "TestParseDuration", "exit status 2",
		fake.URL + "/repos/octo/demo/pipeline/3"} {
		if !strings.Contains(got[1], want) {
			t.Errorf("failure alert lacks %q:\n%s", want, got[1])
		}
	}
	fake.AddBuild("octo/demo", redBuild("still broken"))
	got = waitAlerts(3)
	if !strings.Contains(got[2], `"still_failing"`) || !strings.Contains(got[2], "TestParseDuration") || !strings.Contains(got[2], "pipeline/4") {
		t.Errorf("third alert is not still_failing #4 with its excerpt:\n%s", got[2])
	}

	// Killed hard; the fix lands meanwhile and is reported once after the start.
	bot.stop(syscall.SIGKILL)
	fake.AddBuild("octo/demo", greenBuild())
	bot = startBot(t, path)
	got = waitAlerts(4)
	if !strings.Contains(got[3], `"fixed"`) || !strings.Contains(got[3], "pipeline/5") {
		t.Errorf("fourth alert is not the fix of #5:\n%s", got[3])
	}
	bot.waitCycles(3)
	if n := len(bodies()); n != 4 {
		t.Errorf("%d alerts, want 4: %v", n, bodies())
	}
	if code := bot.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("exit code after SIGTERM = %d\n%s", code, bot.logs())
	}
	if strings.Contains(bot.logs(), fake.Token) {
		t.Error("the token leaked into the log")
	}
}

// TestWoodpeckerStreamModeEndToEnd: with watch.mode: stream the binary
// hears a failure on Woodpecker's event stream, without polling for it.
func TestWoodpeckerStreamModeEndToEnd(t *testing.T) {
	hook := webhooktest.NewReceiver()
	t.Cleanup(hook.Close)
	fake, path := woodpeckerWorld(t, "info", fmt.Sprintf(`server: {listen: "127.0.0.1:0", shutdown_timeout: 10s}
watch: {mode: stream, safety_poll: 1h, log_tail: 5}
sinks:
  hook: {type: webhook, url: %q}
routes:
  - {repos: ["octo/*"], branches: [main], on: [failure, fixed], to: [hook]}
`, hook.URL()))
	bot := startBot(t, path)
	streamOpen := func() bool {
		for _, r := range fake.Requests() {
			if r.Path == "/api/stream/events" {
				return true
			}
		}
		return false
	}
	eventually(t, 30*time.Second, streamOpen, "the event stream")
	// The first cycle, and the one the opened stream asks for.
	eventually(t, 30*time.Second, func() bool { return bot.metric(`dronebot_watch_cycles_total{result="ok"}`) >= 2 }, "two cycles")
	fake.ResetRequests()
	fake.AddBuild("octo/demo", greenBuild())
	fake.AddBuild("octo/demo", redBuild("break it on the stream"))
	eventually(t, 30*time.Second, func() bool { return len(hook.Requests()) >= 2 }, "2 alerts")
	fixed, failure := string(hook.Requests()[0].Body), string(hook.Requests()[1].Body)
	if !strings.Contains(fixed, `"fixed"`) || !strings.Contains(failure, `"failure"`) || !strings.Contains(failure, "TestParseDuration") ||
		!strings.Contains(failure, fake.URL+"/repos/octo/demo/pipeline/3") {
		t.Errorf("alerts:\n%s\n%s", fixed, failure)
	}
	for _, r := range fake.Requests() {
		if r.Path == "/api/user/feed" {
			t.Errorf("stream mode polled the feed between its safety cycles")
		}
	}
	if code := bot.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("exit code after SIGTERM = %d\n%s", code, bot.logs())
	}
}
