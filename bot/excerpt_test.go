package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
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
	"github.com/dronebot/dronebot/notify/email"
	"github.com/dronebot/dronebot/notify/email/emailtest"
	"github.com/dronebot/dronebot/notify/slack"
	"github.com/dronebot/dronebot/notify/slack/slacktest"
	"github.com/dronebot/dronebot/notify/webhook"
	"github.com/dronebot/dronebot/notify/webhook/webhooktest"
	"github.com/dronebot/dronebot/notify/wecom"
	"github.com/dronebot/dronebot/notify/wecom/wecomtest"
)

// logFixture is a real failing step log and the lines a developer must see
// in it (drone/logtext/testdata/logs/README.md).
type logFixture struct {
	name     string
	raw      []string
	KeyLines []int `json:"key_lines"`
}

func logFixtures(t *testing.T) []logFixture {
	t.Helper()
	files, err := filepath.Glob("../drone/logtext/testdata/logs/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no log fixtures: %v", err)
	}
	var out []logFixture
	for _, f := range files {
		meta, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fx := logFixture{name: strings.TrimSuffix(filepath.Base(f), ".json")}
		if err := json.Unmarshal(meta, &fx); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".log")
		if err != nil {
			t.Fatal(err)
		}
		fx.raw = strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
		out = append(out, fx)
	}
	return out
}

// TestEveryKeyLineReachesEverySink builds the alert of each real failing
// log against a fake Drone, sends it to each sink's local fake, runs /logs,
// and looks for every key line, cleaned and masked, in what arrived.
func TestEveryKeyLineReachesEverySink(t *testing.T) {
	fake := dronetest.New(drone.DialectV1)
	t.Cleanup(fake.Close)
	var robotKeys []string
	for i := range 64 {
		robotKeys = append(robotKeys, fmt.Sprintf("excerpt-robot-%02d", i))
	}
	robot := wecomtest.NewServer(robotKeys...)
	sl := slacktest.NewServer()
	hook := webhooktest.NewReceiver()
	mailSrv := emailtest.NewServer(t, emailtest.Options{})
	t.Cleanup(func() { robot.Close(); sl.Close(); hook.Close() })
	// One robot and one Slack webhook per log keeps within their rates.
	sinksFor := func(n int) map[string]notify.Sink {
		robotKey := robotKeys[n]
		sinkConfigs := map[string]*config.Sink{
			"wecom":   {Type: "wecom", Settings: &wecom.Config{URL: robot.URL(robotKey)}},
			"slack":   {Type: "slack", Settings: &slack.Config{URL: sl.AddWebhook(fmt.Sprintf("excerpt-slack-%04d", n))}},
			"webhook": {Type: "webhook", Settings: &webhook.Config{URL: hook.URL()}},
			"email": {Type: "email", Settings: &email.Config{SMTP: email.SMTP{Host: "127.0.0.1", Port: mailSrv.Port, Security: "none",
				Timeout: 5 * time.Second}, From: "bot@example.com", To: []string{"dev@example.com"}}},
		}
		sinks := map[string]notify.Sink{}
		for name, sc := range sinkConfigs {
			s, err := buildSink(name, sc, &http.Client{Timeout: 10 * time.Second}, io.Discard, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatalf("build %s: %v", name, err)
			}
			sinks[name] = s
		}
		return sinks
	}
	// last reads the newest message each fake received, as text a person
	// reads (escapes and encodings undone).
	last := map[string]func() string{
		"wecom": func() string { m := robot.Messages(); return m[len(m)-1].Content },
		"slack": func() string {
			m := sl.Messages()
			var b strings.Builder
			for _, bl := range m[len(m)-1].Blocks {
				if bl.Text != nil {
					b.WriteString(html.UnescapeString(bl.Text.Text) + "\n")
				}
			}
			return b.String()
		},
		"webhook": func() string {
			r := hook.Requests()
			p := r[len(r)-1].Payload
			if p == nil || len(p.Alerts) != 1 || p.Alerts[0].Log == nil {
				return ""
			}
			var b strings.Builder
			for _, bl := range p.Alerts[0].Log.Blocks {
				b.WriteString(strings.Join(bl.Lines, "\n") + "\n")
			}
			return b.String() + strings.Join(p.Alerts[0].Log.Lines, "\n")
		},
		"email": func() string { m := mailSrv.Mails(); return mailText(t, m[len(m)-1].Data) },
	}
	dc, err := drone.New(drone.Config{Server: fake.URL, Token: fake.Token, Dialect: drone.DialectV1})
	if err != nil {
		t.Fatal(err)
	}
	masker := logtext.NewMasker(fake.Token)
	ab := &watch.AlertBuilder{Client: dc, Masker: masker, LogTail: 30}
	reg := commands.NewRegistry(commands.Deps{Drone: dc, Masker: masker, Logger: slog.New(slog.DiscardHandler)})
	ctx := context.Background()
	for i, fx := range logFixtures(t) {
		repo := "logs/" + fx.name
		fake.AddRepo(repo, dronetest.RepoOptions{DefaultBranch: "main"})
		fake.AddBuild(repo, dronetest.BuildSpec{Status: drone.StatusFailure, Branch: "main", Message: "change", Author: "pan",
			Stages: []dronetest.StageSpec{{Name: "default", Status: drone.StatusFailure, Steps: []dronetest.StepSpec{
				{Name: "clone", Status: drone.StatusSuccess, Log: []string{"+ git fetch"}},
				{Name: "check", Status: drone.StatusFailure, ExitCode: 1, Log: fx.raw}}}}})
		b, err := dc.Build(ctx, repo, 1)
		if err != nil {
			t.Fatal(err)
		}
		a := ab.BuildAlert(ctx, repo, b, true)
		a.ID, a.Outcome = watch.AlertID(repo, 1, notify.OutcomeFailure), notify.OutcomeFailure
		msg := &notify.Message{ID: "excerpt-" + fx.name, Alerts: []*notify.Alert{a}}
		outputs := map[string]string{}
		for name, s := range sinksFor(i) {
			if err := s.Send(ctx, msg); err != nil {
				t.Fatalf("%s: send to %s: %v", fx.name, name, err)
			}
			outputs[name] = last[name]()
		}
		if got := len(outputs["wecom"]); got > wecom.MaxMarkdownBytes {
			t.Errorf("%s: the robot got %d bytes", fx.name, got)
		}
		reply := reg.Run(ctx, commands.Request{Text: "/logs " + repo + " 1", From: commands.Identity{Platform: "cli", ID: "dev"}, TailLines: 30})
		outputs["/logs"] = commands.RenderText(reply)
		for path, out := range outputs {
			for _, n := range fx.KeyLines {
				want := masker.Mask(logtext.Clean(fx.raw[n-1]))
				if path == "wecom" {
					want = notify.DefuseMarkup(want) // WeCom has no escapes
				}
				if !strings.Contains(out, want) {
					t.Errorf("%s: %s lacks key line %d %q", fx.name, path, n, want)
				}
			}
		}
		if t.Failed() {
			for path, out := range outputs {
				t.Logf("%s via %s:\n%s", fx.name, path, out)
			}
			return
		}
	}
}

// mailText is every text part of a mail, decoded; HTML with its escapes
// undone.
func mailText(t *testing.T, raw []byte) string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var b strings.Builder
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p)
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if ct == "text/html" {
			body = []byte(html.UnescapeString(string(body)))
		}
		fmt.Fprintf(&b, "%s\n", body)
	}
	return b.String()
}
