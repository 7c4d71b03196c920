package discord_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dronebot/dronebot/bot/sinktest"
	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/discord"
	"github.com/dronebot/dronebot/notify/discord/discordtest"
)

const (
	hookID = "1234567890"
	token  = "SECRETtoken-9c1e"
)

func alert(outcome notify.Outcome, lines int, line string) *notify.Alert {
	a := &notify.Alert{
		ID: "octo/demo#42:failure", Outcome: outcome, Repo: "octo/demo", Build: 42,
		BuildLink: "https://drone.test/octo/demo/42", Status: "failure", Event: "push", Branch: "main",
		Commit: "abc1234def5678", Title: "@everyone the parser", Author: "pan",
		Finished:    time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC),
		FailedSteps: []notify.FailedStep{{Name: "test", ExitCode: 1}},
	}
	if lines > 0 {
		a.Log = &notify.LogExcerpt{Step: "test", Total: lines}
		for i := range lines {
			a.Log.Lines = append(a.Log.Lines, fmt.Sprintf("%s %d", line, i+1))
		}
	}
	return a
}

func msg(alerts ...*notify.Alert) *notify.Message { return &notify.Message{ID: "d1", Alerts: alerts} }

func newFake(t *testing.T) *discordtest.Server {
	t.Helper()
	fake := discordtest.NewServer()
	t.Cleanup(fake.Close)
	return fake
}

