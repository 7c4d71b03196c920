package wecom_test

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
	"github.com/dronebot/dronebot/notify/wecom"
	"github.com/dronebot/dronebot/notify/wecom/wecomtest"
)

const robotKey = "693a91f6-7e3c-4b6f-SECRET-KEY"

func alert(lines int) *notify.Alert {
	a := &notify.Alert{
		ID: "octo/demo#42:failure", Outcome: notify.OutcomeFailure, Repo: "octo/demo", Build: 42,
		BuildLink: "https://drone.test/octo/demo/42", Status: "failure", Event: "push", Branch: "main",
		Commit: "abc1234def5678", Title: "修复解析器", Author: "pan", Mentions: notify.Mentions{WeCom: "zhangsan"},
		FailedSteps: []notify.FailedStep{{Name: "test", ExitCode: 1}},
	}
	if lines > 0 {
		a.Log = &notify.LogExcerpt{Step: "test", Total: lines}
		for i := range lines {
			a.Log.Lines = append(a.Log.Lines, fmt.Sprintf("第 %d 行 test output 测试输出", i+1))
		}
	}
	return a
}

func newSink(t *testing.T, url string) *wecom.Sink {
	t.Helper()
	s, err := wecom.New(wecom.Config{URL: url}, notify.Env{Name: "team-wecom", HTTP: &http.Client{Timeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSendFormats(t *testing.T) {
	tests := []struct {
		name    string
		alert   *notify.Alert
		mention bool
	}{
		{"no tail", alert(0), false},
		{"one-line tail", alert(1), false},
		{"mention", alert(0), true},
		{"tail", alert(30), false},
		{"tail and mention", alert(30), true},
		{"huge tail cut to 4096 bytes", alert(2000), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := wecomtest.NewServer(robotKey)
			defer fake.Close()
			tt.alert.MentionAuthor = tt.mention
			err := newSink(t, fake.URL(robotKey)).Send(context.Background(), &notify.Message{ID: "d1", Alerts: []*notify.Alert{tt.alert}})
			if err != nil {
				t.Fatal(err)
			}
			got := fake.Messages()
			// One message, always markdown: the only robot format that
			// mentions, so the mention is never a second message.
			if len(got) != 1 || got[0].MsgType != "markdown" {
				t.Fatalf("got %+v, want one markdown message", got)
			}
			m := got[0]
			if len(m.Content) > wecom.MaxMarkdownBytes || !utf8.ValidString(m.Content) {
				t.Errorf("%d bytes or bad UTF-8", len(m.Content))
			}
			if !strings.Contains(m.Content, "octo/demo #42") {
				t.Errorf("content lacks the build:\n%s", m.Content)
			}
			if want := map[bool]string{true: "zhangsan"}[tt.mention]; strings.Join(m.Markup.Mentions, ",") != want {
				t.Errorf("mentions %v, want %q:\n%s", m.Markup.Mentions, want, m.Content)
			}
			if tt.alert.Log != nil && len(tt.alert.Log.Lines) > 1 {
				last := tt.alert.Log.Lines[len(tt.alert.Log.Lines)-1]
				if !strings.Contains(m.Content, "> "+fmt.Sprint(len(tt.alert.Log.Lines))+"  "+last) {
					t.Errorf("newest log line lost:\n%s", m.Content)
				}
			}
		})
	}
}

// markupTitle is a commit title that tries every kind of WeCom markup.
const markupTitle = "[点我](https://evil.example/x) <font color=\"warning\">urgent</font> <@all> <@lisi> **bold** `code`"

// markupAlert is an alert whose build text is full of markup.
func markupAlert(o notify.Outcome, build int64) *notify.Alert {
	a := alert(3)
	a.Outcome, a.Build, a.FailCount = o, build, 3
	a.Title = markupTitle
	a.Branch = "feat/<font>[x](https://evil.example/b)"
	a.AuthorName = "<@wangwu> [Pan](https://evil.example/a)"
	a.BuildLink = fmt.Sprintf("https://drone.test/octo/demo/%d", build)
	a.Log.Lines[1] = "<font color=\"info\">log</font> [log](https://evil.example/l) <@zhaoliu>"
	a.MentionAuthor = true
	return a
}

func TestMarkupInBuildTextStaysText(t *testing.T) {
	burst := []*notify.Alert{markupAlert(notify.OutcomeFailure, 50), markupAlert(notify.OutcomeStillFailing, 51), markupAlert(notify.OutcomeFixed, 52)}
	for _, lang := range []string{"en", "zh"} {
		messages := map[string]*notify.Message{
			"failure":       {Alerts: []*notify.Alert{markupAlert(notify.OutcomeFailure, 42)}},
			"still failing": {Alerts: []*notify.Alert{markupAlert(notify.OutcomeStillFailing, 43)}},
			"fixed":         {Alerts: []*notify.Alert{markupAlert(notify.OutcomeFixed, 44)}},
			"burst":         {Alerts: burst},
		}
		for name, m := range messages {
			t.Run(lang+" "+name, func(t *testing.T) {
				fake := wecomtest.NewServer(robotKey)
				defer fake.Close()
				m.Lang = lang
				if err := newSink(t, fake.URL(robotKey)).Send(context.Background(), m); err != nil {
					t.Fatal(err)
				}
				got := fake.Messages()
				if len(got) != 1 || got[0].MsgType != "markdown" {
					t.Fatalf("got %+v", got)
				}
				mk := got[0].Markup
				for _, l := range mk.Links {
					if !strings.HasPrefix(l, "https://drone.test/") {
						t.Errorf("link %q from build text is live:\n%s", l, got[0].Content)
					}
				}
				if len(mk.Links) == 0 || mk.Fonts != 0 {
					t.Errorf("links %v, %d font tags:\n%s", mk.Links, mk.Fonts, got[0].Content)
				}
				if name != "burst" && strings.Join(mk.Mentions, ",") != "zhangsan" {
					t.Errorf("mentions %v, want only the author:\n%s", mk.Mentions, got[0].Content)
				}
				if name == "burst" && len(mk.Mentions) != 0 {
					t.Errorf("mentions %v from build text:\n%s", mk.Mentions, got[0].Content)
				}
				// The words are still there to read.
				for _, want := range []string{"点我", "urgent", "bold"} {
					if name != "burst" && !strings.Contains(got[0].Content, want) {
						t.Errorf("title lost %q:\n%s", want, got[0].Content)
					}
				}
			})
		}
	}
}

func TestSendErrors(t *testing.T) {
	tests := []struct {
		name          string
		key           string
		status, code  int
		permanent     bool
		wantDelay     time.Duration
		wantText      string
		wantDelivered int
	}{
		{"unknown key", "wrong-SECRET-key", 0, 0, true, 0, "robot key is invalid or the robot was removed", 0},
		{"robot disabled", robotKey, 0, 93004, true, 0, "robot key is invalid", 0},
		{"not in group", robotKey, 0, 93008, true, 0, "robot key is invalid", 0},
		{"rate limited", robotKey, 0, 45009, false, 60 * time.Second, "rate limited", 0},
		{"busy", robotKey, 0, -1, false, 0, "busy", 0},
		{"server error", robotKey, 502, 0, false, 0, "HTTP 502", 0},
		{"bad request", robotKey, 400, 0, true, 0, "HTTP 400", 0},
		{"other errcode", robotKey, 0, 40008, true, 0, "errcode 40008", 0},
		{"too long once: re-rendered", robotKey, 0, 40058, false, 0, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := wecomtest.NewServer(robotKey)
			defer fake.Close()
			if tt.status != 0 || tt.code != 0 {
				fake.FailNext(1, tt.status, tt.code)
			}
			err := newSink(t, fake.URL(tt.key)).Send(context.Background(), &notify.Message{Alerts: []*notify.Alert{alert(30)}})
			if got := len(fake.Messages()); got != tt.wantDelivered {
				t.Errorf("delivered %d, want %d", got, tt.wantDelivered)
			}
			if tt.wantText == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("err = %v, want %q", err, tt.wantText)
			}
			if notify.IsPermanent(err) != tt.permanent {
				t.Errorf("permanent = %v, want %v", notify.IsPermanent(err), tt.permanent)
			}
			if d, _ := notify.RetryDelay(err); d != tt.wantDelay {
				t.Errorf("delay = %v, want %v", d, tt.wantDelay)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("key leaked: %v", err)
			}
		})
	}
}

func TestTooLongTwiceIsPermanent(t *testing.T) {
	fake := wecomtest.NewServer(robotKey)
	defer fake.Close()
	fake.FailNext(2, 0, 40058)
	err := newSink(t, fake.URL(robotKey)).Send(context.Background(), &notify.Message{Alerts: []*notify.Alert{alert(30)}})
	if !notify.IsPermanent(err) || fake.Requests() != 2 {
		t.Fatalf("err = %v after %d requests", err, fake.Requests())
	}
}

func TestMentionFitsTheWindow(t *testing.T) {
	fake := wecomtest.NewServer(robotKey)
	defer fake.Close()
	s := newSink(t, fake.URL(robotKey))
	// The 20th message of the window still carries its mention: nothing
	// is left over for a 21st.
	for i := range 20 {
		a := alert(30)
		a.MentionAuthor = true
		if err := s.Send(context.Background(), &notify.Message{Alerts: []*notify.Alert{a}}); err != nil {
			t.Fatalf("message %d: %v", i+1, err)
		}
	}
	got := fake.Messages()
	if len(got) != 20 || strings.Join(got[19].Markup.Mentions, ",") != "zhangsan" {
		t.Errorf("accepted %d, last mentions %v", len(got), got[len(got)-1].Markup.Mentions)
	}
}

func TestFakeRateWindowSlides(t *testing.T) {
	fake := wecomtest.NewServer(robotKey)
	defer fake.Close()
	var mu sync.Mutex
	now := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	fake.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	s := newSink(t, fake.URL(robotKey))
	msg := &notify.Message{Alerts: []*notify.Alert{alert(0)}}
	for i := range 20 {
		if err := s.Send(context.Background(), msg); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		advance(2 * time.Second) // 20 messages over 40 s
	}
	if err := s.Send(context.Background(), msg); err == nil {
		t.Fatal("21st message within 60 s accepted")
	}
	advance(21 * time.Second) // the first message is now 61 s old: one slot frees
	if err := s.Send(context.Background(), msg); err != nil {
		t.Fatalf("after the window slid: %v", err)
	}
	if err := s.Send(context.Background(), msg); err == nil {
		t.Fatal("the window let two through")
	}
	if l := s.Limits(); len(l) != 1 || l[0].N != 20 || l[0].Per != time.Minute {
		t.Errorf("Limits = %v", l)
	}
}

func TestFakeChecksSizes(t *testing.T) {
	fake := wecomtest.NewServer(robotKey)
	defer fake.Close()
	for _, tt := range []struct {
		body string
		code int
	}{
		{`{"msgtype":"text","text":{"content":"` + strings.Repeat("测", 683) + `"}}`, 45002},
		{`{"msgtype":"markdown","markdown":{"content":"` + strings.Repeat("a", 4097) + `"}}`, 40058},
		{`{"msgtype":"markdown_v2","markdown_v2":{"content":""}}`, 44004},
		{`{"msgtype":"voice2","text":{"content":"x"}}`, 40008},
		{`{"msgtype":"text","text":{"content":"` + strings.Repeat("测", 682) + `"}}`, 0},
	} {
		resp, err := notify.PostJSON(context.Background(), http.DefaultClient, fake.URL(robotKey), nil, []byte(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf(`"errcode":%d`, tt.code); !strings.Contains(string(resp.Body), want) {
			t.Errorf("%.60s…: answer %s, want %s", tt.body, resp.Body, want)
		}
	}
}

func TestHangIsAmbiguousAndContextHonoured(t *testing.T) {
	fake := wecomtest.NewServer(robotKey)
	defer fake.Close()
	fake.HangNext(1)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := newSink(t, fake.URL(robotKey)).Send(ctx, &notify.Message{Alerts: []*notify.Alert{alert(30)}})
	if !notify.IsAmbiguous(err) {
		t.Fatalf("err = %v, want ambiguous", err)
	}
	if len(fake.Messages()) != 1 {
		t.Error("the fake should have accepted the message")
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Errorf("key leaked: %v", err)
	}
}

func TestNewRejectsBadURL(t *testing.T) {
	for _, u := range []string{"", "https://qyapi.test/cgi-bin/webhook/send", "::"} {
		if _, err := wecom.New(wecom.Config{URL: u}, notify.Env{Name: "x"}); err == nil {
			t.Errorf("New(%q) accepted", u)
		}
	}
}
