package bot

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/delivery"
	"github.com/dronebot/dronebot/notify/dingtalk"
	"github.com/dronebot/dronebot/notify/email"
	"github.com/dronebot/dronebot/notify/feishu"
	"github.com/dronebot/dronebot/notify/slack"
	"github.com/dronebot/dronebot/notify/stdout"
	"github.com/dronebot/dronebot/notify/webhook"
	"github.com/dronebot/dronebot/notify/wecom"
)

// sinkSet is every enabled destination by name, with its rate limits.
type sinkSet struct {
	sinks  map[string]notify.Sink
	limits map[string][]delivery.Window
	langs  map[string]string
}

// buildSinks makes a sink of every enabled sink in the configuration. out is
// where `stdout` sinks write.
func buildSinks(cfg *config.Config, hc *http.Client, out io.Writer, log *slog.Logger) (*sinkSet, error) {
	set := &sinkSet{sinks: map[string]notify.Sink{}, limits: map[string][]delivery.Window{}, langs: map[string]string{}}
	for name, sc := range cfg.Sinks {
		if sc.Disabled {
			continue
		}
		s, err := buildSink(name, sc, hc, out, log)
		if err != nil {
			return nil, err
		}
		if sc.Template != "" && sc.Type != config.SinkWebhook {
			tmpl, err := notify.ParseTemplate(sc.Template)
			if err != nil {
				return nil, fmt.Errorf("sink %q: %w", name, err)
			}
			s = notify.Templated(s, tmpl)
		}
		set.sinks[name] = s
		set.langs[name] = sc.Lang
		if !sc.Rate.IsZero() {
			set.limits[name] = []delivery.Window{{N: sc.Rate.Count, Per: sc.Rate.Window}}
		} else {
			set.limits[name] = notify.LimitsOf(s)
		}
	}
	return set, nil
}

func buildSink(name string, sc *config.Sink, hc *http.Client, out io.Writer, log *slog.Logger) (notify.Sink, error) {
	env := notify.Env{Name: name, Lang: sc.Lang, HTTP: hc, Log: log, Out: out}
	switch sc.Type {
	case config.SinkWeCom:
		return wecom.New(wecom.Config{URL: sc.URL}, env)
	case config.SinkWebhook:
		return webhook.New(webhook.Config{URL: sc.URL, Headers: sc.Headers}, env)
	case config.SinkEmail:
		return email.New(email.Config{Host: sc.SMTP.Host, Port: sc.SMTP.Port,
			Security: email.Security(sc.SMTP.Security), Username: sc.SMTP.Username, Password: sc.SMTP.Password,
			From: sc.From, To: sc.To, Timeout: sc.SMTP.Timeout.Std()}, env)
	case config.SinkWeComApp:
		return wecom.NewAppSink(wecom.AppSinkConfig{APIURL: sc.APIURL, CorpID: sc.CorpID, AgentID: sc.AgentID,
			Secret: sc.Secret, ToUser: sc.ToUser, ToParty: sc.ToParty, ToTag: sc.ToTag}, env)
	case config.SinkSlack:
		return slack.New(slack.Config{URL: sc.URL, Channel: sc.Channel, Token: sc.BotToken, APIURL: sc.APIURL}, env)
	case config.SinkDingTalk:
		return dingtalk.New(dingtalk.Config{URL: sc.URL, Secret: sc.Secret}, env)
	case config.SinkFeishu:
		return feishu.New(feishu.Config{URL: sc.URL, Secret: sc.Secret, Format: sc.Format}, env)
	case config.SinkStdout:
		return stdout.New(stdout.Config{}, env)
	}
	return nil, fmt.Errorf("sink %q: type %q is not supported by this build", name, sc.Type)
}
