package cli

import (
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
	"github.com/dronebot/dronebot/notify/email/emailtest"
	"github.com/dronebot/dronebot/notify/wecom/wecomtest"
)

// execWorld is a fake Drone and a config pointing at it.
func execWorld(t *testing.T, extra string) (*dronetest.Server, string) {
	t.Helper()
	fake := dronetest.New(drone.DialectV1)
	t.Cleanup(fake.Close)
	fake.AddRepo("octo/demo", dronetest.RepoOptions{DefaultBranch: "main"})
	fake.AddBuild("octo/demo", failingBuild("break the parser"))
	dir := t.TempDir()
	path := writeFile(t, "bot.yaml", fmt.Sprintf(`log: {level: error}
drone: {server: %q, token: %q}
store: {path: %q}
acl: {read: ["*"], write: ["slack:UWRITER"]}
%s`, fake.URL, fake.Token, filepath.Join(dir, "bot.db"), extra))
	return fake, path
}

func TestExec(t *testing.T) {
	fake, path := execWorld(t, "")
	tests := []struct {
		name     string
		args     []string
		code     int
		out      string
		noWrites bool
	}{
		{"status", []string{"exec", "--config", path, "/status octo/demo"}, 0, "octo/demo #1: failure", false},
		{"logs tail", []string{"exec", "--config", path, "/logs", "octo/demo", "#1", "-n", "3"}, 0, "exit status 2", false},
		{"operator may write", []string{"exec", "--config", path, "/restart octo/demo 1"}, 0, "#2", false},
		{"identity without write permission", []string{"exec", "--config", path, "--as", "slack:UREADER", "/restart octo/demo 1"},
			1, "not allowed", true},
		{"unknown repository", []string{"exec", "--config", path, "/status octo/nope"}, 1, "octo/nope", false},
		{"no command", []string{"exec", "--config", path}, 2, "", false},
		{"bad identity", []string{"exec", "--config", path, "--as", "nobody", "/help"}, 2, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.ResetRequests()
			code, out, errOut := runMain(t, t.Context(), tt.args...)
			if code != tt.code || !strings.Contains(out, tt.out) {
				t.Errorf("exit %d, want %d; stdout %q; stderr %q", code, tt.code, out, errOut)
			}
			if tt.noWrites {
				for _, r := range fake.Requests() {
					if r.Method != "GET" {
						t.Errorf("a refused command wrote to Drone: %s %s", r.Method, r.Path)
					}
				}
			}
			if strings.Contains(out+errOut, fake.Token) {
				t.Error("the Drone token was printed")
			}
		})
	}
}

func TestExecAndCheckLeaveNoStoreBehind(t *testing.T) {
	fake, _ := execWorld(t, "")
	dir := t.TempDir()
	db := filepath.Join(dir, "bot.db")
	path := writeFile(t, "info.yaml", fmt.Sprintf("log: {level: info}\ndrone: {server: %q, token: %q}\nstore: {path: %q}\n",
		fake.URL, fake.Token, db))
	for _, args := range [][]string{
		{"check", "--config", path},
		{"exec", "--config", path, "/help"},
		{"exec", "--config", path, "/status octo/demo"},
	} {
		code, out, errOut := runMain(t, t.Context(), args...)
		if code > 1 {
			t.Fatalf("%q: exit %d\n%s%s", args, code, out, errOut)
		}
		if strings.Contains(errOut, "migrated") {
			t.Errorf("%q printed migration lines:\n%s", args, errOut)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Fatalf("%q left %v behind; a command that needs no store must not create one", args, entries)
		}
	}
}

