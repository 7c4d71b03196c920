package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/bot/watch"
	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
	"github.com/dronebot/dronebot/drone/logtext"
	"github.com/dronebot/dronebot/notify"
)

// ownSinkSecret is a configured secret of the bot besides the Drone token.
const ownSinkSecret = "own-sink-secret-5f2a9c"

// secretLine is one secret shape as a failing step prints it: tag makes the
// line findable in every output, secret must never be seen.
type secretLine struct {
	shape, tag, line, secret string
}

func secretLines(droneToken string) []secretLine {
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaS1kZXBsb3llciJ9.c2lnbmF0dXJlLW5vdC1yZWFs"
	return []secretLine{
		{"aws secret key assignment", "s01", "s01 aws_secret_access_key = q8Zr2VtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY0", "q8Zr2VtnFEMI/K7MDENG"},
		{"aws secret beside its id", "s02", "s02 printf %s AKIAQ3EXAMPLE7FAKE42 Wz9Yx8Vw7Ut6Sr5Qp4On3Ml2Kj1Ih0GfEdCbA9z8", "Wz9Yx8Vw7Ut6Sr5Qp4On"},
		{"aws access key id", "s03", "s03 export AWS_ACCESS_KEY_ID=AKIAQ3EXAMPLE7FAKE43", "AKIAQ3EXAMPLE7FAKE43"},
		{"slack token", "s04", "s04 posting with xoxb-123456789012-abcdefghijklmnop", "xoxb-123456789012"},
		{"github token", "s05", "s05 git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r", "ghp_abcdefghijklmnop"},
		{"github fine-grained token", "s06", "s06 GH=github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123", "github_pat_11ABCDEFG0"},
		{"gitlab token", "s07", "s07 using glpat-AbCdEfGhIjKlMnOpQrSt", "glpat-AbCdEfGhIjKl"},
		{"jwt", "s08", "s08 TOKEN_VALUE " + jwt, "c2lnbmF0dXJlLW5vdC1yZWFs"},
		{"mysql -p", "s09", "s09 mysql -uroot -pMyS3cretPw -h db", "MyS3cretPw"},
		{"quoted password", "s10", "s10 PASSWORD: 'a spaced value'", "a spaced value"},
		{"url userinfo", "s11", "s11 REDIS_URL=redis://:r3dis-EXAMPLE-pass@127.0.0.1:6379/0", "r3dis-EXAMPLE-pass"},
		{"authorization header", "s12", "s12 curl -H 'Authorization: Basic dXNlcjpzM2NyZXQtYmFzaWM=' http://x", "dXNlcjpzM2NyZXQtYmFzaWM"},
		{"api key header", "s13", "s13 curl -H 'X-Api-Key: k-9f8e7d6c5b4a' http://x", "k-9f8e7d6c5b4a"},
		{"bot's drone token", "s14", "s14 deploying with " + droneToken + " now", droneToken},
		{"bot's sink secret", "s15", "s15 the hook said " + ownSinkSecret, ownSinkSecret},
		{"password assignment", "s16", "s16 DB_PASSWORD=Tr0ub4dor-EXAMPLE-pw", "Tr0ub4dor-EXAMPLE-pw"},
	}
}

// keyBody is the body of a private key whose BEGIN line the alert's last
// lines do not show.
var keyBody = []string{
	"b3BlbnNzaC1rZXktdjEARkFLRS1GSVhUVVJFLU5PVC1BLVJFQUwtS0VZOQyMfXJHNCzYEA",
	"8vb3cNZdZw5Y4DUdiujk9urDQvwjG3sIcW6z/BKJa5YiMXdJQodzPCjui6U721a4gkV31T",
	"7MKKcKYcdRChzYkhbKFs/8rqSYdHfobbzLlwRvwuGDhOUdggxcPvgAU6iK45lt5Q6AGGWz",
}

// secretLog is a failing step's log: a key block that straddles the start
// of the last 30 lines, then one line per secret shape, then the failure.
func secretLog(lines []secretLine) []string {
	log := []string{"+ cat deploy_key", "-----BEGIN OPENSSH PRIVATE KEY-----"}
	for i := 0; i < 12; i++ {
		log = append(log, keyBody[i%len(keyBody)])
	}
	log = append(log, "-----END OPENSSH PRIVATE KEY-----")
	for _, l := range lines {
		log = append(log, l.line)
	}
	return append(log, "curl: (22) The requested URL returned error: 501", "exit status 22")
}

