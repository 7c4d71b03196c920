// Package webhook posts messages as JSON (schema "dronebot.alert/v1", see
// notify.Payload) to any HTTP endpoint.
package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/dronebot/dronebot/notify"
)

// DeliveryHeader carries Message.ID so receivers can drop duplicates.
const DeliveryHeader = "X-Dronebot-Delivery"

// Config is one webhook sink.
type Config struct {
	URL     string            `yaml:"url"`
	Headers map[string]string `yaml:"headers"` // e.g. Authorization; values are never logged
}

// Check checks the URL and warns of headers emptied by unset variables.
func (c *Config) Check(chk *notify.ConfigCheck) {
	if !chk.HookURL("url", c.URL, notify.HookToken{}) {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(c.Headers)) {
		if why := chk.Why("headers." + name); why != "" {
			chk.Warnf("headers."+name, "%s", why)
		}
	}
}

// Secrets are the header values and the URL's query values.
func (c *Config) Secrets() []notify.Secret {
	var out []notify.Secret
	for _, name := range slices.Sorted(maps.Keys(c.Headers)) {
		out = append(out, notify.Secret{Key: "headers." + name, Value: c.Headers[name]})
	}
	return append(out, notify.URLSecrets("url", c.URL, notify.HookToken{})...)
}

// FixedFormat: a webhook always sends the JSON payload.
func (c *Config) FixedFormat() string { return "the dronebot.alert/v1 JSON" }

// Sink posts to one webhook.
type Sink struct {
	notify.Hook
	header http.Header
}

var _ notify.Sink = (*Sink)(nil)

// New checks cfg and returns the sink.
func New(cfg Config, env notify.Env) (*Sink, error) {
	hook, err := notify.NewHook("webhook", cfg.URL, notify.HookToken{}, env)
	if err != nil {
		return nil, err
	}
	header := http.Header{}
	for k, v := range cfg.Headers {
		header.Set(k, v)
	}
	header.Set("User-Agent", "dronebot")
	return &Sink{Hook: hook, header: header}, nil
}

// Send posts m wrapped in notify.Payload.
func (s *Sink) Send(ctx context.Context, m *notify.Message) error {
	body, err := json.Marshal(notify.NewPayload(m))
	if err != nil {
		return notify.Permanent(s.Hook.Err(fmt.Errorf("encoding: %w", err)))
	}
	header := s.header.Clone()
	if m.ID != "" {
		header.Set(DeliveryHeader, m.ID)
	}
	resp, err := s.Hook.Post(ctx, header, body)
	if err != nil {
		return s.Hook.Err(err)
	}
	if err := notify.CheckResponse(resp, s.Hook.Now()); err != nil {
		return s.Hook.Err(fmt.Errorf("%s: %w", notify.RedactURL(s.Hook.URL()), err))
	}
	return nil
}
