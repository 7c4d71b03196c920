package bot

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
	"github.com/dronebot/dronebot/notify/email/emailtest"
	"github.com/dronebot/dronebot/notify/webhook/webhooktest"
	"github.com/dronebot/dronebot/notify/wecom/wecomtest"
)

// binary is the dronebot built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dronebot-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "dronebot")
	build := exec.Command("go", "build", "-o", binary, "..")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build dronebot:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is one running dronebot binary.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	addr string
	mu   sync.Mutex
	log  strings.Builder
	out  syncBuffer // what the binary printed on stdout
	done chan error
}

// startBot runs `dronebot run --config path` and waits until it listens.
func startBot(t *testing.T, path string) *proc {
	t.Helper()
	p := &proc{t: t, done: make(chan error, 1)}
	p.cmd = exec.Command(binary, "run", "--config", path)
	p.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	p.cmd.Stdout = &p.out
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.log.WriteString(line + "\n")
			p.mu.Unlock()
			var rec struct{ Msg, Listen string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "dronebot is running" {
				listening <- rec.Listen
			}
		}
		p.done <- p.cmd.Wait()
	}()
	select {
	case p.addr = <-listening:
	case err := <-p.done:
		t.Fatalf("dronebot exited at start: %v\n%s", err, p.logs())
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		t.Fatalf("dronebot did not start:\n%s", p.logs())
	}
	t.Cleanup(func() { p.cmd.Process.Kill() })
	return p
}

func (p *proc) logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// stop sends sig and waits for the exit; it returns the exit code.
func (p *proc) stop(sig syscall.Signal) int {
	p.t.Helper()
	p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		p.t.Fatalf("dronebot did not stop on %v:\n%s", sig, p.logs())
	}
	return p.cmd.ProcessState.ExitCode()
}

// metric reads one sample from /metrics (0 when absent).
func (p *proc) metric(name string) float64 {
	p.t.Helper()
	resp, err := http.Get("http://" + p.addr + "/metrics")
	if err != nil {
		p.t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			v, _ := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			return v
		}
	}
	return 0
}

// waitCycles waits until the watcher has run n more poll cycles.
func (p *proc) waitCycles(n int) {
	p.t.Helper()
	const name = `dronebot_watch_cycles_total{result="ok"}`
	target := p.metric(name) + float64(n)
	// A generous bound: it only catches a watcher that stopped, on
	// machines that may be busy with other work.
	eventually(p.t, 2*time.Minute, func() bool { return p.metric(name) >= target }, "watch cycles")
}

