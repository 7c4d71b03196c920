package slack_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/slack"
	"github.com/dronebot/dronebot/notify/slack/slacktest"
)

const (
	botToken    = "xoxb-1234-SECRETBOTTOKEN"
	hookSecret  = "SECRETHOOKxyz"
	channel     = "C0123456"
	lonely      = "C0LONELY"
	leakMarkers = "SECRET"
)

func alert(outcome notify.Outcome, lines int, line string) *notify.Alert {
	a := &notify.Alert{
		ID: "octo/demo#42:" + string(outcome), Outcome: outcome, Repo: "octo/demo", Build: 42,
		BuildLink: "https://drone.test/octo/demo/42", Status: "failure", Event: "push", Branch: "main",
		Commit: "abc1234def5678", Title: "fix <parser> & lexer", Author: "pan", AuthorName: "Pan",
		Mentions: notify.Mentions{Slack: "U012AB3CD"}, FailedSteps: []notify.FailedStep{{Name: "test", ExitCode: 2}},
	}
	if lines > 0 {
		a.Log = &notify.LogExcerpt{Step: "test", Total: lines}
		for i := range lines {
			a.Log.Lines = append(a.Log.Lines, fmt.Sprintf("%s %d", line, i+1))
		}
	}
	return a
}

type fixture struct {
	fake    *slacktest.Server
	webhook *slack.Sink
	bot     *slack.Sink
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	fake := slacktest.NewServer()
	t.Cleanup(fake.Close)
	fake.SetRate(1000, time.Second) // rate is tested on its own
	fake.AddToken(botToken)
	fake.AddChannel(channel, true)
	fake.AddChannel(lonely, false)
	hc := &http.Client{Timeout: 5 * time.Second}
	wh, err := slack.New(slack.Config{URL: fake.AddWebhook(hookSecret)}, notify.Env{Name: "team-slack", HTTP: hc})
	if err != nil {
		t.Fatal(err)
	}
	bot, err := slack.New(slack.Config{Channel: channel, Token: botToken, APIURL: fake.APIURL()}, notify.Env{Name: "team-bot", HTTP: hc})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{fake: fake, webhook: wh, bot: bot}
}

// sectionTexts joins the text of every section of a message.
func sectionTexts(m slacktest.Message) string {
	var b strings.Builder
	for _, bl := range m.Blocks {
		if bl.Text != nil {
			b.WriteString(bl.Text.Text + "\n")
		}
	}
	return b.String()
}

func TestAlertBlocks(t *testing.T) {
	for _, mode := range []string{"webhook", "chat.postMessage"} {
		t.Run(mode, func(t *testing.T) {
			f := newFixture(t)
			sink := f.webhook
			if mode != "webhook" {
				sink = f.bot
			}
			a := alert(notify.OutcomeFailure, 30, "FAIL: TestParse")
			a.MentionAuthor = true
			if err := sink.Send(context.Background(), &notify.Message{ID: "d1", Alerts: []*notify.Alert{a}}); err != nil {
				t.Fatalf("send: %v (fake: %s)", err, f.fake.LastError())
			}
			got := f.fake.Messages()
			if len(got) != 1 || got[0].Via != mode {
				t.Fatalf("got %d messages via %v", len(got), got)
			}
			m := got[0]
			if m.Blocks[0].Type != "header" || !strings.HasPrefix(m.Blocks[0].Text.Text, "❌ octo/demo #42 failed at test · main") {
				t.Errorf("first block %+v", m.Blocks[0])
			}
			if !strings.HasPrefix(m.Text, "❌ octo/demo #42 failed at test · main · fix &lt;parser&gt; &amp; lexer") {
				t.Errorf("notification text %q", m.Text)
			}
			text := sectionTexts(m)
			for _, want := range []string{"<@U012AB3CD>", "<https://drone.test/octo/demo/42|#42>", "fix &lt;parser&gt; &amp; lexer",
				"30  FAIL: TestParse 30\n```", "test: exit 2", "(30 of 30 lines)"} {
				if !strings.Contains(text, want) {
					t.Errorf("sections lack %q:\n%s", want, text)
				}
			}
			if m.Text == "" {
				t.Error("no fallback text")
			}
			last := m.Blocks[len(m.Blocks)-1]
			buttons := last.Buttons()
			if last.Type != "actions" || len(buttons) != 2 {
				t.Fatalf("last block %+v", last)
			}
			for i, want := range []string{"restart", "logs"} {
				if buttons[i].ActionID != want || buttons[i].Value != "octo/demo#42" {
					t.Errorf("button %d = %+v", i, buttons[i])
				}
			}
		})
	}
}

