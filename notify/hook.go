package notify

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Hook is what every webhook sink keeps: its name, its URL, the client
// that posts to it and the clock its answers are read with. A sink embeds
// it and so has its Name.
type Hook struct {
	kind string
	name string
	url  string
	hc   *http.Client
	log  *slog.Logger
	now  func() time.Time
}

// NewHook checks raw as the URL of a kind webhook sink ("teams"), carrying
// its token where tok says, and returns the sink's Hook.
func NewHook(kind, raw string, tok HookToken, env Env) (Hook, error) {
	if err := env.CheckURL(kind, raw, tok); err != nil {
		return Hook{}, err
	}
	return Hook{kind: kind, name: env.Name, url: raw, hc: env.Client(), log: env.Logger(), now: time.Now}, nil
}

// A TokenPlace names where one kind of webhook URL carries its token.
type TokenPlace interface{ Token() HookToken }

// HookConfig is the Config of a sink that is a webhook URL and nothing
// more, with its token where T says: `url:` in bot.yaml.
type HookConfig[T TokenPlace] struct {
	URL string `yaml:"url"`
}

// Check reports a missing URL or token; one emptied by unset variables,
// wholly or in its token, disables the sink.
func (c *HookConfig[T]) Check(chk *ConfigCheck) { chk.HookURL("url", c.URL, c.token()) }

// Secrets is the URL's token.
func (c *HookConfig[T]) Secrets() []Secret { return URLSecrets("url", c.URL, c.token()) }

// Hook checks the URL and returns it as the Hook of a kind sink.
func (c *HookConfig[T]) Hook(kind string, env Env) (Hook, error) {
	return NewHook(kind, c.URL, c.token(), env)
}

func (c *HookConfig[T]) token() HookToken {
	var place T
	return place.Token()
}

// Name is the sink's configured name.
func (h *Hook) Name() string { return h.name }

// URL is the webhook's URL, secrets included: never show it.
func (h *Hook) URL() string { return h.url }

// Client is the HTTP client.
func (h *Hook) Client() *http.Client { return h.hc }

// Log is the sink's logger.
func (h *Hook) Log() *slog.Logger { return h.log }

// Now reads the sink's clock.
func (h *Hook) Now() time.Time { return h.now() }

// Err says which sink err is from, keeping its class: "teams sink "x": …".
func (h *Hook) Err(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s sink %q: %w", h.kind, h.name, err)
}

// Post posts body to the webhook (PostJSON).
func (h *Hook) Post(ctx context.Context, header http.Header, body []byte) (*Response, error) {
	return PostJSON(ctx, h.hc, h.url, header, body)
}

// Deliver posts body and reads the answer with check (CheckResponse, or
// the platform's own reading), naming the sink in the error.
func (h *Hook) Deliver(ctx context.Context, header http.Header, body []byte, check func(*Response, time.Time) error) error {
	resp, err := h.Post(ctx, header, body)
	if err == nil {
		err = check(resp, h.Now())
	}
	return h.Err(err)
}
