package feishu_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/feishu"
	"github.com/dronebot/dronebot/notify/feishu/feishutest"
)

const (
	token  = "SECRETHOOK-6f1c-4b2a"
	secret = "SECRETsigning"
)

func alert(outcome notify.Outcome, lines int, line string) *notify.Alert {
	a := &notify.Alert{
		ID: "octo/demo#42:failure", Outcome: outcome, Repo: "octo/demo", Build: 42,
		BuildLink: "https://drone.test/octo/demo/42", Status: "failure", Event: "push", Branch: "main",
		Commit: "abc1234def5678", Title: "修复解析器", Author: "pan",
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

func newSink(t *testing.T, url, secret, format string) *feishu.Sink {
	t.Helper()
	s, err := feishu.New(feishu.Config{URL: url, Secret: secret, Format: format}, notify.Env{Name: "team-feishu", HTTP: &http.Client{Timeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newFake(t *testing.T) *feishutest.Server {
	t.Helper()
	fake := feishutest.NewServer()
	t.Cleanup(fake.Close)
	return fake
}

func TestSignVector(t *testing.T) {
	// Feishu's custom bot documentation, computed example for the doc's inputs.
	if got := feishu.Sign("demo", 1599360473); got != "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=" {
		t.Errorf("Sign = %s", got)
	}
	mac := hmac.New(sha256.New, []byte("1700000000\n"+secret))
	if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); feishu.Sign(secret, 1700000000) != want {
		t.Error("Sign disagrees with HMAC-SHA256(key=ts+\"\\n\"+secret, msg=\"\")")
	}
}

func TestCardAndPost(t *testing.T) {
	tests := []struct {
		format, msgType string
		outcome         notify.Outcome
		template, title string
	}{
		{"", "interactive", notify.OutcomeFailure, "red", "octo/demo #42 failed"},
		{"card", "interactive", notify.OutcomeFixed, "green", "octo/demo main fixed by #42"},
		{"card", "interactive", notify.OutcomeKilled, "grey", "octo/demo #42 killed"},
		{"post", "post", notify.OutcomeStillFailing, "", "octo/demo #42 still failing"},
	}
	for _, tt := range tests {
		t.Run(tt.format+string(tt.outcome), func(t *testing.T) {
			fake := newFake(t)
			err := newSink(t, fake.AddBot(token, secret), secret, tt.format).Send(context.Background(), msg(alert(tt.outcome, 20, "FAIL <x>")))
			if err != nil {
				t.Fatal(err)
			}
			m := fake.Messages()[0]
			if m.MsgType != tt.msgType || m.Template != tt.template || !strings.Contains(m.Title, tt.title) {
				t.Errorf("got %s/%s %q", m.MsgType, m.Template, m.Title)
			}
			if !strings.Contains(m.Body, "FAIL <x> 20") || !strings.Contains(m.Body, "test") {
				t.Errorf("body lacks the tail:\n%s", m.Body)
			}
			if tt.msgType == "interactive" && (strings.HasPrefix(m.Body, "## ") || len(m.Buttons) != 1 || !strings.HasSuffix(m.Buttons[0], "https://drone.test/octo/demo/42")) {
				t.Errorf("card body or button: %v\n%s", m.Buttons, m.Body)
			}
		})
	}
}

func TestLongCJKTailFitsBody(t *testing.T) {
	for _, format := range []string{"card", "post"} {
		fake := newFake(t)
		a := alert(notify.OutcomeFailure, 3000, `错误："连接超时" <db> 请检查配置`)
		a.Lang = "zh"
		if err := newSink(t, fake.AddBot(token, ""), "", format).Send(context.Background(), msg(a)); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		m := fake.Messages()[0]
		if m.BodyBytes > feishu.MaxBodyBytes || m.BodyBytes < feishu.MaxBodyBytes*3/4 {
			t.Errorf("%s: body %d bytes", format, m.BodyBytes)
		}
		if !utf8.ValidString(m.Body) || !strings.Contains(m.Body, "配置 3000") || strings.Contains(m.Body, "配置 1\n") {
			t.Errorf("%s: tail lost its end: …%s", format, m.Body[max(0, len(m.Body)-80):])
		}
		if format == "card" && !strings.HasSuffix(m.Body, "配置 3000\n```") {
			t.Errorf("card: fence not closed: …%s", m.Body[len(m.Body)-40:])
		}
	}
}

func TestBurstOfSevenNamesAll(t *testing.T) {
	fake := newFake(t)
	var alerts []*notify.Alert
	for i := range 7 {
		a := alert(notify.OutcomeFailure, 20, "boom")
		a.Repo, a.Build = fmt.Sprintf("octo/r%d", i), int64(10+i)
		alerts = append(alerts, a)
	}
	if err := newSink(t, fake.AddBot(token, secret), secret, "card").Send(context.Background(), msg(alerts...)); err != nil {
		t.Fatal(err)
	}
	m := fake.Messages()[0]
	for i := range 7 {
		if name := fmt.Sprintf("octo/r%d #%d", i, 10+i); !strings.Contains(m.Body, name) {
			t.Errorf("%s not named", name)
		}
	}
	if m.Template != "red" || !strings.Contains(m.Title, "7 builds failed") {
		t.Errorf("header %q %s", m.Title, m.Template)
	}
}

func TestErrorClasses(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(f *feishutest.Server) *feishu.Sink
		permanent bool
		ambiguous bool
		delay     time.Duration
		want      string
	}{
		{"unknown token", func(f *feishutest.Server) *feishu.Sink { return newSink(t, f.URL("SECRETgone"), "", "") }, true, false, 0, "code 19001"},
		{"wrong secret", func(f *feishutest.Server) *feishu.Sink { return newSink(t, f.AddBot(token, secret), "SECRETwrong", "") }, true, false, 0, "code 19021"},
		{"clock skew", func(f *feishutest.Server) *feishu.Sink {
			f.SetClock(func() time.Time { return time.Now().Add(-61 * time.Minute) })
			return newSink(t, f.AddBot(token, secret), secret, "")
		}, true, false, 0, "code 19021"},
		{"keyword", func(f *feishutest.Server) *feishu.Sink {
			f.RequireKeyword("告警")
			return newSink(t, f.AddBot(token, ""), "", "post")
		}, true, false, 0, "code 19024"},
		{"ip", func(f *feishutest.Server) *feishu.Sink {
			f.FailNext(1, 0, 19022)
			return newSink(t, f.AddBot(token, ""), "", "")
		}, true, false, 0, "code 19022"},
		{"throttled", func(f *feishutest.Server) *feishu.Sink {
			f.FailNext(1, 0, 11232)
			return newSink(t, f.AddBot(token, ""), "", "")
		}, false, false, time.Minute, "code 11232"},
		{"HTTP 503", func(f *feishutest.Server) *feishu.Sink {
			f.FailNext(1, 503, 0)
			return newSink(t, f.AddBot(token, ""), "", "")
		}, false, false, 0, "HTTP 503"},
		{"HTTP 404", func(f *feishutest.Server) *feishu.Sink {
			f.FailNext(1, 404, 0)
			return newSink(t, f.AddBot(token, ""), "", "")
		}, true, false, 0, "HTTP 404"},
		{"proxy page", func(f *feishutest.Server) *feishu.Sink {
			f.FailNext(1, 200, 0)
			return newSink(t, f.AddBot(token, ""), "", "")
		}, false, true, 0, "unexpected answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake(t)
			err := tt.setup(fake).Send(context.Background(), msg(alert(notify.OutcomeFailure, 5, "x")))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if notify.IsPermanent(err) != tt.permanent || notify.IsAmbiguous(err) != tt.ambiguous {
				t.Errorf("permanent = %v, ambiguous = %v", notify.IsPermanent(err), notify.IsAmbiguous(err))
			}
			if d, _ := notify.RetryDelay(err); d != tt.delay {
				t.Errorf("delay = %v, want %v", d, tt.delay)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("secret leaked: %v", err)
			}
			if len(fake.Messages()) != 0 {
				t.Error("a refused message was recorded")
			}
		})
	}
}

func TestFakeTooLargeBodyIs9499(t *testing.T) {
	fake := newFake(t)
	url := fake.AddBot(token, "")
	big := `{"msg_type":"text","content":{"text":"` + strings.Repeat("测", 6700) + `"}}`
	resp, err := notify.PostJSON(context.Background(), http.DefaultClient, url, nil, []byte(big))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(resp.Body), `"code":9499`) {
		t.Errorf("answer %d %s", resp.Status, resp.Body)
	}
}

func TestRateWindows(t *testing.T) {
	fake := newFake(t)
	var mu sync.Mutex
	now := time.Now()
	fake.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	s := newSink(t, fake.AddBot(token, secret), secret, "")
	send := func() error { return s.Send(context.Background(), msg(alert(notify.OutcomeFailure, 0, ""))) }
	for i := range 5 {
		if err := send(); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	if err := send(); err == nil || !strings.Contains(err.Error(), "11232") {
		t.Fatalf("6th in a second: %v", err)
	}
	// 100 a minute: 5 a second for 19 more seconds fills it.
	for range 19 {
		advance(time.Second)
		for i := range 5 {
			if err := send(); err != nil {
				t.Fatalf("send %d: %v", i, err)
			}
		}
	}
	advance(time.Second)
	if err := send(); err == nil {
		t.Fatal("101st message in a minute accepted")
	}
	advance(40 * time.Second) // the first second's five leave the minute
	if err := send(); err != nil {
		t.Fatalf("after the minute slid: %v", err)
	}
	if l := s.Limits(); len(l) != 2 || l[0].N != 100 || l[0].Per != time.Minute || l[1].N != 5 || l[1].Per != time.Second {
		t.Errorf("Limits = %v", l)
	}
}

func TestHangIsAmbiguousAndContextHonoured(t *testing.T) {
	fake := newFake(t)
	s := newSink(t, fake.AddBot(token, secret), secret, "")
	fake.HangNext(1)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := s.Send(ctx, msg(alert(notify.OutcomeFailure, 5, "x")))
	if !notify.IsAmbiguous(err) || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("err = %v", err)
	}
	if len(fake.Messages()) != 1 {
		t.Error("the fake should have accepted it")
	}
	cancelled, stop := context.WithCancel(context.Background())
	stop()
	before := fake.Requests()
	if err := s.Send(cancelled, msg(alert(notify.OutcomeFailure, 5, "x"))); err == nil || notify.IsPermanent(err) || fake.Requests() != before {
		t.Errorf("cancelled send: err = %v", err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, cfg := range []feishu.Config{
		{URL: ""},
		{URL: "https://open.feishu.test/open-apis/bot/v2/hook/"},
		{URL: "open.feishu.cn/open-apis/bot/v2/hook/SECRETx"},
		{URL: "https://open.feishu.test/open-apis/bot/v2/hook/SECRETx", Format: "markdown"},
	} {
		_, err := feishu.New(cfg, notify.Env{})
		if err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		} else if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("secret in %v", err)
		}
	}
}
