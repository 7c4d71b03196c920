package mattermost_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/bot/sinktest"
	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/mattermost"
	"github.com/dronebot/dronebot/notify/mattermost/mattermosttest"
)

const key = "SECRETkey8d5w3qyf"

func alert(outcome notify.Outcome, lines int, line string) *notify.Alert {
	a := &notify.Alert{
		ID: "octo/demo#42:failure", Outcome: outcome, Repo: "octo/demo", Build: 42,
		BuildLink: "https://drone.test/octo/demo/42", Status: "failure", Event: "push", Branch: "main",
		Commit: "abc1234def5678", Title: "fix the parser", Author: "pan",
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

func newFake(t *testing.T) *mattermosttest.Server {
	t.Helper()
	fake := mattermosttest.NewServer()
	t.Cleanup(fake.Close)
	return fake
}

func newSink(t *testing.T, url string) *mattermost.Sink {
	t.Helper()
	s, err := mattermost.New(mattermost.Config{URL: url}, notify.Env{Name: "team-mattermost", HTTP: &http.Client{Timeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAlertAttachment(t *testing.T) {
	fake := newFake(t)
	s := newSink(t, fake.AddHook(key))
	if err := s.Send(context.Background(), msg(alert(notify.OutcomeFailure, 3, "--- FAIL: TestX"))); err != nil {
		t.Fatal(err)
	}
	posts := fake.Posts()
	if len(posts) != 1 || len(posts[0].Attachments) != 1 {
		t.Fatalf("posts %+v", posts)
	}
	a := posts[0].Attachments[0]
	if !strings.Contains(a.Title, "octo/demo #42") || a.TitleLink != "https://drone.test/octo/demo/42" || a.Color != "#E01E5A" {
		t.Errorf("attachment %+v", a)
	}
	if !strings.Contains(a.Fallback, "octo/demo #42") {
		t.Errorf("fallback %q: notifications show it", a.Fallback)
	}
	if !strings.Contains(a.Text, "```\n") || !strings.Contains(a.Text, "--- FAIL: TestX 3") || strings.HasPrefix(a.Text, "## ") {
		t.Errorf("text:\n%s", a.Text)
	}
}

func TestNoticeBurstAndChinese(t *testing.T) {
	fake := newFake(t)
	s := newSink(t, fake.AddHook(key))
	notice := &notify.Message{Notice: &notify.Notice{Title: "dronebot test message", Text: "hello", Level: notify.LevelInfo}}
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
	posts := fake.Posts()
	if len(posts) != 3 {
		t.Fatalf("posts %+v", posts)
	}
	if a := posts[0].Attachments[0]; a.Title != "dronebot test message" || !strings.Contains(a.Text, "hello") {
		t.Errorf("notice %+v", a)
	}
	for i := range 12 {
		if !strings.Contains(posts[1].Attachments[0].Text, fmt.Sprintf("octo/demo #%d", 100+i)) {
			t.Errorf("the burst does not name build %d", 100+i)
		}
	}
	en := msg(alert(notify.OutcomeFixed, 0, ""))
	if err := s.Send(context.Background(), en); err != nil {
		t.Fatal(err)
	}
	zhTitle, enTitle := posts[2].Attachments[0].Title, fake.Posts()[3].Attachments[0].Title
	if heading := notify.Markdown(zh, 0, notify.MarkdownOptions{}); zhTitle == enTitle || !strings.Contains(heading, zhTitle) {
		t.Errorf("zh title %q: not the zh heading %q, or the same as in English", zhTitle, heading)
	}
}

func TestLongTailsFitTheAttachments(t *testing.T) {
	for _, line := range []string{strings.Repeat("x", 200), strings.Repeat("日志\"\\", 50)} {
		fake := newFake(t)
		s := newSink(t, fake.AddHook(key))
		if err := s.Send(context.Background(), msg(alert(notify.OutcomeFailure, 300, line))); err != nil {
			t.Fatalf("%.10s…: %v", line, err)
		}
		posts := fake.Posts()
		if len(posts) != 1 {
			t.Fatalf("%d posts", len(posts))
		}
		text := posts[0].Attachments[0].Text
		if !strings.HasSuffix(strings.TrimSuffix(text, "\n```"), " 300") {
			t.Errorf("%.10s…: the newest line is not kept:\n%s", line, text)
		}
		if len([]rune(text)) < mattermosttest.MaxAttachmentsChars/3 {
			t.Errorf("%.10s…: only %d characters used", line, len([]rune(text)))
		}
	}
}

func TestFakeRefusesWhatMattermostRefuses(t *testing.T) {
	fake := newFake(t)
	url := fake.AddHook(key)
	for _, tt := range []struct{ body, want string }{
		{`{"text":""}`, "web.incoming_webhook.text.app_error"},
		{`{"attachments":[{"fallback":"f","color":"red","text":"x"}]}`, "model.incoming_hook.parse_data.app_error"},
		{`{"attachments":[{"fallback":"f","text":"` + strings.Repeat("a", 7900) + `"}]}`, "Maximum attachments length is 7900"},
		{`{"text":`, "web.incoming_webhook.decode.app_error"},
	} {
		resp, err := http.Post(url, "application/json", strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 2048)
		n, _ := resp.Body.Read(buf)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(buf[:n]), tt.want) {
			t.Errorf("%.40s: %d %s, want 400 with %s", tt.body, resp.StatusCode, buf[:n], tt.want)
		}
	}
	resp, err := http.Post(url, "application/json", strings.NewReader(`{"text":"`+strings.Repeat("é", 16384)+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if posts := fake.Posts(); resp.StatusCode != 200 || len(posts) != 2 {
		t.Errorf("a text over 16383 characters: %d, %d posts, want it split in two", resp.StatusCode, len(posts))
	}
}

func TestErrorClasses(t *testing.T) {
	tests := []struct {
		name      string
		url       func(f *mattermosttest.Server) string
		fail      func(f *mattermosttest.Server)
		permanent bool
		after     time.Duration
		want      string
	}{
		{"deleted hook", func(f *mattermosttest.Server) string { return f.URL("SECRETgone") }, nil, true, 0,
			"HTTP 400, web.incoming_webhook.invalid.app_error: Invalid webhook."},
		{"webhooks off", func(f *mattermosttest.Server) string { u := f.AddHook(key); f.DisableWebhooks(); return u }, nil, true, 0,
			"HTTP 501, web.incoming_webhook.disabled.app_error"},
		{"rate limited", func(f *mattermosttest.Server) string { return f.AddHook(key) },
			func(f *mattermosttest.Server) { f.FailNext(1, 429, 2) }, false, 2 * time.Second, "HTTP 429"},
		{"unavailable", func(f *mattermosttest.Server) string { return f.AddHook(key) },
			func(f *mattermosttest.Server) { f.FailNext(1, 503, 0) }, false, 0, "HTTP 503"},
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
				t.Errorf("the key is in the error: %v", err)
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
	s := newSink(t, fake.AddHook(key))
	for i := range mattermosttest.RateLimit {
		if err := s.Send(context.Background(), msg(alert(notify.OutcomeFailure, 0, ""))); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	err := s.Send(context.Background(), msg(alert(notify.OutcomeFailure, 0, "")))
	if d, ok := notify.RetryDelay(err); err == nil || notify.IsPermanent(err) || !ok || d != time.Second {
		t.Fatalf("the eleventh in a second: %v (retry after %v)", err, d)
	}
	if l := s.Limits(); len(l) != 1 || l[0] != (notify.Window{N: mattermosttest.RateLimit, Per: mattermosttest.RateWindow}) {
		t.Errorf("Limits = %v", l)
	}
}

func TestHangIsAmbiguous(t *testing.T) {
	fake := newFake(t)
	s, err := mattermost.New(mattermost.Config{URL: fake.AddHook(key)}, notify.Env{Name: "m", HTTP: &http.Client{Timeout: 300 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	fake.HangNext(1)
	if err := s.Send(context.Background(), msg(alert(notify.OutcomeFailure, 0, ""))); !notify.IsAmbiguous(err) {
		t.Errorf("err = %v, want ambiguous", err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, url := range []string{"", "https://mm.test/hooks/", "https://mm.test/api/v4/posts", "mm.test/hooks/SECRETx"} {
		_, err := mattermost.New(mattermost.Config{URL: url}, notify.Env{Name: "m"})
		if err == nil {
			t.Errorf("New(%q) accepted", url)
		} else if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("the key is in %v", err)
		}
	}
}

func TestFaults(t *testing.T) {
	sinktest.Run(t, func(t *testing.T) sinktest.Fake {
		fake := newFake(t)
		return sinktest.Fake{Type: "mattermost", Config: &mattermost.Config{URL: fake.AddHook(key)},
			Fail: func(n int) { fake.FailNext(n, 429, 1) },
			Hang: func() { fake.HangNext(1) },
			Texts: func() []string {
				var out []string
				for _, p := range fake.Posts() {
					for _, a := range p.Attachments {
						out = append(out, a.Title+"\n"+a.Text)
					}
				}
				return out
			}}
	})
}
