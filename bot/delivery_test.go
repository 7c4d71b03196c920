package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/bot/sinktest"
	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/dingtalk"
	"github.com/dronebot/dronebot/notify/dingtalk/dingtalktest"
	"github.com/dronebot/dronebot/notify/email"
	"github.com/dronebot/dronebot/notify/email/emailtest"
	"github.com/dronebot/dronebot/notify/feishu"
	"github.com/dronebot/dronebot/notify/feishu/feishutest"
	"github.com/dronebot/dronebot/notify/slack"
	"github.com/dronebot/dronebot/notify/slack/slacktest"
	"github.com/dronebot/dronebot/notify/webhook"
	"github.com/dronebot/dronebot/notify/webhook/webhooktest"
	"github.com/dronebot/dronebot/notify/wecom"
	"github.com/dronebot/dronebot/notify/wecom/wecomtest"
)

// faultySink is one sink type with its local fake: fail makes the fake
// refuse the next n messages (5xx or the platform's rate-limit answer),
// hang makes it accept the next one and never answer, texts reads what it
// accepted.
type faultySink struct {
	name  string
	sink  *config.Sink
	fail  func(n int)
	hang  func()          // nil: the fake cannot accept and then hang
	texts func() []string // one string per accepted message
	// bodies, where set, are the accepted messages as sent, when texts
	// shows only part of them.
	bodies func() []string
	// deliveryIDs are the X-Dronebot-Delivery headers of every request,
	// where the platform carries them.
	deliveryIDs func() []string
}

func faultySinks(t *testing.T) []faultySink {
	robot := wecomtest.NewServer("fault-key")
	hook := webhooktest.NewReceiver()
	sl := slacktest.NewServer()
	ding := dingtalktest.NewServer()
	fei := feishutest.NewServer()
	app := wecomtest.NewAppServer(wecomtest.AppOptions{CorpID: "ww-corp", Secret: "app-secret-1", AgentID: 7})
	mail := emailtest.NewServer(t, emailtest.Options{})
	t.Cleanup(func() {
		robot.Close()
		hook.Close()
		sl.Close()
		ding.Close()
		fei.Close()
		app.Close()
	})
	slackURL := sl.AddWebhook("fault-secret-0001")
	dingURL := ding.AddRobot("ding-token", "SEC-ding-secret")
	feiURL := fei.AddBot("fei-token", "fei-secret")
	return []faultySink{
		{name: "wecom", sink: &config.Sink{Type: "wecom", Settings: &wecom.Config{URL: robot.URL("fault-key")}},
			fail: func(n int) { robot.FailNext(n, 200, 45009) }, hang: func() { robot.HangNext(1) },
			texts: func() []string {
				var out []string
				for _, m := range robot.Messages() {
					out = append(out, m.Content)
				}
				return out
			}},
		{name: "webhook", sink: &config.Sink{Type: "webhook", Settings: &webhook.Config{URL: hook.URL()}},
			fail: func(n int) { hook.AnswerNext(n, http.StatusServiceUnavailable, "", "busy") }, hang: func() { hook.HangNext(1) },
			texts: func() []string {
				var out []string
				for _, r := range hook.Requests() {
					if r.Status < 300 && r.Payload != nil {
						var names []string
						for _, a := range r.Payload.Alerts {
							names = append(names, fmt.Sprintf("%s #%d ", a.Repo, a.Build))
						}
						out = append(out, strings.Join(names, "\n"))
					}
				}
				return out
			},
			bodies: func() []string {
				var out []string
				for _, r := range hook.Requests() {
					if r.Status < 300 {
						out = append(out, string(r.Body))
					}
				}
				return out
			},
			deliveryIDs: func() []string {
				var ids []string
				for _, r := range hook.Requests() {
					ids = append(ids, r.Header.Get("X-Dronebot-Delivery"))
				}
				return ids
			}},
		{name: "slack", sink: &config.Sink{Type: "slack", Settings: &slack.Config{URL: slackURL}},
			fail: func(n int) { sl.FailNextRateLimited(n, time.Second) }, hang: func() { sl.HangNext(1) },
			texts: func() []string {
				var out []string
				for _, m := range sl.Messages() {
					out = append(out, m.Text+string(m.RawBody))
				}
				return out
			}},
		{name: "dingtalk", sink: &config.Sink{Type: "dingtalk", Settings: &dingtalk.Config{URL: dingURL, Secret: "SEC-ding-secret"}},
			fail: func(n int) { ding.FailNext(n, 502, 0) }, hang: func() { ding.HangNext(1) },
			texts: func() []string {
				var out []string
				for _, m := range ding.Messages() {
					out = append(out, m.Text)
				}
				return out
			}},
		{name: "feishu", sink: &config.Sink{Type: "feishu", Settings: &feishu.Config{URL: feiURL, Secret: "fei-secret", Format: "card"}},
			fail: func(n int) { fei.FailNext(n, 200, 11232) }, hang: func() { fei.HangNext(1) },
			texts: func() []string {
				var out []string
				for _, m := range fei.Messages() {
					out = append(out, m.Title+"\n"+m.Body)
				}
				return out
			}},
		{name: "wecom_app", sink: &config.Sink{Type: "wecom_app", Settings: &wecom.AppSinkConfig{APIURL: app.URL(), CorpID: "ww-corp", AgentID: 7,
			Secret: "app-secret-1", ToUser: []string{"zhangsan"}}},
			fail: func(n int) { app.FailNext(n, 500, 0) },
			texts: func() []string {
				var out []string
				for _, m := range app.Messages() {
					out = append(out, m.Content)
				}
				return out
			}},
		{name: "email", sink: &config.Sink{Type: "email", Settings: &email.Config{SMTP: email.SMTP{Host: "127.0.0.1", Port: mail.Port,
			Security: "none", Timeout: 5 * time.Second}, From: "bot@example.com", To: []string{"dev@example.com"}}},
			fail: func(n int) { mail.FailNext(n) },
			texts: func() []string {
				var out []string
				for _, m := range mail.Mails() {
					out = append(out, string(m.Data))
				}
				return out
			}},
	}
}

