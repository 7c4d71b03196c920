// Package wecom sends messages to a WeCom (企业微信) group robot webhook.
//
// Every message goes out as markdown, the robot format that can @-mention
// (<@userid>): an alert and the mention of its author are one message, and a
// failure and its fix look alike. markdown has no code blocks, so a log
// excerpt is quoted line by line. Text from the build is defused so a commit
// title cannot add links, <font> colours or mentions.
package wecom

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// Platform limits of the group robot.
const (
	MaxMarkdownBytes = 4096 // markdown and markdown_v2 content, UTF-8 bytes
	MaxTextBytes     = 2048 // text content
	RateLimit        = 20   // messages per robot ...
	RateWindow       = 60 * time.Second
	// smallerLimit is the budget of the one re-render after errcode 40058.
	smallerLimit = 3072
)

// Config is one robot sink, a `type: wecom` entry of bot.yaml. Its url is
// https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY.
type Config = notify.HookConfig[robotKey]

// robotKey is where a robot URL carries its secret.
type robotKey struct{}

func (robotKey) Token() notify.HookToken { return notify.HookToken{Query: "key"} }

// Sink is a WeCom group robot.
type Sink struct {
	notify.Hook
}

var _ notify.Sink = (*Sink)(nil)

// New checks cfg and returns the sink.
func New(cfg Config, env notify.Env) (*Sink, error) {
	hook, err := cfg.Hook("wecom", env)
	if err != nil {
		return nil, err
	}
	return &Sink{Hook: hook}, nil
}

// Limits is the robot's rate limit, for the delivery stage to honour.
func (s *Sink) Limits() []notify.Window { return []notify.Window{{N: RateLimit, Per: RateWindow}} }

// Send posts m as one markdown message.
func (s *Sink) Send(ctx context.Context, m *notify.Message) error {
	err := s.post(ctx, payloadOf(m, MaxMarkdownBytes))
	if errors.Is(err, errTooLong) {
		// Our byte count and WeCom's disagreed; one smaller try.
		s.Hook.Log().WarnContext(ctx, "wecom: content refused as too long, sending it shorter", "sink", s.Hook.Name())
		err = s.post(ctx, payloadOf(m, smallerLimit))
		if errors.Is(err, errTooLong) {
			err = notify.Permanent(err)
		}
	}
	if err != nil {
		return s.Hook.Err(err)
	}
	return nil
}

type content struct {
	Content string `json:"content"`
}

type payload struct {
	MsgType  string   `json:"msgtype"`
	Markdown *content `json:"markdown,omitempty"`
}

// payloadOf renders WeCom markdown: log lines quoted, build text defused,
// the author mentioned inline.
func payloadOf(m *notify.Message, limit int) *payload {
	opts := notify.MarkdownOptions{NoCodeBlocks: true, Defuse: true, Mention: inlineMention}
	return &payload{MsgType: "markdown", Markdown: &content{Content: notify.Markdown(m, limit, opts)}}
}

// inlineMention is <@userid>, for a WeCom user id that cannot break out of
// the tag.
func inlineMention(a *notify.Alert) string {
	id := a.Mentions.WeCom
	if id == "" || strings.ContainsAny(id, "<>@ \t\r\n") {
		return ""
	}
	return "<@" + id + ">"
}
