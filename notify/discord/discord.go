// Package discord sends messages to a Discord channel through a webhook, as
// one embed: the subject as its title, linked to the build, the markdown
// rendering as its description, coloured by outcome. The message's content
// repeats the subject, which is what notifications show.
//
// Nothing in a message may ping: allowed_mentions is empty, so a commit
// title saying @everyone stays text.
package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// Platform limits (Discord's webhook and message documentation), counted
// in characters.
const (
	MaxContentChars     = 2000
	MaxTitleChars       = 256
	MaxDescriptionChars = 4096
	MaxFooterChars      = 2048
	// MaxEmbedChars is the sum of every embed's title, description, field
	// names and values, footer and author name.
	MaxEmbedChars = 6000
)

// Discord counts against a webhook 5 requests in any 2 seconds, and
// against its channel 30 messages a minute.
var limits = []notify.Window{{N: 5, Per: 2 * time.Second}, {N: 30, Per: time.Minute}}

// Config is one Discord sink, a `type: discord` entry of bot.yaml.
type Config struct {
	URL string `yaml:"url"` // https://discord.com/api/webhooks/ID/TOKEN
}

// Token is where a webhook URL carries its id and token.
var Token = notify.HookToken{Path: "webhooks/ID/TOKEN", Name: "webhook id and token"}

// Check reports a missing URL; one emptied by unset variables, wholly or
// in its id or token, disables the sink.
func (c *Config) Check(chk *notify.ConfigCheck) { chk.HookURL("url", c.URL, Token) }

// Secrets are the webhook's id and token.
func (c *Config) Secrets() []notify.Secret { return notify.URLSecrets("url", c.URL, Token) }

// Sink is one Discord webhook.
type Sink struct {
	notify.Hook // its URL says wait=true
}

var _ notify.Sink = (*Sink)(nil)

// New checks cfg and returns the sink.
func New(cfg Config, env notify.Env) (*Sink, error) {
	hook, err := notify.NewHook("discord", waitURL(cfg.URL), Token, env)
	if err != nil {
		return nil, err
	}
	return &Sink{Hook: hook}, nil
}

// waitURL is raw with wait=true, so that Discord answers once the message
// is saved, and says so when it is not.
func waitURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set("wait", "true")
	u.RawQuery = q.Encode()
	return u.String()
}

// Limits are the webhook's and its channel's rates.
func (s *Sink) Limits() []notify.Window { return limits }

// Send renders m and posts it once.
func (s *Sink) Send(ctx context.Context, m *notify.Message) error {
	body, err := notify.MarshalJSON(payloadOf(m))
	if err != nil {
		return notify.Permanent(s.Hook.Err(fmt.Errorf("encoding the message: %w", err)))
	}
	return s.Hook.Deliver(ctx, nil, body, check)
}

// answer is Discord's error body; a 429 adds retry_after, in seconds.
type answer struct {
	Message    string   `json:"message"`
	Code       int      `json:"code"`
	RetryAfter *float64 `json:"retry_after"`
	Global     bool     `json:"global"`
}

// check classifies Discord's answer: 2xx is sent; a 429 waits retry_after
// (finer than its Retry-After header); 5xx is worth retrying; any other
// status names a wrong webhook or a payload Discord refuses.
func check(resp *notify.Response, now time.Time) error {
	err := notify.CheckResponse(resp, now)
	if err == nil {
		return nil
	}
	var a answer
	if json.Unmarshal(resp.Body, &a) != nil || a.Message == "" {
		return err
	}
	why := notify.Snippet([]byte(a.Message), 120)
	switch {
	case resp.Status == http.StatusTooManyRequests:
		wait, _ := notify.RetryDelay(err)
		if a.RetryAfter != nil && *a.RetryAfter > 0 {
			wait = time.Duration(*a.RetryAfter * float64(time.Second)).Round(time.Millisecond)
		}
		scope := "this webhook"
		if a.Global {
			scope = "every webhook of this address"
		}
		return notify.RetryAfter(fmt.Errorf("rate limited by Discord for %s (HTTP 429: %s)", scope, why), wait)
	case notify.IsPermanent(err):
		return notify.Permanent(fmt.Errorf("Discord refused the message (HTTP %d, code %d: %s)", resp.Status, a.Code, why))
	}
	return err
}