// fake is the entry as the shared fault tests drive it.
func (fs faultySink) fake() sinktest.Fake {
	return sinktest.Fake{Type: fs.sink.Type, Config: fs.sink.Settings, Fail: fs.fail, Hang: fs.hang, Texts: fs.texts,
		DeliveryIDs: fs.deliveryIDs}
}

func TestEverySinkPassesTheFaultTests(t *testing.T) {
	for _, fs := range faultySinks(t) {
		t.Run(fs.name, func(t *testing.T) {
			sinktest.Run(t, func(t *testing.T) sinktest.Fake {
				for _, fresh := range faultySinks(t) {
					if fresh.name == fs.name {
						return fresh.fake()
					}
				}
				panic("unreachable")
			})
		})
	}
}

// newRig is the shared fault tests' rig around the sink sc configures.
func newRig(t *testing.T, name string, sc *config.Sink) *sinktest.Rig {
	t.Helper()
	sink, err := buildSink(name, sc, &http.Client{Timeout: 10 * time.Second}, io.Discard, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("build %s sink: %v", name, err)
	}
	return sinktest.NewRig(t, sink)
}

func TestSilentMailServerBlocksNothingAndLeaksNoConnection(t *testing.T) {
	// A server that accepts connections and never says a word.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	closed := make(chan struct{}, 4)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				io.Copy(io.Discard, c) // returns when the client hangs up
				c.Close()
				closed <- struct{}{}
			}()
		}
	}()
	hook := webhooktest.NewReceiver()
	defer hook.Close()
	mailSink := &config.Sink{Type: "email", Settings: &email.Config{SMTP: email.SMTP{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port,
		Security: "none", Timeout: time.Second}, From: "bot@example.com", To: []string{"dev@example.com"}}}
	r := newRig(t, "mail", mailSink)
	hookSink, err := buildSink("hook", &config.Sink{Type: "webhook", Settings: &webhook.Config{URL: hook.URL()}}, http.DefaultClient, io.Discard, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	mail, _ := r.Worker.Sink("mail")
	r.Worker.Sink = func(dest string) (notify.Sink, bool) {
		if dest == "hook" {
			return hookSink, true
		}
		return mail, true
	}
	r.Enqueue(t, "mail", 1)
	r.Enqueue(t, "hook", 2)
	if err := r.Worker.Dispatch(context.Background()); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, func() bool { return len(hook.Requests()) == 2 }, "the webhook to get its alerts while mail hangs")
	select {
	case <-closed:
	case <-time.After(15 * time.Second):
		t.Fatal("the silent mail connection was never closed")
	}
	if err := r.Worker.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	d, err := r.Store.GetDelivery(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != store.StateQueued || d.Attempts < 1 || d.LastError == "" {
		t.Errorf("mail delivery %+v, want queued for a retry with its error", d)
	}
}

func TestBurstToOneRobotStaysWithinItsRate(t *testing.T) {
	robot := wecomtest.NewServer("burst-key")
	defer robot.Close()
	r := newRig(t, "robot", &config.Sink{Type: "wecom", Settings: &wecom.Config{URL: robot.URL("burst-key")}})
	builds := r.Enqueue(t, "robot", 100)
	if err := r.Worker.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs := robot.Messages()
	if len(msgs) > 20 || robot.Requests() != len(msgs) {
		t.Fatalf("%d messages accepted of %d requests in the first minute; the robot allows 20", len(msgs), robot.Requests())
	}
	var texts []string
	for _, m := range msgs {
		texts = append(texts, m.Content)
	}
	named := map[string]bool{}
	for _, b := range sinktest.Arrivals(texts, builds) {
		named[b] = true
	}
	if len(named) != 100 {
		t.Errorf("%d of 100 builds named in %d messages", len(named), len(msgs))
	}
}
