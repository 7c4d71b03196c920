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
	"github.com/dronebot/dronebot/notify/email/emailtest"
)

// TestDigestAfterAFreshInstall runs the bot for a while on a Drone that
// already had builds, then builds the digest with `dronebot digest`: the
// builds from before the bot's first run come from Drone's build list,
// the later ones from what the watcher recorded, each once.
func TestDigestAfterAFreshInstall(t *testing.T) {
	fake := dronetest.New(drone.DialectV1)
	t.Cleanup(fake.Close)
	fake.AddRepo("octo/demo", dronetest.RepoOptions{DefaultBranch: "main"})
	start := time.Now().Add(-3 * time.Hour).Truncate(time.Second)
	old := redBuild("Break the parser")
	old.Created, old.Started, old.Finished = start, start, start.Add(2*time.Minute)
	fake.AddBuild("octo/demo", old)
	fix := greenBuild()
	fix.Message = "Fix the parser"
	fix.Created, fix.Started, fix.Finished = start.Add(time.Hour), start.Add(time.Hour), start.Add(time.Hour+3*time.Minute)
	fake.AddBuild("octo/demo", fix)

	smtpd := emailtest.NewServer(t, emailtest.Options{})
	dir := t.TempDir()
	path := filepath.Join(dir, "bot.yaml")
	cfg := fmt.Sprintf(`log: {format: json}
server: {listen: "127.0.0.1:0", shutdown_timeout: 10s}
drone: {server: %q, token: %q}
store: {path: %q}
watch: {interval: 1s}
sinks:
  mail:
    type: email
    smtp: {host: 127.0.0.1, port: %d, security: none}
    from: "Drone Bot <bot@example.com>"
    to: [dev@example.com]
digests:
  - {name: daily, schedule: "0 9 * * *", timezone: UTC, period: 24h, to: [mail]}
`, fake.URL, fake.Token, filepath.Join(dir, "bot.db"), smtpd.Port)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	bot := startBot(t, path)
	bot.waitCycles(2) // the first sighting records #2 only
	fake.AddBuild("octo/demo", redBuild("Break it again"))
	bot.waitCycles(3)
	if code := bot.stop(syscall.SIGTERM); code != 0 {
		t.Fatalf("exit %d\n%s", code, bot.logs())
	}

	page := filepath.Join(dir, "digest.html")
	var stdout, stderr strings.Builder
	cmd := exec.CommandContext(t.Context(), binary, "digest", "--config", path, "--html", page)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("digest: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	// #1 was read from Drone, #2 is in both (counted once), #3 the
	// watcher recorded.
	for _, want := range []string{
		"Totals: 1 repository, 3 runs, 2 failed, success rate 33.3%, 1 red now",
		"1 build from the times the bot was not watching were read from Drone.",
		`#3 main "Break it again" (pan), step unit-tests`,
		`#1 main "Break the parser" (pan), step unit-tests <` + fake.URL + `/octo/demo/1>`,
		// #1 is the first build known: the line may have been red before.
		"octo/demo main: red since #1 (pan) at " + old.Finished.UTC().Format("2006-01-02 15:04") + " or before, fixed by #2 (pan)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("digest lacks %q:\n%s", want, out)
		}
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`href="` + fake.URL + `/octo/demo/1"`, "Break the parser", "data:image/png;base64,"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("the HTML lacks %q", want)
		}
	}
}
