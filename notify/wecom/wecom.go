// Package wecom sends messages to a WeCom (企业微信) group robot webhook.
//
// A message with a multi-line log tail goes out as markdown_v2 (the only
// robot format with code blocks); anything else as markdown, which can
// also @-mention with <@userid>. markdown_v2 cannot mention, so when an
// alert asks to mention its author the sink follows it, in the same Send,
// with a short text message carrying mentioned_list.
package wecom

import (
	"context"
	"errors"
	"fmt"
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

// ErrMentionNotSent says the alert was delivered but the follow-up mention
// was not. Send marks it Permanent: retrying would deliver the alert twice,
// and a lost mention is not worth that.
var ErrMentionNotSent = fmt.Errorf("wecom: alert delivered, mention not sent: %w", notify.ErrPartlyDelivered)

// Config is one robot sink, a `type: wecom` entry of bot.yaml.
type Config struct {
	URL string `yaml:"url"` // https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY
}

// Token is where a robot URL carries its key.
var Token = notify.HookToken{Query: "key"}

// Check reports a missing URL or key; an empty one disables the sink.
func (c *Config) Check(chk *notify.ConfigCheck) { chk.HookURL("url", c.URL, Token) }

// Secrets is the robot key.
func (c *Config) Secrets() []notify.Secret { return notify.URLSecrets("url", c.URL, Token) }

// Sink is a WeCom group robot.
type Sink struct {
	notify.Hook
}

var _ notify.Sink = (*Sink)(nil)

// New checks cfg and returns the sink.
func New(cfg Config, env notify.Env) (*Sink, error) {
	hook, err := notify.NewHook("wecom", cfg.URL, Token, env)
	if err != nil {
		return nil, err
	}
	return &Sink{Hook: hook}, nil
}

// Limits is the robot's rate limit, for the delivery stage to honour.
func (s *Sink) Limits() []notify.Window { return []notify.Window{{N: RateLimit, Per: RateWindow}} }

// Send posts m, and the mention after it when needed.
func (s *Sink) Send(ctx context.Context, m *notify.Message) error {
	v2 := false
	for _, a := range m.Alerts {
		v2 = v2 || a.MultiLineLog()
	}
	err := s.post(ctx, s.payload(m, v2, MaxMarkdownBytes))
	if errors.Is(err, errTooLong) {
		// Our byte count and WeCom's disagreed; one smaller try.
		s.Hook.Log().WarnContext(ctx, "wecom: content refused as too long, sending it shorter", "sink", s.Hook.Name())
		err = s.post(ctx, s.payload(m, v2, smallerLimit))
		if errors.Is(err, errTooLong) {
			err = notify.Permanent(err)
		}
	}
	if err != nil {
		return s.Hook.Err(err)
	}
	if !v2 {
		return nil // markdown carried the mention inline
	}
	if mention := s.mentionPayload(m); mention != nil {
		if err := s.post(ctx, mention); err != nil {
			return notify.Permanent(s.Hook.Err(fmt.Errorf("%w: %w", ErrMentionNotSent, err)))
		}
	}
	return nil
}

type content struct {
	Content       string   `json:"content"`
	MentionedList []string `json:"mentioned_list,omitempty"`
}

type payload struct {
	MsgType    string   `json:"msgtype"`
	Text       *content `json:"text,omitempty"`
	Markdown   *content `json:"markdown,omitempty"`
	MarkdownV2 *content `json:"markdown_v2,omitempty"`
}

func (s *Sink) payload(m *notify.Message, v2 bool, limit int) *payload {
	if v2 {
		text := notify.Markdown(m, limit, notify.MarkdownOptions{})
		return &payload{MsgType: "markdown_v2", MarkdownV2: &content{Content: text}}
	}
	text := notify.Markdown(m, limit, notify.MarkdownOptions{NoCodeBlocks: true, Mention: inlineMention})
	return &payload{MsgType: "markdown", Markdown: &content{Content: text}}
}

func inlineMention(a *notify.Alert) string {
	if a.Mentions.WeCom == "" {
		return ""
	}
	return "<@" + a.Mentions.WeCom + ">"
}

// mentionPayload is the text message that mentions the authors who asked
// to be mentioned, nil when nobody is.
// Cost is how many robot messages Send uses for m: a multi-line alert that
// mentions someone needs a second, text message, and both count against the
// robot's 20 a minute.
func (s *Sink) Cost(m *notify.Message) int {
	v2 := false
	for _, a := range m.Alerts {
		v2 = v2 || a.MultiLineLog()
	}
	if v2 && s.mentionPayload(m) != nil {
		return 2
	}
	return 1
}

func (s *Sink) mentionPayload(m *notify.Message) *payload {
	var ids, builds []string
	seen := map[string]bool{}
	for _, a := range m.Alerts {
		if !a.MentionAuthor || a.Mentions.WeCom == "" {
			continue
		}
		builds = append(builds, fmt.Sprintf("%s #%d", a.Repo, a.Build))
		if !seen[a.Mentions.WeCom] {
			seen[a.Mentions.WeCom] = true
			ids = append(ids, a.Mentions.WeCom)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	text := notify.PhrasesFor(m.Language()).TakeALook
	for i, b := range builds {
		if i > 0 {
			text += ", "
		}
		text += b
	}
	text = notify.TruncateBytes(text, MaxTextBytes, "…")
	return &payload{MsgType: "text", Text: &content{Content: text, MentionedList: ids}}
}
