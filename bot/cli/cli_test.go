package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func runMain(t *testing.T, ctx context.Context, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(ctx, args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// clearEnv unsets the variables the shipped bot.yaml uses, for this test only.
func clearEnv(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		t.Setenv(n, "")
		os.Unsetenv(n)
	}
}

var shippedVars = []string{"DRONEBOT_CONFIG", "DRONE_TOKEN", "DRONE_WEBHOOK_SECRET", "SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN",
	"SLACK_APP_TOKEN", "WECOM_SECRET", "WECOM_CALLBACK_TOKEN", "WECOM_AES_KEY", "WECOM_ROBOT_KEY", "SLACK_WEBHOOK_URL",
	"DINGTALK_TOKEN", "DINGTALK_SECRET", "FEISHU_TOKEN", "FEISHU_SECRET", "OPS_TOKEN", "SMTP_PASSWORD"}

func TestCheck(t *testing.T) {
	clearEnv(t, shippedVars...)
	good := writeFile(t, "good.yaml", "drone:\n  server: https://drone.example.com\n  token: t\nsinks:\n  out: {type: stdout}\n")
	broken := writeFile(t, "broken.yaml", "drone:\n  server: drone.example.com\n  tokn: t\nwatch:\n  interval: 10ms\n")
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string // lines, in order
		stderrIn string
	}{
		{"shipped file, empty environment", []string{"check", "--config", "../../bot.yaml"}, 0, []string{
			"../../bot.yaml:31: warning: drone.token is empty: DRONE_TOKEN is not set (run refuses to start until it is set)",
			"../../bot.yaml:48: warning: chat.slack is disabled: signing_secret and app_token are empty (SLACK_SIGNING_SECRET is not set, SLACK_APP_TOKEN is not set)",
		}, ""},
		{"good", []string{"check", "--config", good}, 0, []string{good + ": ok (poll mode, 0 routes, 1 sink, 0 digests)"}, ""},
		{"broken", []string{"check", "-config=" + broken}, 1, []string{
			broken + ":2: error: drone.server: must be an http:// or https:// URL with a host",
			broken + `:3: error: unknown key "tokn" in drone; did you mean token?`,
			broken + ":5: error: watch.interval: must be at least 1s",
			broken + ": 4 errors, 0 warnings",
			broken + ": alerts nobody: there are no routes",
		}, ""},
		{"file as argument", []string{"check", good}, 0, []string{good + ": ok (poll mode, 0 routes, 1 sink, 0 digests)"}, ""},
		{"two files", []string{"check", good, good}, 2, nil, "unexpected argument"},
		{"missing file", []string{"check", "--config", filepath.Join(t.TempDir(), "none.yaml")}, 1, nil, "no such file"},
		{"syntax", []string{"check", "--config", writeFile(t, "s.yaml", "a: [\n")}, 1, nil, ""},
		{"bad flag", []string{"check", "--verbose"}, 2, nil, "flag provided but not defined"},
		{"extra argument", []string{"check", "--config", good, "more"}, 2, nil, `unexpected argument "more"`},
		{"help flag", []string{"check", "-h"}, 0, []string{"dronebot check [--config FILE | FILE]"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runMain(t, t.Context(), tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			for _, want := range tt.stdout {
				found := false
				for _, l := range lines {
					found = found || l == want
				}
				if !found {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			if !strings.Contains(stderr, tt.stderrIn) {
				t.Errorf("stderr lacks %q: %s", tt.stderrIn, stderr)
			}
		})
	}
	t.Run("shipped file summary", func(t *testing.T) {
		_, stdout, _ := runMain(t, t.Context(), "check", "--config", "../../bot.yaml")
		// Every sink but the webhook and stdout ones needs a secret from
		// the environment, which is empty here.
		cfg, _, err := loadTestConfig("../../bot.yaml")
		if err != nil {
			t.Fatal(err)
		}
		// Its one route sends to sinks that need secrets, so with an empty
		// environment the file alerts nobody, which check says last.
		want := fmt.Sprintf("../../bot.yaml: ok (poll mode, 1 route, %d sinks of which %d disabled, 1 digest)\n"+
			"../../bot.yaml: alerts nobody: its one route sends to no enabled sink", len(cfg.Sinks), len(cfg.Sinks)-2)
		if !strings.HasSuffix(strings.TrimSpace(stdout), "\n"+want) {
			t.Errorf("last lines are not %q:\n%s", want, stdout)
		}
	})
	t.Run("alerts nobody is the last line", func(t *testing.T) {
		for _, tt := range []struct{ yaml, want string }{
			{"sinks:\n  s: {type: slack, url: \"${NOPE_URL}\"}\nroutes:\n  - to: [s]\n", "alerts nobody: its one route sends to no enabled sink"},
			{"sinks:\n  s: {type: slack, url: \"${NOPE_URL}\"}\nroutes:\n  - to: [s]\n  - {to: [s], on: [all]}\n", "alerts nobody: none of its 2 routes sends to an enabled sink"},
			{"sinks:\n  o: {type: stdout}\nroutes:\n  - to: [o]\n", ""},
		} {
			path := writeFile(t, "n.yaml", "drone: {server: https://d.example.com, token: t}\n"+tt.yaml)
			code, stdout, _ := runMain(t, t.Context(), "check", path)
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			last := lines[len(lines)-1]
			if code != 0 || (tt.want == "" && strings.Contains(stdout, "alerts nobody")) || (tt.want != "" && last != path+": "+tt.want) {
				t.Errorf("exit %d, want last line %q:\n%s", code, tt.want, stdout)
			}
		}
	})
	t.Run("DRONEBOT_CONFIG", func(t *testing.T) {
		t.Setenv("DRONEBOT_CONFIG", good)
		code, stdout, _ := runMain(t, t.Context(), "check")
		if code != 0 || !strings.HasPrefix(stdout, good+": ok") {
			t.Errorf("exit %d: %s", code, stdout)
		}
	})
}

func TestCheckNeverPrintsSecrets(t *testing.T) {
	secrets := map[string]string{
		"DRONE_TOKEN":   "tok-SECRET1",
		"SMTP_PASSWORD": "pw-SECRET2",
		"AES":           "aes-SECRET3",
		"HOOK":          "hooks.example.com/x?key=k-SECRET4",
		"SLACK_SIGNING": "sig-SECRET5",
	}
	for k, v := range secrets {
		t.Setenv(k, v)
	}
	path := writeFile(t, "bot.yaml", `drone:
  server: "https://x.example.com/${DRONE_TOKEN}%zz"
  token: ${DRONE_TOKEN}
  timeout: ${DRONE_TOKEN}
watch:
  log_tail: ${SMTP_PASSWORD}
  mode: webhook
  webhook_secret: ${SLACK_SIGNING}
  interval: ${SLACK_SIGNING}
chat:
  slack: {signing_secret: "${SLACK_SIGNING}", api_url: "${HOOK}"}
  wecom: {corp_id: c, agent_id: 1, secret: s, token: t, encoding_aes_key: "${AES}"}
sinks:
  h: {type: webhook, url: "${HOOK}"}
  m: {type: email, smtp: {host: h, security: none, password: "${SMTP_PASSWORD}"}, from: "${SMTP_PASSWORD}", to: ["${AES}"]}
  r: {type: stdout, rate: "${DRONE_TOKEN}"}
lang: "${DRONE_TOKEN}"
acl: {write: ["${AES}"]}
routes:
  - {to: ["${SMTP_PASSWORD}"], branches: ["${AES}["]}
digests:
  - {name: d, schedule: "${DRONE_TOKEN}", timezone: "${AES}", to: [r]}
`)
	code, stdout, stderr := runMain(t, t.Context(), "check", "--config", path)
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, stdout)
	}
	if n := strings.Count(stdout, ": error: "); n < 17 {
		t.Errorf("want at least 17 errors, got %d:\n%s", n, stdout)
	}
	for _, secret := range []string{"SECRET1", "SECRET2", "SECRET3", "SECRET4", "SECRET5"} {
		if strings.Contains(stdout+stderr, secret) {
			t.Errorf("output shows %s:\n%s%s", secret, stdout, stderr)
		}
	}
}

func TestRun(t *testing.T) {
	clearEnv(t, "DRONE_TOKEN", "DRONEBOT_CONFIG")
	path := writeFile(t, "bot.yaml", "log: {format: json}\ndrone:\n  server: https://drone.example.com\n  token: ${DRONE_TOKEN}\n")

	code, _, stderr := runMain(t, t.Context(), "run", "--config", path)
	if code != 1 || !strings.Contains(stderr, "not starting: drone.token is empty: DRONE_TOKEN is not set") {
		t.Errorf("run without DRONE_TOKEN: exit %d, stderr %s", code, stderr)
	}

	code, _, stderr = runMain(t, t.Context(), "run", "--config", writeFile(t, "bad.yaml", "drone: {server: x}\n"))
	if code != 1 || !strings.Contains(stderr, "error: drone.token is required") {
		t.Errorf("run with errors: exit %d, stderr %s", code, stderr)
	}

	// A running service talks only to a fake Drone on loopback.
	fake := dronetest.New(drone.DialectV1)
	defer fake.Close()
	t.Setenv("DRONE_TOKEN", fake.Token)
	dir := t.TempDir()
	path = writeFile(t, "run.yaml", "log: {format: json}\nserver: {listen: \"127.0.0.1:0\"}\n"+
		"store: {path: "+filepath.Join(dir, "bot.db")+"}\ndrone:\n  server: "+fake.URL+"\n  token: ${DRONE_TOKEN}\n")
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	var out, errOut syncBuffer
	go func() {
		defer close(done)
		code = Main(ctx, []string{"run", "--config", path}, strings.NewReader(""), &out, &errOut)
	}()
	deadline := time.After(20 * time.Second)
	for !strings.Contains(errOut.String(), `"msg":"dronebot is running"`) {
		select {
		case <-done:
			t.Fatalf("run returned before its context ended: exit %d, %s", code, errOut.String())
		case <-deadline:
			t.Fatalf("run did not start: %s", errOut.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	<-done
	if code != 0 {
		t.Errorf("run after cancel: exit %d, %s", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), `"msg":"dronebot stopped"`) || strings.Contains(errOut.String(), fake.Token) {
		t.Errorf("run log: %s", errOut.String())
	}
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

func TestDispatch(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{nil, 2, "", "Usage:"},
		{[]string{"help"}, 0, "dronebot check [--config FILE | FILE]", ""},
		{[]string{"-h"}, 0, "Usage:", ""},
		{[]string{"launch"}, 2, "", `unknown command "launch"`},
		{[]string{"version"}, 0, runtime.Version(), ""},
		{[]string{"version", "x"}, 2, "", "unexpected argument"},
	}
	for _, tt := range tests {
		code, stdout, stderr := runMain(t, t.Context(), tt.args...)
		if code != tt.code || !strings.Contains(stdout, tt.stdout) || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("%q: exit %d (want %d)\nstdout %s\nstderr %s", tt.args, code, tt.code, stdout, stderr)
		}
	}
}

func TestVersionUsesBuildInfo(t *testing.T) {
	var out bytes.Buffer
	cli := &CLI{Stdout: &out, Stderr: &out, LookupEnv: os.LookupEnv,
		Build: BuildInfo{Version: "v1.2.3", Commit: "abc1234", GoVersion: "go1.26"}}
	if code := cli.Run(t.Context(), []string{"version"}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if got, want := out.String(), "dronebot v1.2.3\ncommit abc1234\ngo1.26\n"; got != want {
		t.Errorf("version = %q, want %q", got, want)
	}
}
