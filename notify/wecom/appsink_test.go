package wecom_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/wecom"
	"github.com/dronebot/dronebot/notify/wecom/wecomtest"
)

const (
	appCorp   = "ww0123456789"
	appSecret = "app-SECRET-value"
	appAgent  = 1000002
)

func newAppFake(t *testing.T, users ...string) *wecomtest.AppServer {
	t.Helper()
	fake := wecomtest.NewAppServer(wecomtest.AppOptions{CorpID: appCorp, Secret: appSecret, AgentID: appAgent, Users: users})
	t.Cleanup(fake.Close)
	return fake
}

func newAppSink(t *testing.T, fake *wecomtest.AppServer, mod func(*wecom.AppSinkConfig, *notify.Env)) *wecom.AppSink {
	t.Helper()
	cfg := wecom.AppSinkConfig{APIURL: fake.URL(), CorpID: appCorp, AgentID: appAgent,
		Secret: appSecret, ToUser: []string{"zhangsan", "lisi"}, ToParty: []string{"2"}}
	env := notify.Env{Name: "wecom-people", HTTP: &http.Client{Timeout: 5 * time.Second}}
	if mod != nil {
		mod(&cfg, &env)
	}
	s, err := wecom.NewAppSink(cfg, env)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAppSinkSendsMarkdownKeepingTheTailEnd(t *testing.T) {
	fake := newAppFake(t)
	s := newAppSink(t, fake, nil)
	if err := s.Send(context.Background(), &notify.Message{ID: "d1", Alerts: []*notify.Alert{alert(200)}}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := fake.Messages()
	if len(msgs) != 1 {
		t.Fatalf("messages = %d, want 1", len(msgs))
	}
	m := msgs[0]
	if m.MsgType != "markdown" || m.ToUser != "zhangsan|lisi" || m.ToParty != "2" || m.AgentID != appAgent {
		t.Errorf("message = %+v", m)
	}
	if !m.DuplicateCheck || m.DuplicateInterval != 1800 {
		t.Errorf("duplicate check = %v/%d, want on/1800", m.DuplicateCheck, m.DuplicateInterval)
	}
	if len(m.Content) > wecom.MaxAppContentBytes || !utf8.ValidString(m.Content) {
		t.Errorf("content is %d bytes (valid UTF-8: %v)", len(m.Content), utf8.ValidString(m.Content))
	}
	if !strings.Contains(m.Content, "第 200 行") || strings.Contains(m.Content, "第 1 行 ") {
		t.Errorf("the tail must keep its newest lines:\n%s", m.Content)
	}
	if strings.Contains(m.Content, "```") {
		t.Errorf("app markdown has no code fences:\n%s", m.Content)
	}
}

func TestAppSinkLang(t *testing.T) {
	fake := newAppFake(t)
	s := newAppSink(t, fake, func(_ *wecom.AppSinkConfig, e *notify.Env) { e.Lang = "zh" })
	if err := s.Send(context.Background(), &notify.Message{Alerts: []*notify.Alert{alert(0)}}); err != nil {
		t.Fatal(err)
	}
	en := notify.Markdown(&notify.Message{Alerts: []*notify.Alert{alert(0)}}, 0, notify.MarkdownOptions{NoCodeBlocks: true})
	if got := fake.Messages()[0].Content; got == en {
		t.Errorf("lang zh rendered the English text:\n%s", got)
	}
}

func TestAppSinkErrors(t *testing.T) {
	tests := []struct {
		name           string
		status, code   int
		permanent      bool
		delay          time.Duration
		wantInErrorMsg string
	}{
		{"untrusted ip", 0, 60020, true, 0, "trusted IPs"},
		{"all recipients invalid", 0, 81013, true, 0, "no valid recipient"},
		{"rate limited", 0, 45009, false, time.Minute, "rate limited"},
		{"busy", 0, -1, false, 0, "busy"},
		{"server error", http.StatusBadGateway, 0, false, 0, "HTTP 502"},
		{"no privilege", 0, 301002, true, 0, "may not send"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newAppFake(t)
			s := newAppSink(t, fake, nil)
			fake.FailNext(1, tt.status, tt.code)
			err := s.Send(context.Background(), &notify.Message{Notice: &notify.Notice{Title: "t", Text: "x"}})
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if notify.IsPermanent(err) != tt.permanent {
				t.Errorf("permanent = %v, want %v: %v", notify.IsPermanent(err), tt.permanent, err)
			}
			if d, _ := notify.RetryDelay(err); d != tt.delay {
				t.Errorf("retry delay = %v, want %v", d, tt.delay)
			}
			if !strings.Contains(err.Error(), tt.wantInErrorMsg) || !strings.Contains(err.Error(), "wecom-people") {
				t.Errorf("error = %v, want it to name the sink and say %q", err, tt.wantInErrorMsg)
			}
			if strings.Contains(err.Error(), appSecret) || strings.Contains(err.Error(), "access_token=tok") {
				t.Errorf("error leaks a credential: %v", err)
			}
		})
	}
}

func TestAppSinkUnknownUserIsPermanent(t *testing.T) {
	fake := newAppFake(t, "zhangsan")
	s := newAppSink(t, fake, func(c *wecom.AppSinkConfig, _ *notify.Env) { c.ToUser, c.ToParty = []string{"nobody"}, nil })
	err := s.Send(context.Background(), &notify.Message{Notice: &notify.Notice{Title: "t", Text: "x"}})
	if !notify.IsPermanent(err) {
		t.Fatalf("err = %v, want permanent", err)
	}
	// One known user among unknown ones: delivered, not an error.
	s = newAppSink(t, fake, func(c *wecom.AppSinkConfig, _ *notify.Env) { c.ToUser, c.ToParty = []string{"nobody", "zhangsan"}, nil })
	if err := s.Send(context.Background(), &notify.Message{Notice: &notify.Notice{Title: "t", Text: "x"}}); err != nil {
		t.Fatalf("partly valid recipients: %v", err)
	}
}

func TestAppSinkConfigChecks(t *testing.T) {
	fake := newAppFake(t)
	tests := map[string]func(*wecom.AppSinkConfig){
		"no recipients": func(c *wecom.AppSinkConfig) { c.ToUser, c.ToParty = nil, nil },
		"no secret":     func(c *wecom.AppSinkConfig) { c.Secret = "" },
		"no corp":       func(c *wecom.AppSinkConfig) { c.CorpID = "" },
		"no agent":      func(c *wecom.AppSinkConfig) { c.AgentID = 0 },
		"bad api url":   func(c *wecom.AppSinkConfig) { c.APIURL = "ftp://x" },
	}
	for name, mod := range tests {
		cfg := wecom.AppSinkConfig{APIURL: fake.URL(), CorpID: appCorp, AgentID: appAgent, Secret: appSecret, ToUser: []string{"z"}}
		mod(&cfg)
		if _, err := wecom.NewAppSink(cfg, notify.Env{Name: "n"}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestAppSinkLimitAndFakeWindow(t *testing.T) {
	fake := newAppFake(t)
	s := newAppSink(t, fake, func(c *wecom.AppSinkConfig, _ *notify.Env) { c.ToUser, c.ToParty = []string{"zhangsan"}, nil })
	if l := s.Limits(); len(l) != 1 || l[0].N != 30 || l[0].Per != time.Minute {
		t.Errorf("Limits = %v, want 30/1m", l)
	}
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	fake.SetClock(func() time.Time { return now })
	for i := range 31 {
		// Distinct content: WeCom's duplicate check would drop repeats.
		if err := s.Send(context.Background(), &notify.Message{Notice: &notify.Notice{Title: fmt.Sprint(i), Text: "x"}}); err != nil {
			t.Fatal(err)
		}
	}
	if got, dropped := len(fake.Messages()), len(fake.Dropped()); got != 30 || dropped != 1 {
		t.Errorf("accepted %d, dropped %d; want 30 and 1 (silently, as WeCom does)", got, dropped)
	}
	now = now.Add(61 * time.Second)
	if err := s.Send(context.Background(), &notify.Message{Notice: &notify.Notice{Title: "later", Text: "x"}}); err != nil {
		t.Fatal(err)
	}
	if got := len(fake.Messages()); got != 31 {
		t.Errorf("after the window slid: accepted %d, want 31", got)
	}
}

func TestFakeAppChecks(t *testing.T) {
	fake := newAppFake(t)
	c, err := wecom.NewAppClient(wecom.AppConfig{APIURL: fake.URL(), CorpID: appCorp, AgentID: appAgent + 1, Secret: appSecret}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SendText(context.Background(), wecom.Recipients{Users: []string{"z"}}, "x"); !notify.IsPermanent(err) {
		t.Errorf("wrong agentid: err = %v, want permanent", err)
	}
	c, _ = wecom.NewAppClient(wecom.AppConfig{APIURL: fake.URL(), CorpID: appCorp, AgentID: appAgent, Secret: appSecret}, nil, nil)
	long := strings.Repeat("日志", 600) // 3600 bytes: the client cuts it to fit
	if err := c.SendText(context.Background(), wecom.Recipients{Users: []string{"z"}}, long); err != nil {
		t.Fatalf("long text: %v", err)
	}
	if got := fake.Messages()[0].Content; len(got) > wecom.MaxAppContentBytes || !utf8.ValidString(got) {
		t.Errorf("long text arrived as %d bytes", len(got))
	}
}
