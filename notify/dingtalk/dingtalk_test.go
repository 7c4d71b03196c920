package dingtalk_test

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
	"github.com/dronebot/dronebot/notify/dingtalk"
	"github.com/dronebot/dronebot/notify/dingtalk/dingtalktest"
)

const (
	token  = "SECRETTOKENabc123"
	secret = "SECsecretsigningkey0123456789"
)

func alert(lines int, line string) *notify.Alert {
	a := &notify.Alert{
		ID: "octo/demo#42:failure", Outcome: notify.OutcomeFailure, Repo: "octo/demo", Build: 42,
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

func newSink(t *testing.T, url, secret string) *dingtalk.Sink {
	t.Helper()
	s, err := dingtalk.New(dingtalk.Config{URL: url, Secret: secret}, notify.Env{Name: "team-dingtalk", HTTP: &http.Client{Timeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newFake(t *testing.T) *dingtalktest.Server {
	t.Helper()
	fake := dingtalktest.NewServer()
	t.Cleanup(fake.Close)
	return fake
}

func TestSignVector(t *testing.T) {
	// DingTalk's custom robot documentation, computed example.
	if got := dingtalk.Sign("SECxxxxxxxx", 1577262236757); got != "GQTdD2h8xuqlb8XmudD4Eah5iFpDgJYtqFlQIs9dSTg=" {
		t.Errorf("Sign = %s", got)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("1700000000123\n" + secret))
	if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); dingtalk.Sign(secret, 1700000000123) != want {
		t.Errorf("Sign disagrees with HMAC-SHA256(secret, ts+\"\\n\"+secret)")
	}
}

func TestSendSignedMarkdownWithMentions(t *testing.T) {
	fake := newFake(t)
	url := fake.AddRobot(token, secret)
	a, b := alert(30, "FAIL <x> & y"), alert(0, "")
	a.MentionAuthor, a.Mentions.DingTalk = true, "13800001111"
	b.MentionAuthor, b.Mentions.DingTalk, b.Repo = true, "manager4711", "octo/other"
	for _, m := range []*notify.Message{msg(a), msg(b)} {
		if err := newSink(t, url, secret).Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	got := fake.Messages()
	if len(got) != 2 {
		t.Fatalf("accepted %d", len(got))
	}
	first := got[0]
	if first.MsgType != "markdown" || first.Title != "❌ octo/demo #42 failed at test · main · 修复解析器" || !strings.Contains(first.Text, "FAIL <x> & y 30\n```") {
		t.Errorf("message: %+v", first)
	}
	if !strings.Contains(first.Text, "@13800001111") || strings.Join(first.AtMobiles, ",") != "13800001111" || len(first.AtUserIDs) != 0 {
		t.Errorf("mobile mention: %v %v\n%s", first.AtMobiles, first.AtUserIDs, first.Text)
	}
	if strings.Join(got[1].AtUserIDs, ",") != "manager4711" || !strings.Contains(got[1].Text, "@manager4711") {
		t.Errorf("user id mention: %+v", got[1])
	}
}

func TestLongCJKTailFitsBody(t *testing.T) {
	fake := newFake(t)
	a := alert(3000, `错误："连接超时" <db> 请检查配置`)
	a.Lang = "zh"
	if err := newSink(t, fake.AddRobot(token, ""), "").Send(context.Background(), msg(a)); err != nil {
		t.Fatal(err)
	}
	m := fake.Messages()[0]
	if m.BodyBytes > dingtalk.MaxBodyBytes || m.BodyBytes < dingtalk.MaxBodyBytes*3/4 {
		t.Errorf("body %d bytes: over the limit or needlessly short", m.BodyBytes)
	}
	if !utf8.ValidString(m.Text) || !strings.HasSuffix(m.Text, "配置 3000\n```") || strings.Contains(m.Text, "配置 1\n") {
		t.Errorf("tail lost its end or its fence: …%s", m.Text[len(m.Text)-80:])
	}
}

func TestBurstOfSevenNamesAll(t *testing.T) {
	fake := newFake(t)
	var alerts []*notify.Alert
	for i := range 7 {
		a := alert(20, "boom")
		a.Repo, a.Build = fmt.Sprintf("octo/r%d", i), int64(10+i)
		alerts = append(alerts, a)
	}
	if err := newSink(t, fake.AddRobot(token, secret), secret).Send(context.Background(), msg(alerts...)); err != nil {
		t.Fatal(err)
	}
	m := fake.Messages()[0]
	for i := range 7 {
		if name := fmt.Sprintf("octo/r%d #%d", i, 10+i); !strings.Contains(m.Text, name) {
			t.Errorf("%s not named", name)
		}
	}
	if !strings.Contains(m.Title, "7 builds failed") {
		t.Errorf("title %q", m.Title)
	}
}

func TestErrorClasses(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(fake *dingtalktest.Server) *dingtalk.Sink
		permanent bool
		ambiguous bool
		delay     time.Duration
		want      string
	}{
		{"unknown token", func(f *dingtalktest.Server) *dingtalk.Sink { return newSink(t, f.URL("SECRETnope"), "") }, true, false, 0, "errcode 300001"},
		{"wrong secret", func(f *dingtalktest.Server) *dingtalk.Sink {
			return newSink(t, f.AddRobot(token, secret), "SECRETwrong")
		}, true, false, 0, "sign not match"},
		{"unsigned to a signing robot", func(f *dingtalktest.Server) *dingtalk.Sink { return newSink(t, f.AddRobot(token, secret), "") }, true, false, 0, "invalid timestamp"},
		{"clock skew", func(f *dingtalktest.Server) *dingtalk.Sink {
			f.SetClock(func() time.Time { return time.Now().Add(61 * time.Minute) })
			return newSink(t, f.AddRobot(token, secret), secret)
		}, true, false, 0, "invalid timestamp"},
		{"keyword", func(f *dingtalktest.Server) *dingtalk.Sink {
			f.RequireKeyword("告警")
			return newSink(t, f.AddRobot(token, ""), "")
		}, true, false, 0, "keywords not in content"},
		{"too fast", func(f *dingtalktest.Server) *dingtalk.Sink {
			f.FailNext(1, 0, 130101)
			return newSink(t, f.AddRobot(token, ""), "")
		}, false, false, time.Minute, "rate limited"},
		{"busy", func(f *dingtalktest.Server) *dingtalk.Sink {
			f.FailNext(1, 0, -1)
			return newSink(t, f.AddRobot(token, ""), "")
		}, false, false, 0, "busy"},
		{"bad request", func(f *dingtalktest.Server) *dingtalk.Sink {
			f.FailNext(1, 0, 40035)
			return newSink(t, f.AddRobot(token, ""), "")
		}, true, false, 0, "errcode 40035"},
		{"HTTP 502", func(f *dingtalktest.Server) *dingtalk.Sink {
			f.FailNext(1, 502, 0)
			return newSink(t, f.AddRobot(token, ""), "")
		}, false, false, 0, "HTTP 502"},
		{"HTTP 404", func(f *dingtalktest.Server) *dingtalk.Sink {
			f.FailNext(1, 404, 0)
			return newSink(t, f.AddRobot(token, ""), "")
		}, true, false, 0, "HTTP 404"},
		{"proxy page", func(f *dingtalktest.Server) *dingtalk.Sink {
			f.FailNext(1, 200, 0)
			return newSink(t, f.AddRobot(token, ""), "")
		}, false, true, 0, "unexpected answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake(t)
			err := tt.setup(fake).Send(context.Background(), msg(alert(5, "x")))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if notify.IsPermanent(err) != tt.permanent || notify.IsAmbiguous(err) != tt.ambiguous {
				t.Errorf("permanent = %v, ambiguous = %v", notify.IsPermanent(err), notify.IsAmbiguous(err))
			}
			if d, _ := notify.RetryDelay(err); d != tt.delay {
				t.Errorf("delay = %v, want %v", d, tt.delay)
			}
			if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "SECsecret") {
				t.Errorf("secret leaked: %v", err)
			}
			if len(fake.Messages()) != 0 {
				t.Error("a refused message was recorded")
			}
		})
	}
}

func TestRateLimitThrottlesTenMinutes(t *testing.T) {
	fake := newFake(t)
	var mu sync.Mutex
	now := time.Now()
	fake.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	s := newSink(t, fake.AddRobot(token, ""), "")
	for i := range 20 {
		if err := s.Send(context.Background(), msg(alert(0, ""))); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		advance(time.Second)
	}
	err := s.Send(context.Background(), msg(alert(0, "")))
	if d, _ := notify.RetryDelay(err); d != time.Minute || !strings.Contains(err.Error(), "130101") {
		t.Fatalf("21st in a minute: %v", err)
	}
	advance(61 * time.Second) // the window slid, but the robot is throttled
	if err := s.Send(context.Background(), msg(alert(0, ""))); err == nil {
		t.Fatal("throttled robot accepted a message")
	}
	advance(10 * time.Minute)
	if err := s.Send(context.Background(), msg(alert(0, ""))); err != nil {
		t.Fatalf("after the throttle: %v", err)
	}
	if l := s.Limits(); len(l) != 1 || l[0].N != 20 || l[0].Per != time.Minute {
		t.Errorf("Limits = %v", l)
	}
}

func TestHangIsAmbiguousAndContextHonoured(t *testing.T) {
	fake := newFake(t)
	s := newSink(t, fake.AddRobot(token, secret), secret)
	fake.HangNext(1)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := s.Send(ctx, msg(alert(5, "x")))
	if !notify.IsAmbiguous(err) || strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "SECsecret") {
		t.Fatalf("err = %v", err)
	}
	if len(fake.Messages()) != 1 {
		t.Error("the fake should have accepted it")
	}
	cancelled, stop := context.WithCancel(context.Background())
	stop()
	before := fake.Requests()
	if err := s.Send(cancelled, msg(alert(5, "x"))); err == nil || notify.IsPermanent(err) || fake.Requests() != before {
		t.Errorf("cancelled send: err = %v, requests %d -> %d", err, before, fake.Requests())
	}
}

func TestNewRejectsBadURL(t *testing.T) {
	for _, u := range []string{"", "https://oapi.dingtalk.test/robot/send", "oapi.dingtalk.com/robot/send?access_token=SECRETx", "::"} {
		_, err := dingtalk.New(dingtalk.Config{URL: u}, notify.Env{Name: "x"})
		if err == nil {
			t.Errorf("New(%q) accepted", u)
		} else if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("secret in %v", err)
		}
	}
}