func TestNoButtonsUnlessFailed(t *testing.T) {
	for _, o := range []notify.Outcome{notify.OutcomeFixed, notify.OutcomeSuccess, notify.OutcomeKilled} {
		f := newFixture(t)
		if err := f.webhook.Send(context.Background(), &notify.Message{Alerts: []*notify.Alert{alert(o, 0, "")}}); err != nil {
			t.Fatal(err)
		}
		for _, b := range f.fake.Messages()[0].Blocks {
			if b.Type == "actions" {
				t.Errorf("%s: has buttons", o)
			}
		}
	}
}

func TestLongCJKTailKeepsEnd(t *testing.T) {
	f := newFixture(t)
	a := alert(notify.OutcomeStillFailing, 2000, "错误：无法连接数据库 连接超时 请检查配置 ``` 第")
	a.FailCount = 3
	a.Lang = "zh"
	if err := f.bot.Send(context.Background(), &notify.Message{Alerts: []*notify.Alert{a}}); err != nil {
		t.Fatalf("send: %v (fake: %s)", err, f.fake.LastError())
	}
	m := f.fake.Messages()[0]
	var tail string
	for _, b := range m.Blocks {
		if b.Text != nil && strings.Contains(b.Text.Text, "```") {
			tail = b.Text.Text
		}
		if b.Text != nil && utf8.RuneCountInString(b.Text.Text) > slack.MaxSectionText {
			t.Errorf("section of %d characters", utf8.RuneCountInString(b.Text.Text))
		}
	}
	if !strings.HasSuffix(tail, "第 2000\n```") {
		t.Errorf("tail does not end with the newest line and a closed fence: …%s", string([]rune(tail)[max(0, utf8.RuneCountInString(tail)-60):]))
	}
	if strings.Count(tail, "```") != 2 || !utf8.ValidString(tail) {
		t.Errorf("fences: %d, valid: %v", strings.Count(tail, "```"), utf8.ValidString(tail))
	}
	if !strings.Contains(tail, "共 2000 行") || strings.Contains(tail, "第 1\n") {
		t.Errorf("header or cut wrong: %.200s", tail)
	}
}

func TestBurstNamesEveryBuild(t *testing.T) {
	for _, n := range []int{7, 1500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			f := newFixture(t)
			var alerts []*notify.Alert
			for i := range n {
				a := alert(notify.OutcomeFailure, 10, "boom")
				if i%3 == 1 {
					a.Outcome = notify.OutcomeFixed
				}
				a.Repo, a.Build = fmt.Sprintf("octo/repo%d", i), int64(100+i)
				a.BuildLink = fmt.Sprintf("https://drone.test/octo/repo%d/%d", i, 100+i)
				a.MentionAuthor = true
				alerts = append(alerts, a)
			}
			if err := f.webhook.Send(context.Background(), &notify.Message{Alerts: alerts}); err != nil {
				t.Fatalf("send: %v (fake: %s)", err, f.fake.LastError())
			}
			m := f.fake.Messages()[0]
			if len(m.Blocks) > slack.MaxBlocks {
				t.Fatalf("%d blocks", len(m.Blocks))
			}
			text := sectionTexts(m)
			for i := range n {
				if name := fmt.Sprintf("octo/repo%d #%d", i, 100+i); !strings.Contains(text, name) {
					t.Fatalf("build %s not named", name)
				}
			}
			if n == 7 && (!strings.Contains(text, "<@U012AB3CD>") || !strings.Contains(m.Blocks[0].Text.Text, "7 build alerts")) {
				t.Errorf("burst rendering: %s\n%s", m.Blocks[0].Text.Text, text)
			}
		})
	}
}

