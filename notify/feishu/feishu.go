// Package feishu sends messages to a Feishu/Lark (飞书) custom bot webhook,
// as an interactive card (the only way to send markdown) or as rich text
// ("post"), optionally signed.
package feishu

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// Platform limits (Feishu's custom bot documentation).
const (
	// MaxBodyBytes is the whole request body; the doc says 20 KB without
	// saying 1000 or 1024, so the smaller.
	MaxBodyBytes = 20000
)

// Formats.
const (
	FormatCard = "card"
	FormatPost = "post"
)

// Config is one bot sink.
type Config struct {
	URL    string `yaml:"url"`    // https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN
	Secret string `yaml:"secret"` // optional signing secret
	Format string `yaml:"format"` // card (default) | post
}

// Token is where a bot URL carries its token.
var Token = notify.HookToken{Path: "hook/TOKEN", Name: "hook token"}

// Check defaults the format to card and checks it and the URL.
func (c *Config) Check(chk *notify.ConfigCheck) {
	if c.Format == "" {
		c.Format = FormatCard
	}
	chk.OneOf("format", c.Format, FormatCard, FormatPost)
	chk.HookURL("url", c.URL, Token)
}

// Secrets are the hook token and the signing secret.
func (c *Config) Secrets() []notify.Secret {
	return append([]notify.Secret{{Key: "secret", Value: c.Secret}}, notify.URLSecrets("url", c.URL, Token)...)
}

// Sink is a Feishu custom bot.
type Sink struct {
	notify.Hook
	secret string
	format string
}

var _ notify.Sink = (*Sink)(nil)

// New checks cfg and returns the sink.
func New(cfg Config, env notify.Env) (*Sink, error) {
	hook, err := notify.NewHook("feishu", cfg.URL, Token, env)
	if err != nil {
		return nil, err
	}
	format := cfg.Format
	switch format {
	case "":
		format = FormatCard
	case FormatCard, FormatPost:
	default:
		return nil, fmt.Errorf("feishu sink %q: format %q is not card or post", env.Name, cfg.Format)
	}
	return &Sink{Hook: hook, secret: cfg.Secret, format: format}, nil
}

// Limits are Feishu's rate limits per bot: 100 a minute and 5 a second
// (Feishu's custom bot documentation). Both are sliding windows.
func (s *Sink) Limits() []notify.Window {
	return []notify.Window{{N: 100, Per: time.Minute}, {N: 5, Per: time.Second}}
}

// Sign is Feishu's signature for a timestamp in seconds:
// base64(HMAC-SHA256(key=timestamp+"\n"+secret, msg="")). Note key and
// message are the other way round from DingTalk's.
func Sign(secret string, timestampSeconds int64) string {
	mac := hmac.New(sha256.New, []byte(strconv.FormatInt(timestampSeconds, 10)+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Send renders m and posts it once.
func (s *Sink) Send(ctx context.Context, m *notify.Message) error {
	var sig signature
	if s.secret != "" {
		ts := s.Hook.Now().Unix()
		sig = signature{Timestamp: strconv.FormatInt(ts, 10), Sign: Sign(s.secret, ts)}
	}
	body, err := encode(m, s.format, sig)
	if err != nil {
		return notify.Permanent(s.Hook.Err(err))
	}
	return s.Hook.Deliver(ctx, nil, body, check)
}
