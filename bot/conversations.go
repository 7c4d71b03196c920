package bot

import (
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/slack"
	"github.com/dronebot/dronebot/notify/wecom"
)

// conversationSinks make, on first use, the sink of a chat conversation
// that subscribed to alerts: "slack:C123" posts with the bot token,
// "wecom:zhangsan" sends an app message to that member.
type conversationSinks struct {
	cfg  *config.Config
	hc   *http.Client
	log  *slog.Logger
	mu   sync.Mutex
	made map[string]notify.Sink
}

func (c *conversationSinks) sink(dest string) (notify.Sink, bool) {
	platform, id, ok := strings.Cut(dest, ":")
	if !ok || id == "" {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.made[dest]; ok {
		return s, true
	}
	var s notify.Sink
	var err error
	sc, wc := c.cfg.Chat.Slack, c.cfg.Chat.WeCom
	env := notify.Env{Name: dest, HTTP: c.hc, Log: c.log}
	switch {
	case platform == "slack" && sc.Enabled() && sc.BotToken != "":
		s, err = slack.New(slack.Config{Channel: id, Token: sc.BotToken, APIURL: sc.APIURL}, env)
	case platform == "wecom" && wc.Enabled():
		s, err = wecom.NewAppSink(wecom.AppSinkConfig{APIURL: wc.APIURL, CorpID: wc.CorpID,
			AgentID: wc.AgentID, Secret: wc.Secret, ToUser: []string{id}}, env)
	default:
		return nil, false
	}
	if err != nil {
		c.log.Error("cannot send to a subscribed conversation", "destination", dest, "err", err)
		return nil, false
	}
	c.made[dest] = s
	return s, true
}