func eventually(t *testing.T, limit time.Duration, ok func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// alertWorld is a fake Drone and one receiver of each kind the alerts go to.
type alertWorld struct {
	drone *dronetest.Server
	robot *wecomtest.Server
	hook  *webhooktest.Receiver
	mail  *emailtest.Server
	path  string
}

const robotKey = "e2e-robot-key-0001"

func newAlertWorld(t *testing.T) *alertWorld {
	w := &alertWorld{drone: dronetest.New(drone.DialectV1), robot: wecomtest.NewServer(robotKey),
		hook: webhooktest.NewReceiver(), mail: emailtest.NewServer(t, emailtest.Options{})}
	t.Cleanup(func() { w.drone.Close(); w.robot.Close(); w.hook.Close() })
	w.drone.AddRepo("octo/demo", dronetest.RepoOptions{DefaultBranch: "main"})
	w.drone.AddBuild("octo/demo", greenBuild())
	dir := t.TempDir()
	w.path = filepath.Join(dir, "bot.yaml")
	cfg := fmt.Sprintf(`log: {format: json}
server: {listen: "127.0.0.1:0", shutdown_timeout: 10s}
drone: {server: %q, token: %q}
store: {path: %q}
watch: {interval: 1s, log_tail: 5}
sinks:
  robot: {type: wecom, url: %q}
  hook: {type: webhook, url: %q}
  mail:
    type: email
    smtp: {host: 127.0.0.1, port: %d, security: none}
    from: "Drone Bot <bot@example.com>"
    to: [dev@example.com]
routes:
  - {repos: ["octo/*"], branches: [main], on: [failure, fixed], to: [robot, hook, mail]}
`, w.drone.URL, w.drone.Token, filepath.Join(dir, "bot.db"), w.robot.URL(robotKey), w.hook.URL(), w.mail.Port)
	if err := os.WriteFile(w.path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return w
}

func greenBuild() dronetest.BuildSpec {
	return dronetest.BuildSpec{Status: drone.StatusSuccess, Branch: "main", Message: "green", Author: "pan",
		Stages: []dronetest.StageSpec{{Name: "default", Status: drone.StatusSuccess, Steps: []dronetest.StepSpec{
			{Name: "test", Status: drone.StatusSuccess, Log: []string{"ok"}}}}}}
}

func redBuild(msg string) dronetest.BuildSpec {
	log := make([]string, 0, 60)
	for i := 1; i <= 57; i++ {
		log = append(log, fmt.Sprintf("--- PASS: TestCase%02d", i))
	}
	log = append(log, "--- FAIL: TestParseDuration", "FAIL\texample.com/demo/config", "exit status 2")
	return dronetest.BuildSpec{Status: drone.StatusFailure, Branch: "main", Message: msg, Author: "pan",
		Stages: []dronetest.StageSpec{{Name: "default", Status: drone.StatusFailure, Steps: []dronetest.StepSpec{
			{Name: "clone", Status: drone.StatusSuccess, Log: []string{"+ git fetch"}},
			{Name: "unit-tests", Status: drone.StatusFailure, ExitCode: 2, Log: log}}}}}
}

// counts is how many messages each receiver has.
func (w *alertWorld) counts() [3]int {
	return [3]int{len(w.robot.Messages()), len(w.hook.Requests()), len(w.mail.Mails())}
}

func (w *alertWorld) waitCounts(t *testing.T, want [3]int) {
	t.Helper()
	eventually(t, 30*time.Second, func() bool { return w.counts() == want }, fmt.Sprintf("robot, hook, mail = %v", want))
}

func TestAlertsEndToEnd(t *testing.T) {
	w := newAlertWorld(t)
	bot := startBot(t, w.path)
	bot.waitCycles(2) // the first sighting records octo/demo silently

	w.drone.AddBuild("octo/demo", redBuild("break the parser"))
	w.waitCounts(t, [3]int{1, 1, 1})
	robot := w.robot.Messages()[0].Content
	hook := string(w.hook.Requests()[0].Body)
	mail := string(w.mail.Mails()[0].Data)
	for name, got := range map[string]string{"robot": robot, "hook": hook, "mail": mail} {
		for _, want := range []string{"octo/demo", "unit-tests", "TestParseDuration", "exit status 2"} {
			if !strings.Contains(got, want) {
				t.Errorf("%s alert lacks %q:\n%s", name, want, got)
			}
		}
	}
	if !strings.Contains(robot, "exit 2") || !strings.Contains(mailSubject(t, mail), "❌ octo/demo #2 failed at unit-tests · main") {
		t.Errorf("robot or mail lacks the exit code or subject:\n%s\n%s", robot, mail)
	}
	if id := w.hook.Requests()[0].Header.Get("X-Dronebot-Delivery"); id == "" {
		t.Error("webhook request without X-Dronebot-Delivery")
	}

	// A second failure in a row is counted, not repeated: these routes
	// do not ask for still_failing.
	w.drone.AddBuild("octo/demo", redBuild("still broken"))
	bot.waitCycles(3)
	if got := w.counts(); got != [3]int{1, 1, 1} {
		t.Fatalf("after a second failure: %v, want nothing new", got)
	}
	w.drone.AddBuild("octo/demo", greenBuild())
	w.waitCounts(t, [3]int{2, 2, 2})
	if fixed := w.robot.Messages()[1].Content; !strings.Contains(fixed, "fixed") || !strings.Contains(fixed, "#4") {
		t.Errorf("second robot message is not the fix of #4:\n%s", fixed)
	}
	if got := bot.metric(`dronebot_alerts_total{outcome="failure"}`); got != 1 {
		t.Errorf(`dronebot_alerts_total{outcome="failure"} = %v, want 1`, got)
	}
	// The fake records a message before its answer reaches the worker,
	// which counts the send only then.
	sent := func() float64 { return bot.metric(`dronebot_deliveries_total{result="sent",sink="robot"}`) }
	eventually(t, 10*time.Second, func() bool { return sent() == 2 }, "robot deliveries sent = 2")
	if code := bot.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0\n%s", code, bot.logs())
	}

	// Restarting sends nothing twice.
	bot = startBot(t, w.path)
	bot.waitCycles(3)
	if got := w.counts(); got != [3]int{2, 2, 2} {
		t.Errorf("after a restart: %v, want nothing new", got)
	}

	// Killed hard while builds finish: each is alerted exactly once after
	// the next start.
	bot.stop(syscall.SIGKILL)
	w.drone.AddBuild("octo/demo", redBuild("break it again"))
	w.drone.AddBuild("octo/demo", greenBuild())
	bot = startBot(t, w.path)
	w.waitCounts(t, [3]int{4, 4, 4})
	bot.waitCycles(3)
	if got := w.counts(); got != [3]int{4, 4, 4} {
		t.Errorf("after catch-up: %v, want exactly one failure and one fix more", got)
	}
	if code := bot.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("exit code = %d", code)
	}
	if logs := bot.logs(); strings.Contains(logs, w.drone.Token) || strings.Contains(logs, robotKey) {
		t.Errorf("a secret leaked into the log:\n%s", logs)
	}
}