func newSink(t *testing.T, url string) *discord.Sink {
	t.Helper()
	s, err := discord.New(discord.Config{URL: url}, notify.Env{Name: "team-discord", HTTP: &http.Client{Timeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAlertEmbed(t *testing.T) {
	fake := newFake(t)
	s := newSink(t, fake.AddWebhook(hookID, token))
	if err := s.Send(context.Background(), msg(alert(notify.OutcomeFailure, 3, "--- FAIL: TestX"))); err != nil {
		t.Fatal(err)
	}
	got := fake.Messages()
	if len(got) != 1 || len(got[0].Embeds) != 1 {
		t.Fatalf("messages %+v", got)
	}
	m, e := got[0], got[0].Embeds[0]
	if !m.Wait {
		t.Error("sent without wait=true: Discord would not say whether it saved the message")
	}
	if m.Parse == nil || len(m.Parse) != 0 {
		t.Errorf("allowed_mentions.parse = %v: @everyone in a commit title would ping", m.Parse)
	}
	if !strings.Contains(m.Content, "octo/demo #42") || !strings.Contains(e.Title, "octo/demo #42") {
		t.Errorf("content %q, title %q", m.Content, e.Title)
	}
	if e.URL != "https://drone.test/octo/demo/42" || e.Color != 0xE01E5A || e.Timestamp != "2026-11-02T09:00:00Z" {
		t.Errorf("embed %+v", e)
	}
	if !strings.Contains(e.Description, "```\n") || !strings.Contains(e.Description, "--- FAIL: TestX 3") ||
		strings.HasPrefix(e.Description, "## ") {
		t.Errorf("description:\n%s", e.Description)
	}
}

func TestNoticeBurstAndChinese(t *testing.T) {
	fake := newFake(t)
	s := newSink(t, fake.AddWebhook(hookID, token))
	notice := &notify.Message{Notice: &notify.Notice{Title: "dronebot test message", Text: "hello", Level: notify.LevelWarning}}
	var burst []*notify.Alert
	for i := range 12 {
		a := alert(notify.OutcomeFailure, 5, "boom")
		a.Build = int64(100 + i)
		burst = append(burst, a)
	}
	zh := msg(alert(notify.OutcomeFixed, 0, ""))
	zh.Lang = "zh"
	for _, m := range []*notify.Message{notice, msg(burst...), zh} {
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	got := fake.Messages()
	if len(got) != 3 || got[0].Embeds[0].Title != "dronebot test message" || got[0].Embeds[0].Color != 0xECB22E {
		t.Fatalf("messages %+v", got)
	}
	for i := range 12 {
		if !strings.Contains(got[1].Embeds[0].Description, fmt.Sprintf("octo/demo #%d", 100+i)) {
			t.Errorf("the burst does not name build %d", 100+i)
		}
	}
	en := msg(alert(notify.OutcomeFixed, 0, ""))
	if err := s.Send(context.Background(), en); err != nil {
		t.Fatal(err)
	}
	zhTitle, enTitle := got[2].Embeds[0].Title, fake.Messages()[3].Embeds[0].Title
	if heading := notify.Markdown(zh, 0, notify.MarkdownOptions{}); zhTitle == enTitle || !strings.Contains(heading, zhTitle) {
		t.Errorf("zh title %q: not the zh heading %q, or the same as in English", zhTitle, heading)
	}
}

func TestLongTailsFitEveryLimit(t *testing.T) {
	for _, line := range []string{strings.Repeat("x", 200), strings.Repeat("日志", 90), strings.Repeat("🔥", 60)} {
		fake := newFake(t)
		s := newSink(t, fake.AddWebhook(hookID, token))
		if err := s.Send(context.Background(), msg(alert(notify.OutcomeFailure, 300, line))); err != nil {
			t.Fatalf("%.10s…: %v", line, err)
		}
		e := fake.Messages()[0].Embeds[0]
		if !strings.HasSuffix(strings.TrimSuffix(e.Description, "\n```"), " 300") {
			t.Errorf("%.10s…: the newest line is not kept:\n%s", line, e.Description)
		}
		if n := utf8.RuneCountInString(e.Description); n < discordtest.MaxDescription/3 {
			t.Errorf("%.10s…: only %d characters of %d used", line, n, discordtest.MaxDescription)
		}
	}
}

func TestFakeRefusesWhatDiscordRefuses(t *testing.T) {
	fake := newFake(t)
	url := fake.AddWebhook(hookID, token)
	for _, tt := range []struct {
		body string
		want string
	}{
		{`{"content":""}`, `"code":50006`},
		{`{"content":"` + strings.Repeat("a", 2001) + `"}`, `"content":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH"`},
		{`{"embeds":[{"title":"t","description":"` + strings.Repeat("a", 4097) + `"}]}`, `"description":{"_errors"`},
		{`{"embeds":[{"description":"` + strings.Repeat("a", 4000) + `"},{"description":"` + strings.Repeat("a", 2001) + `"}]}`,
			"Embed size exceeds maximum size of 6000"},
		{`{"content":`, `"code":50109`},
	} {
		resp, err := http.Post(url, "application/json", strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 4096)
		n, _ := resp.Body.Read(buf)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(buf[:n]), tt.want) {
			t.Errorf("%.40s: %d %s, want 400 with %s", tt.body, resp.StatusCode, buf[:n], tt.want)
		}
	}
	if len(fake.Messages()) != 0 {
		t.Errorf("refused messages were saved: %v", fake.Messages())
	}
}

func TestErrorClasses(t *testing.T) {
	tests := []struct {
		name      string
		url       func(f *discordtest.Server) string
		fail      func(f *discordtest.Server)
		permanent bool
		after     time.Duration
		want      string
	}{
		{"wrong token", func(f *discordtest.Server) string { f.AddWebhook(hookID, token); return f.URL(hookID, "SECRETwrong") },
			nil, true, 0, "code 50027: Invalid Webhook Token"},
		{"deleted webhook", func(f *discordtest.Server) string { return f.URL("999", token) }, nil, true, 0, "code 10015: Unknown Webhook"},
		{"rate limited", func(f *discordtest.Server) string { return f.AddWebhook(hookID, token) },
			func(f *discordtest.Server) { f.FailNext(1, 429, 0.734) }, false, 734 * time.Millisecond, "rate limited by Discord"},
		{"bad gateway", func(f *discordtest.Server) string { return f.AddWebhook(hookID, token) },
			func(f *discordtest.Server) { f.FailNext(1, 502, 0) }, false, 0, "HTTP 502"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake(t)
			s := newSink(t, tt.url(fake))
			if tt.fail != nil {
				tt.fail(fake)
			}
			err := s.Send(context.Background(), msg(alert(notify.OutcomeFailure, 1, "x")))
			switch {
			case err == nil:
				t.Fatal("no error")
			case notify.IsPermanent(err) != tt.permanent:
				t.Errorf("permanent = %v: %v", notify.IsPermanent(err), err)
			case !strings.Contains(err.Error(), tt.want):
				t.Errorf("err = %v, want %q", err, tt.want)
			case strings.Contains(err.Error(), "SECRET"):
				t.Errorf("the token is in the error: %v", err)
			}
			if d, ok := notify.RetryDelay(err); tt.after > 0 && (!ok || d != tt.after) {
				t.Errorf("retry after %v %v, want %v", d, ok, tt.after)
			}
		})
	}
}

func TestRateWindow(t *testing.T) {
	fake := newFake(t)
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	fake.SetClock(func() time.Time { return now })
	s := newSink(t, fake.AddWebhook(hookID, token))
	for i := range discordtest.RateLimit {
		if err := s.Send(context.Background(), msg(alert(notify.OutcomeFailure, 0, ""))); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	err := s.Send(context.Background(), msg(alert(notify.OutcomeFailure, 0, "")))
	if d, ok := notify.RetryDelay(err); err == nil || notify.IsPermanent(err) || !ok || d != 2*time.Second {
		t.Fatalf("the sixth in 2 s: %v (retry after %v)", err, d)
	}
	if l := s.Limits(); len(l) == 0 || l[0] != (notify.Window{N: discordtest.RateLimit, Per: discordtest.RateWindow}) {
		t.Errorf("Limits = %v, the fake's window is %d/%v", l, discordtest.RateLimit, discordtest.RateWindow)
	}
}

func TestHangIsAmbiguous(t *testing.T) {
	fake := newFake(t)
	s, err := discord.New(discord.Config{URL: fake.AddWebhook(hookID, token)}, notify.Env{Name: "d", HTTP: &http.Client{Timeout: 300 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	fake.HangNext(1)
	if err := s.Send(context.Background(), msg(alert(notify.OutcomeFailure, 0, ""))); !notify.IsAmbiguous(err) {
		t.Errorf("err = %v, want ambiguous", err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, url := range []string{"", "https://discord.test/api/webhooks//", "https://discord.test/api/webhooks/1", "https://discord.test/hooks/1/SECRETx"} {
		_, err := discord.New(discord.Config{URL: url}, notify.Env{Name: "d"})
		if err == nil {
			t.Errorf("New(%q) accepted", url)
		} else if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("the token is in %v", err)
		}
	}
}

func TestFaults(t *testing.T) {
	sinktest.Run(t, func(t *testing.T) sinktest.Fake {
		fake := newFake(t)
		return sinktest.Fake{Type: "discord", Config: &discord.Config{URL: fake.AddWebhook(hookID, token)},
			Fail: func(n int) { fake.FailNext(n, 429, 0.5) },
			Hang: func() { fake.HangNext(1) },
			Texts: func() []string {
				var out []string
				for _, m := range fake.Messages() {
					out = append(out, m.Embeds[0].Title+"\n"+m.Embeds[0].Description)
				}
				return out
			}}
	})
}
