package wecom

import (
	"context"
	"fmt"
	"strings"

	"github.com/dronebot/dronebot/notify"
)

// AppSinkConfig is one wecom_app sink: a self-built app sending alerts to
// members, departments or tags.
// In bot.yaml the credentials and API left empty are those of chat.wecom.
type AppSinkConfig struct {
	ToUser  []string `yaml:"to_user"`
	ToParty []string `yaml:"to_party"`
	ToTag   []string `yaml:"to_tag"`
	CorpID  string   `yaml:"corp_id"`
	AgentID int      `yaml:"agent_id"`
	Secret  string   `yaml:"secret"`
	APIURL  string   `yaml:"api_url"` // default https://qyapi.weixin.qq.com
}

// Check wants recipients, and credentials here or in chat.wecom.
func (c *AppSinkConfig) Check(chk *notify.ConfigCheck) {
	if !chk.Has("to_user") && !chk.Has("to_party") && !chk.Has("to_tag") {
		chk.Errorf("", "a wecom_app sink needs to_user, to_party or to_tag")
		return
	}
	whyCorp := chk.Inherit(&c.CorpID, "chat.wecom.corp_id")
	whySecret := chk.Inherit(&c.Secret, "chat.wecom.secret")
	chk.Inherit(&c.APIURL, "chat.wecom.api_url")
	chk.Inherit(&c.AgentID, "chat.wecom.agent_id")
	chk.HTTPURL("api_url", c.APIURL)
	if len(c.ToUser)+len(c.ToParty)+len(c.ToTag) == 0 {
		chk.Disable("to_user, to_party and to_tag are empty")
		return
	}
	var missing, whys []string
	for _, f := range []struct{ key, value, shared string }{{"corp_id", c.CorpID, whyCorp}, {"secret", c.Secret, whySecret}} {
		if f.value == "" {
			missing = append(missing, f.key)
			whys = append(whys, chk.Why(f.key), f.shared)
		}
	}
	if c.AgentID == 0 {
		missing = append(missing, "agent_id")
	}
	if len(missing) > 0 {
		chk.Disable(strings.Join(missing, ", ") + " empty here and in chat.wecom" + notify.JoinWhy(whys...))
	}
}

// Secrets is the app secret.
func (c *AppSinkConfig) Secrets() []notify.Secret {
	return []notify.Secret{{Key: "secret", Value: c.Secret}}
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
	// App messages go to members directly: nobody to mention.
	content := notify.Markdown(m, MaxAppContentBytes, notify.MarkdownOptions{NoCodeBlocks: true, Defuse: true})
	if err := s.client.SendMarkdown(ctx, s.to, content); err != nil {
		return fmt.Errorf("wecom_app sink %q: %w", s.name, err)
	}
	return nil
}