func TestStdoutSinkPrintsUnderRun(t *testing.T) {
	fake := dronetest.New(drone.DialectV1)
	defer fake.Close()
	fake.AddRepo("octo/demo", dronetest.RepoOptions{DefaultBranch: "main"})
	fake.AddBuild("octo/demo", greenBuild())
	dir := t.TempDir()
	path := filepath.Join(dir, "bot.yaml")
	cfg := fmt.Sprintf(`log: {format: json}
server: {listen: "127.0.0.1:0", shutdown_timeout: 10s}
drone: {server: %q, token: %q}
store: {path: %q}
watch: {interval: 1s}
sinks:
  terminal: {type: stdout}
routes:
  - {to: [terminal]}
`, fake.URL, fake.Token, filepath.Join(dir, "bot.db"))
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	bot := startBot(t, path)
	bot.waitCycles(2)
	fake.AddBuild("octo/demo", redBuild("break the parser"))
	eventually(t, 30*time.Second, func() bool {
		return bot.metric(`dronebot_deliveries_total{result="sent",sink="terminal"}`) == 1
	}, "the alert to be sent")
	if out := bot.out.String(); !strings.Contains(out, "octo/demo #2") || !strings.Contains(out, "TestParseDuration") {
		t.Errorf("stdout of dronebot run lacks the alert:\n%q", out)
	}
	bot.stop(syscall.SIGTERM)
}

func TestReadyWhileDroneIsDown(t *testing.T) {
	w := newAlertWorld(t)
	bot := startBot(t, w.path)
	bot.waitCycles(1)
	if got := bot.metric("dronebot_drone_up"); got != 1 {
		t.Fatalf("dronebot_drone_up = %v, want 1", got)
	}
	w.drone.SetDown(true)
	eventually(t, 60*time.Second, func() bool { return bot.metric("dronebot_drone_up") == 0 }, "drone_up to drop to 0")
	resp, err := http.Get("http://" + bot.addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz = %d while Drone is down, want 200", resp.StatusCode)
	}
}

func TestShutdownFinishesTheSendInFlight(t *testing.T) {
	fake := dronetest.New(drone.DialectV1)
	defer fake.Close()
	hook := webhooktest.NewReceiver()
	defer hook.Close()
	repos := []string{"octo/a", "octo/b", "octo/c"}
	for _, r := range repos {
		fake.AddRepo(r, dronetest.RepoOptions{DefaultBranch: "main"})
		fake.AddBuild(r, greenBuild())
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "bot.yaml")
	cfg := fmt.Sprintf(`log: {format: json}
server: {listen: "127.0.0.1:0", shutdown_timeout: 10s}
drone: {server: %q, token: %q}
store: {path: %q}
watch: {interval: 1s}
sinks:
  hook: {type: webhook, url: %q}
routes:
  - {to: [hook]}
`, fake.URL, fake.Token, filepath.Join(dir, "bot.db"), hook.URL())
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	bot := startBot(t, path)
	bot.waitCycles(2)
	hook.SetDelay(2 * time.Second) // each send takes 2 s
	for _, r := range repos {
		fake.AddBuild(r, redBuild("break "+r))
	}
	eventually(t, 30*time.Second, func() bool { return len(hook.Requests()) == 1 }, "the first send to start")
	start := time.Now()
	if code := bot.stop(syscall.SIGTERM); code != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0\n%s", code, bot.logs())
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("shutdown took %s, more than server.shutdown_timeout", took)
	}
	if n := len(hook.Requests()); n != 1 {
		t.Fatalf("%d sends started during shutdown, want only the one in flight", n)
	}

	hook.SetDelay(0)
	bot = startBot(t, path)
	eventually(t, 30*time.Second, func() bool { return len(hook.Requests()) >= 3 }, "the rest to be delivered")
	bot.waitCycles(2)
	ids := map[string]int{}
	for _, r := range hook.Requests() {
		ids[r.Header.Get("X-Dronebot-Delivery")]++
	}
	if len(hook.Requests()) != 3 || len(ids) != 3 {
		t.Errorf("deliveries %v, want 3 alerts exactly once each", ids)
	}
	bot.stop(syscall.SIGTERM)
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// mailSubject is the decoded Subject header of a raw mail.
func mailSubject(t *testing.T, raw string) string {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("reading the mail: %v", err)
	}
	s, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("decoding the subject: %v", err)
	}
	return s
}
