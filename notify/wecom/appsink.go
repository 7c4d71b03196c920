package wecom

import (
	"context"
	"fmt"

	"github.com/dronebot/dronebot/notify"
)

// AppSinkConfig is one wecom_app sink: a self-built app sending alerts to
// members, departments or tags.
type AppSinkConfig struct {
	APIURL  string // default https://qyapi.weixin.qq.com
	CorpID  string
	AgentID int
	Secret  string
	ToUser  []string
	ToParty []string
	ToTag   []string
}

// AppSink sends alerts as WeCom app markdown messages. WeCom app markdown
// has no code fences, so a log tail is quoted line by line; it keeps its
// newest lines when the 2048-byte limit bites.
type AppSink struct {
	name   string
	lang   string
	to     Recipients
	client *AppClient
}

var _ notify.Sink = (*AppSink)(nil)

// NewAppSink checks cfg and returns the sink.
func NewAppSink(cfg AppSinkConfig, env notify.Env) (*AppSink, error) {
	to := Recipients{Users: cfg.ToUser, Parties: cfg.ToParty, Tags: cfg.ToTag}
	if to.Empty() {
		return nil, fmt.Errorf("wecom_app sink %q: to_user, to_party or to_tag is required", env.Name)
	}
	client, err := NewAppClient(AppConfig{APIURL: cfg.APIURL, CorpID: cfg.CorpID, AgentID: cfg.AgentID, Secret: cfg.Secret},
		env.HTTP, env.Logger().With("sink", env.Name))
	if err != nil {
		return nil, fmt.Errorf("wecom_app sink %q: %w", env.Name, err)
	}
	return &AppSink{name: env.Name, lang: env.Lang, to: to, client: client}, nil
}

// Name is the configured name.
func (s *AppSink) Name() string { return s.name }

// Limit is WeCom's 30 messages a minute to one member: every message of
// this sink goes to all its members, so it is the sink's limit too. WeCom
// drops the excess silently, so the delivery stage must hold it back.
func (s *AppSink) Limits() []notify.Window {
	return []notify.Window{{N: AppRateLimit, Per: AppRateWindow}}
}

// Send renders m as app markdown within 2048 bytes and sends it.
func (s *AppSink) Send(ctx context.Context, m *notify.Message) error {
	if s.lang != "" && m.Lang == "" {
		copied := *m
		copied.Lang = s.lang
		m = &copied
	}
	content := notify.Markdown(m, MaxAppContentBytes, notify.MarkdownOptions{NoCodeBlocks: true})
	if err := s.client.SendMarkdown(ctx, s.to, content); err != nil {
		return fmt.Errorf("wecom_app sink %q: %w", s.name, err)
	}
	return nil
}