func TestExecSubscribeWhileTheBotHoldsTheStore(t *testing.T) {
	_, path := execWorld(t, "")
	cfg, _, err := loadTestConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	// The running bot: it holds the store.
	st, err := store.Open(t.Context(), cfg.Store.Path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	code, out, errOut := runMain(t, t.Context(), "exec", "--config", path, "/subscribe octo/demo")
	want := "the running dronebot holds the store"
	if code != 1 || !strings.Contains(out, want) || !strings.Contains(out, "/subscribe octo/demo") ||
		strings.Contains(out, "internal error") {
		t.Errorf("exit %d; stdout %q (want %q and how to subscribe instead); stderr %q", code, out, want, errOut)
	}
	// Reading works all the same.
	if code, out, errOut := runMain(t, t.Context(), "exec", "--config", path, "/subscriptions"); code != 0 {
		t.Errorf("/subscriptions while the bot runs: exit %d; %q %q", code, out, errOut)
	}
}

func loadTestConfig(path string) (*config.Config, *config.Report, error) {
	return config.Load(path, func(string) (string, bool) { return "", false })
}

func TestExecWaitFollowsTheBuild(t *testing.T) {
	fake, path := execWorld(t, "")
	fake.OnCreate(func(slug string, n int64, b *dronetest.BuildSpec) {
		// The build finishes, red, a moment after it was created.
		go func() {
			time.Sleep(200 * time.Millisecond)
			fake.UpdateBuild(slug, n, func(b *dronetest.BuildSpec) { *b = failingBuild("from chat") })
		}()
	})
	code, out, errOut := runMain(t, t.Context(), "exec", "--config", path, "--wait", "/build octo/demo main")
	if code != 1 || !strings.Contains(out, "octo/demo #2: failure") || !strings.Contains(out, "exit code 2") {
		t.Errorf("exit %d (want 1 for a failed build); stdout %q; stderr %q", code, out, errOut)
	}
}

func TestNotifyTest(t *testing.T) {
	robot := wecomtest.NewServer("nt-key")
	defer robot.Close()
	_, path := execWorld(t, fmt.Sprintf(`sinks:
  good: {type: wecom, url: %q}
  bad: {type: wecom, url: %q}
`, robot.URL("nt-key"), robot.URL("unknown-key")))
	code, out, _ := runMain(t, t.Context(), "notify-test", "--config", path, "good")
	if code != 0 || !strings.Contains(out, "good: accepted") || len(robot.Messages()) != 1 {
		t.Errorf("good sink: exit %d, %q, %d messages", code, out, len(robot.Messages()))
	}
	code, out, _ = runMain(t, t.Context(), "notify-test", "--config", path, "bad")
	if code != 1 || !strings.Contains(out, "refused") || strings.Contains(out, "unknown-key") {
		t.Errorf("bad sink: exit %d, %q", code, out)
	}
	if code, _, errOut := runMain(t, t.Context(), "notify-test", "--config", path, "missing"); code != 1 ||
		!strings.Contains(errOut, "no sink named missing") {
		t.Errorf("missing sink: exit %d, %q", code, errOut)
	}
}

func TestDigestPreviewAndSend(t *testing.T) {
	smtpd := emailtest.NewServer(t, emailtest.Options{})
	_, path := execWorld(t, fmt.Sprintf(`sinks:
  mail:
    type: email
    smtp: {host: 127.0.0.1, port: %d, security: none}
    from: "Drone Bot <bot@example.com>"
    to: [dev@example.com]
digests:
  - {name: daily, schedule: "0 9 * * *", timezone: UTC, period: 720h, to: [mail]}
`, smtpd.Port))
	// The watcher's history: two runs of octo/demo, one red.
	st := openStoreOf(t, path)
	now := time.Now()
	for i, status := range []string{"success", "failure"} {
		rec := store.BuildRecord{Repo: "octo/demo", Number: int64(i + 1), Branch: "main", Event: "push", Status: status,
			Started: now.Add(-time.Duration(3-i) * time.Hour), Finished: now.Add(-time.Duration(3-i)*time.Hour + 90*time.Second),
			Duration: 90 * time.Second}
		if status == "failure" {
			rec.FailedStep = "unit-tests"
		}
		if err := st.RecordBuild(t.Context(), rec); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	page := filepath.Join(t.TempDir(), "out.html")
	code, out, errOut := runMain(t, t.Context(), "digest", "--config", path, "--name", "daily", "--html", page)
	if code != 0 || !strings.Contains(out, "octo/demo") {
		t.Fatalf("preview: exit %d, %q, %q", code, out, errOut)
	}
	html, err := os.ReadFile(page)
	if err != nil || !strings.Contains(string(html), "octo/demo") || !strings.Contains(string(html), "<table") {
		t.Errorf("preview HTML: %v\n%.300s", err, html)
	}
	if len(smtpd.Mails()) != 0 {
		t.Fatal("a preview sent mail")
	}
	if code, out, errOut = runMain(t, t.Context(), "digest", "--config", path, "--send"); code != 0 {
		t.Fatalf("send: exit %d, %q, %q", code, out, errOut)
	}
	if len(smtpd.Mails()) != 1 {
		t.Fatalf("%d mails, want 1", len(smtpd.Mails()))
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(smtpd.Mails()[0].Data)))
	if err != nil {
		t.Fatal(err)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/related" {
		t.Fatalf("Content-Type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	parts := multipart.NewReader(msg.Body, params["boundary"])
	var types []string
	for {
		p, err := parts.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, strings.Split(p.Header.Get("Content-Type"), ";")[0])
	}
	if strings.Join(types, ",") != "multipart/alternative,image/png,image/png" {
		t.Errorf("parts %v, want the alternative and the two inline charts", types)
	}
}

// openStoreOf opens the store a config names, for scripting its history.
func openStoreOf(t *testing.T, configPath string) *store.Store {
	t.Helper()
	data, err := os.ReadFile(configPath)
	if err != nil {
		t.Fatal(err)
	}
	var dbPath string
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "store: {path: "); ok {
			dbPath = strings.Trim(strings.TrimSuffix(rest, "}"), `"`)
		}
	}
	st, err := store.Open(context.Background(), dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// failingBuild fails its unit-tests step after a long passing log.
func failingBuild(msg string) dronetest.BuildSpec {
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