// TestEverySecretShapeIsMaskedInEveryOutput sends an alert of a step whose
// log carries every secret shape through each sink to its local fake, runs
// /logs, and logs the lines, and looks for the secrets in all of it.
func TestEverySecretShapeIsMaskedInEveryOutput(t *testing.T) {
	fake := dronetest.New(drone.DialectV1)
	t.Cleanup(fake.Close)
	lines := secretLines(fake.Token)
	log := secretLog(lines)
	if len(log) < 30 || len(log)-30 < 2 || len(log)-30 > 10 {
		t.Fatalf("the last 30 of %d lines must start inside the key block", len(log))
	}
	fake.AddRepo("octo/demo", dronetest.RepoOptions{DefaultBranch: "main"})
	fake.AddBuild("octo/demo", dronetest.BuildSpec{Status: drone.StatusFailure, Branch: "main", Message: "deploy", Author: "pan",
		Stages: []dronetest.StageSpec{{Name: "default", Status: drone.StatusFailure, Steps: []dronetest.StepSpec{
			{Name: "deploy", Status: drone.StatusFailure, ExitCode: 22, Log: log}}}}})
	ctx := context.Background()
	dc, err := drone.New(drone.Config{Server: fake.URL, Token: fake.Token, Dialect: drone.DialectV1})
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{fake.Token, ownSinkSecret}
	masker := logtext.NewMasker(secrets...)

	outputs := map[string]string{} // output path → everything it showed
	b, err := dc.Build(ctx, "octo/demo", 1)
	if err != nil {
		t.Fatal(err)
	}
	ab := &watch.AlertBuilder{Client: dc, Masker: masker, LogTail: 30}
	a := ab.BuildAlert(ctx, "octo/demo", b, true)
	a.ID, a.Outcome = watch.AlertID("octo/demo", 1, notify.OutcomeFailure), notify.OutcomeFailure
	msg := &notify.Message{ID: "mask-1", Alerts: []*notify.Alert{a}}
	for _, fs := range faultySinks(t) {
		sink, err := buildSink(fs.name, fs.sink, &http.Client{Timeout: 10 * time.Second}, io.Discard, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatalf("build %s: %v", fs.name, err)
		}
		if err := sink.Send(ctx, msg); err != nil {
			t.Fatalf("send to %s: %v", fs.name, err)
		}
		read := fs.texts
		if fs.bodies != nil {
			read = fs.bodies
		}
		outputs[fs.name] = strings.Join(read(), "\n")
	}
	reg := commands.NewRegistry(commands.Deps{Drone: dc, Masker: masker, Logger: slog.New(slog.DiscardHandler)})
	reply := reg.Run(ctx, commands.Request{Text: "/logs octo/demo 1", From: commands.Identity{Platform: "cli", ID: "dev"}, TailLines: 30})
	outputs["/logs"] = commands.RenderText(reply)
	var botLog bytes.Buffer
	logger := NewLogger(&botLog, config.Log{Format: "json"}, secrets...)
	logger.Error("step failed", "output", strings.Join(log, "\n"))
	for _, l := range lines {
		logger.Warn(l.line, "err", errors.New("step said: "+l.line), "line", l.line)
	}
	outputs["bot log"] = botLog.String()

	for path, out := range outputs {
		if out == "" {
			t.Errorf("%s: nothing arrived", path)
			continue
		}
		for _, l := range lines {
			if !strings.Contains(out, l.tag) {
				t.Errorf("%s: the %s line (%s) is missing", path, l.shape, l.tag)
			}
			if strings.Contains(out, l.secret) {
				t.Errorf("%s: the %s shows %q", path, l.shape, l.secret)
			}
		}
		for _, body := range keyBody {
			if strings.Contains(out, body[:24]) {
				t.Errorf("%s: shows private key material %q", path, body[:24])
			}
		}
		if !strings.Contains(out, logtext.Masked) {
			t.Errorf("%s: nothing was masked", path)
		}
	}
	if t.Failed() {
		for path, out := range outputs {
			t.Logf("%s:\n%s", path, shortened(out))
		}
	}
}

func shortened(s string) string {
	if len(s) > 6000 {
		return s[:6000] + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return s
}
