// Package mattermost sends messages to a Mattermost channel through an
// incoming webhook, in its Slack-compatible form: one message attachment
// with the outcome as its title, linked to the build, the details and log
// tail as its markdown text, coloured by outcome.
package mattermost

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// Platform limits (Mattermost's server), counted in characters.
const (
	// MaxTextChars is a post's message; a webhook's longer text is split
	// into several posts.
	MaxTextChars = 16383
	// MaxAttachmentsChars is the attachments' JSON: the smallest limit a
	// Mattermost server in use applies, refused above it.
	MaxAttachmentsChars = 7900
	// Mattermost's API rate limit, when the server turns it on, is 10
	// requests a second per address.
	RateLimit  = 10
	RateWindow = time.Second
)

// Config is one Mattermost sink, a `type: mattermost` entry of bot.yaml.
// Its url is https://mattermost.example.com/hooks/KEY.
type Config = notify.HookConfig[hookKey]

// hookKey is where a webhook URL carries its secret.
type hookKey struct{}

func (hookKey) Token() notify.HookToken { return notify.HookToken{Path: "hooks/KEY", Name: "hook key"} }

// Sink is one Mattermost incoming webhook.
type Sink struct {
	notify.Hook
}

var _ notify.Sink = (*Sink)(nil)

// New checks cfg and returns the sink.
func New(cfg Config, env notify.Env) (*Sink, error) {
	hook, err := cfg.Hook("mattermost", env)
	if err != nil {
		return nil, err
	}
	return &Sink{Hook: hook}, nil
}

// Limits is the server's rate, should it enforce one.
func (s *Sink) Limits() []notify.Window { return []notify.Window{{N: RateLimit, Per: RateWindow}} }

// Send renders m and posts it once.
func (s *Sink) Send(ctx context.Context, m *notify.Message) error {
	body, err := notify.MarshalJSON(payloadOf(m))
	if err != nil {
		return notify.Permanent(s.Hook.Err(fmt.Errorf("encoding the message: %w", err)))
	}
	return s.Hook.Deliver(ctx, nil, body, check)
}

// appError is the body of Mattermost's error answers.
type appError struct {
	ID      string `json:"id"`
	Message string `json:"message"`
}

// check classifies Mattermost's answer: 200 "ok" is posted; 429 and 5xx
// are worth retrying, but for 501, which says incoming webhooks are off;
// other 4xx name a wrong hook or a payload the server refuses.
func check(resp *notify.Response, now time.Time) error {
	err := notify.CheckResponse(resp, now)
	if err == nil {
		return nil
	}
	var a appError
	if json.Unmarshal(resp.Body, &a) != nil || a.ID == "" {
		return err
	}
	e := fmt.Errorf("Mattermost refused the message (HTTP %d, %s: %s)", resp.Status, notify.Snippet([]byte(a.ID), 80),
		notify.Snippet([]byte(a.Message), 160))
	if notify.IsPermanent(err) || resp.Status == http.StatusNotImplemented {
		return notify.Permanent(e)
	}
	wait, _ := notify.RetryDelay(err)
	return notify.RetryAfter(e, wait)
}
