// Package webhook posts messages as JSON (schema "dronebot.alert/v1", see
// notify.Payload) to any HTTP endpoint.
package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// DeliveryHeader carries Message.ID so receivers can drop duplicates.
const DeliveryHeader = "X-Dronebot-Delivery"

// Config is one webhook sink.
type Config struct {
	Name    string
	URL     string
	Headers map[string]string // e.g. Authorization; values are never logged
}

// Sink posts to one webhook.
type Sink struct {
	name   string
	url    string
	header http.Header
	hc     *http.Client
	log    *slog.Logger
	now    func() time.Time
}

var _ notify.Sink = (*Sink)(nil)

// New checks cfg and returns the sink. hc must carry a timeout.
func New(cfg Config, hc *http.Client, log *slog.Logger) (*Sink, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("webhook sink %q: url %s is not an http(s) URL", cfg.Name, notify.RedactURL(cfg.URL))
	}
	header := http.Header{}
	for k, v := range cfg.Headers {
		header.Set(k, v)
	}
	header.Set("User-Agent", "dronebot")
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sink{name: cfg.Name, url: cfg.URL, header: header, hc: hc, log: log, now: time.Now}, nil
}

// Name is the configured name.
func (s *Sink) Name() string { return s.name }

// Send posts m wrapped in notify.Payload.
func (s *Sink) Send(ctx context.Context, m *notify.Message) error {
	body, err := json.Marshal(notify.NewPayload(m))
	if err != nil {
		return notify.Permanent(fmt.Errorf("webhook sink %q: encoding: %w", s.name, err))
	}
	header := s.header.Clone()
	if m.ID != "" {
		header.Set(DeliveryHeader, m.ID)
	}
	resp, err := notify.PostJSON(ctx, s.hc, s.url, header, body)
	if err != nil {
		return fmt.Errorf("webhook sink %q: %w", s.name, err)
	}
	if err := notify.CheckResponse(resp, s.now()); err != nil {
		return fmt.Errorf("webhook sink %q: %s: %w", s.name, notify.RedactURL(s.url), err)
	}
	return nil
}