func TestNotice(t *testing.T) {
	f := newFixture(t)
	msg := &notify.Message{Notice: &notify.Notice{Title: "Drone is unreachable", Text: "since 09:00 <see logs>\n\n" + strings.Repeat("line of text\n", 600)}}
	if err := f.webhook.Send(context.Background(), msg); err != nil {
		t.Fatalf("send: %v (fake: %s)", err, f.fake.LastError())
	}
	m := f.fake.Messages()[0]
	if m.Blocks[0].Text.Text != "Drone is unreachable" || !strings.Contains(sectionTexts(m), "&lt;see logs&gt;") || len(m.Blocks) < 3 {
		t.Errorf("notice blocks: %d, %s", len(m.Blocks), sectionTexts(m)[:80])
	}
}

func TestErrorClasses(t *testing.T) {
	tests := []struct {
		name      string
		bot       bool
		setup     func(f *fixture) *slack.Sink
		permanent bool
		delay     time.Duration
		want      string
	}{
		{"webhook invalid_payload", false, func(f *fixture) *slack.Sink { f.fake.FailNext(1, 400, "invalid_payload"); return nil }, true, 0, "HTTP 400: invalid_payload"},
		{"webhook archived", false, func(f *fixture) *slack.Sink { f.fake.FailNext(1, 410, "channel_is_archived"); return nil }, true, 0, "channel_is_archived"},
		{"webhook 500", false, func(f *fixture) *slack.Sink { f.fake.FailNext(1, 500, "rollup_error"); return nil }, false, 0, "HTTP 500"},
		{"webhook 429", false, func(f *fixture) *slack.Sink { f.fake.FailNextRateLimited(1, 7*time.Second); return nil }, false, 7 * time.Second, "HTTP 429"},
		{"webhook unknown", false, func(f *fixture) *slack.Sink {
			s, _ := slack.New(slack.Config{URL: f.fake.WebhookURL("SECRETgone")}, notify.Env{Name: "x"})
			return s
		}, true, 0, "HTTP 404: no_service"},
		{"bad token", true, func(f *fixture) *slack.Sink {
			s, _ := slack.New(slack.Config{Channel: channel, Token: "xoxb-9-SECRETwrong", APIURL: f.fake.APIURL()}, notify.Env{Name: "x"})
			return s
		}, true, 0, "invalid_auth"},
		{"unknown channel", true, func(f *fixture) *slack.Sink {
			s, _ := slack.New(slack.Config{Channel: "C0NONE", Token: botToken, APIURL: f.fake.APIURL()}, notify.Env{Name: "x"})
			return s
		}, true, 0, "channel_not_found"},
		{"not a member", true, func(f *fixture) *slack.Sink {
			s, _ := slack.New(slack.Config{Channel: lonely, Token: botToken, APIURL: f.fake.APIURL()}, notify.Env{Name: "x"})
			return s
		}, true, 0, "not_in_channel"},
		{"api 429", true, func(f *fixture) *slack.Sink { f.fake.FailNextRateLimited(1, 30*time.Second); return nil }, false, 30 * time.Second, "rate limited"},
		{"api internal_error", true, func(f *fixture) *slack.Sink { f.fake.FailNext(1, 0, "internal_error"); return nil }, false, 0, "internal_error"},
		{"api ratelimited body", true, func(f *fixture) *slack.Sink { f.fake.FailNext(1, 0, "ratelimited"); return nil }, false, time.Second, "ratelimited"},
		{"api 503", true, func(f *fixture) *slack.Sink { f.fake.FailNext(1, 503, "down"); return nil }, false, 0, "HTTP 503"},
		{"api proxy page", true, func(f *fixture) *slack.Sink { f.fake.FailNext(1, 200, "<html>captive</html>"); return nil }, false, 0, "unexpected answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			sink := f.webhook
			if tt.bot {
				sink = f.bot
			}
			if s := tt.setup(f); s != nil {
				sink = s
			}
			err := sink.Send(context.Background(), &notify.Message{Alerts: []*notify.Alert{alert(notify.OutcomeFailure, 5, "x")}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if notify.IsPermanent(err) != tt.permanent {
				t.Errorf("permanent = %v, want %v", notify.IsPermanent(err), tt.permanent)
			}
			if d, _ := notify.RetryDelay(err); d != tt.delay {
				t.Errorf("delay = %v, want %v", d, tt.delay)
			}
			if tt.name == "api proxy page" && !notify.IsAmbiguous(err) {
				t.Errorf("an unreadable 200 should be ambiguous: %v", err)
			}
			if strings.Contains(err.Error(), leakMarkers) {
				t.Errorf("secret leaked: %v", err)
			}
			if len(f.fake.Messages()) != 0 {
				t.Error("the fake accepted a refused message")
			}
		})
	}
}

func TestHangIsAmbiguous(t *testing.T) {
	for _, bot := range []bool{false, true} {
		f := newFixture(t)
		sink := f.webhook
		if bot {
			sink = f.bot
		}
		f.fake.HangNext(1)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		err := sink.Send(ctx, &notify.Message{Alerts: []*notify.Alert{alert(notify.OutcomeFailure, 5, "x")}})
		cancel()
		if !notify.IsAmbiguous(err) || strings.Contains(err.Error(), leakMarkers) {
			t.Fatalf("bot=%v: err = %v, want ambiguous and secret-free", bot, err)
		}
		if len(f.fake.Messages()) != 1 {
			t.Errorf("bot=%v: the fake should have accepted it", bot)
		}
	}
}

func TestCancelledContext(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, sink := range []*slack.Sink{f.webhook, f.bot} {
		err := sink.Send(ctx, &notify.Message{Alerts: []*notify.Alert{alert(notify.OutcomeFailure, 5, "x")}})
		if err == nil || notify.IsPermanent(err) || !strings.Contains(err.Error(), "context canceled") {
			t.Errorf("%s: err = %v", sink.Name(), err)
		}
	}
	if f.fake.Requests() != 0 {
		t.Errorf("%d requests reached the fake", f.fake.Requests())
	}
}

func TestFakeRateWindow(t *testing.T) {
	f := newFixture(t)
	var mu sync.Mutex
	now := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	f.fake.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	f.fake.SetRate(1, time.Second)
	msg := &notify.Message{Alerts: []*notify.Alert{alert(notify.OutcomeFailure, 0, "")}}
	if err := f.bot.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	err := f.bot.Send(context.Background(), msg)
	if d, ok := notify.RetryDelay(err); !ok || d != time.Second {
		t.Fatalf("second message in the same second: err = %v", err)
	}
	// The webhook is another destination with its own window.
	if err := f.webhook.Send(context.Background(), msg); err != nil {
		t.Fatalf("webhook: %v", err)
	}
	mu.Lock()
	now = now.Add(time.Second)
	mu.Unlock()
	if err := f.bot.Send(context.Background(), msg); err != nil {
		t.Fatalf("after the window slid: %v", err)
	}
	if l := f.bot.Limits(); len(l) != 1 || l[0].N != 1 || l[0].Per != time.Second {
		t.Errorf("Limits = %v", l)
	}
}

func TestFakeChecksLimits(t *testing.T) {
	f := newFixture(t)
	section := func(n int) string {
		return `{"type":"section","text":{"type":"mrkdwn","text":"` + strings.Repeat("字", n) + `"}}`
	}
	many := make([]string, 51)
	for i := range many {
		many[i] = section(1)
	}
	for _, tt := range []struct {
		body string
		want string
	}{
		{`{"text":"hi","blocks":[` + section(3001) + `]}`, "invalid_blocks"},
		{`{"text":"hi","blocks":[` + strings.Join(many, ",") + `]}`, "invalid_blocks"},
		{`{"blocks":[{"type":"header","text":{"type":"plain_text","text":"` + strings.Repeat("a", 151) + `"}}]}`, "invalid_blocks"},
		{`{}`, "no_text"},
		{`{"text":"hi","blocks":[` + section(3000) + `]}`, "ok"},
	} {
		resp, err := notify.PostJSON(context.Background(), http.DefaultClient, f.fake.WebhookURL(hookSecret), nil, []byte(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(string(resp.Body)); got != tt.want {
			t.Errorf("%.50s…: answer %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, cfg := range []slack.Config{
		{},
		{URL: "hooks.slack.com/services/x"},
		{URL: "https://hooks.slack.test/services/x", Channel: "C1", Token: botToken},
		{Channel: "C1"},
		{Channel: "C1", Token: botToken, APIURL: "::"},
	} {
		if _, err := slack.New(cfg, notify.Env{}); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		} else if strings.Contains(err.Error(), leakMarkers) {
			t.Errorf("secret in %v", err)
		}
	}
}
