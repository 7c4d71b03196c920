// Package slack sends messages to Slack as Block Kit: through an incoming
// webhook, or with a bot token through chat.postMessage.
//
// Alerts become a header, a section of facts, the log tail as a code block
// (cut from its start so the newest lines stay) and, for failures, the
// "Restart" and "Show logs" buttons that the bot's Slack intake handles. A
// merged burst becomes a compact list naming every build.
package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/dronebot/dronebot/notify"
)

// DefaultAPIURL is Slack's Web API base.
const DefaultAPIURL = "https://slack.com/api/"

// Posting messages is limited to about one per second per webhook or
// channel, with short bursts tolerated (Slack's documentation).
// The delivery stage keeps to the steady rate.
const (
	RateLimit  = 1
	RateWindow = time.Second
)

// Config is one Slack sink: either URL, or Channel with Token.
type Config struct {
	URL     string `yaml:"url"`     // incoming webhook, https://hooks.slack.com/services/T…/B…/…
	Channel string `yaml:"channel"` // channel id for chat.postMessage
	// Token is the bot token (xoxb-…) for chat.postMessage; in bot.yaml
	// it is chat.slack.bot_token.
	Token string `yaml:"-"`
	// APIURL is the Web API base: from chat.slack.api_url when empty in
	// bot.yaml, DefaultAPIURL when empty here.
	APIURL string `yaml:"api_url"`
}

// Check wants url or channel, not both; a channel takes the bot token
// and API of chat.slack.
func (c *Config) Check(chk *notify.ConfigCheck) {
	chk.Inherit(&c.APIURL, "chat.slack.api_url")
	switch {
	case chk.Has("url") && chk.Has("channel"):
		chk.ErrorAt("channel", "", "set url (incoming webhook) or channel, not both")
	case chk.Has("channel"):
		chk.HTTPURL("api_url", c.APIURL)
		if c.Channel == "" {
			chk.Disable("channel is empty" + chk.Because("channel"))
			return
		}
		why := chk.Inherit(&c.Token, "chat.slack.bot_token")
		if c.Token == "" {
			chk.Disable("posting to a channel needs chat.slack.bot_token, which is empty" + notify.JoinWhy(why))
		}
	default:
		chk.HookURL("url", c.URL, notify.HookToken{})
	}
}

// Secrets are the URL's query values; the bot token is chat.slack's.
func (c *Config) Secrets() []notify.Secret {
	return notify.URLSecrets("url", c.URL, notify.HookToken{})
}

// Sink is one Slack destination.
type Sink struct {
	name    string
	webhook string           // set in webhook mode
	channel string           // set in bot-token mode
	api     *slackapi.Client // set in bot-token mode
	hc      *http.Client
	log     *slog.Logger
	now     func() time.Time
}

var _ notify.Sink = (*Sink)(nil)

// New checks cfg and returns the sink.
func New(cfg Config, env notify.Env) (*Sink, error) {
	hc := env.Client()
	s := &Sink{name: env.Name, hc: hc, log: env.Logger(), now: time.Now}
	switch {
	case cfg.URL != "" && cfg.Channel != "":
		return nil, fmt.Errorf("slack sink %q: set url or channel, not both", env.Name)
	case cfg.URL != "":
		if err := env.CheckURL("slack", cfg.URL, notify.HookToken{}); err != nil {
			return nil, err
		}
		s.webhook = cfg.URL
	case cfg.Channel != "":
		if cfg.Token == "" {
			return nil, fmt.Errorf("slack sink %q: channel %s needs a bot token", env.Name, cfg.Channel)
		}
		apiURL := cfg.APIURL
		if apiURL == "" {
			apiURL = DefaultAPIURL
		}
		if notify.CheckHookURL(apiURL, notify.HookToken{}) != nil {
			return nil, fmt.Errorf("slack sink %q: api url %s is not an http(s) URL", env.Name, notify.RedactURL(apiURL))
		}
		if !strings.HasSuffix(apiURL, "/") {
			apiURL += "/"
		}
		s.channel = cfg.Channel
		s.api = slackapi.New(cfg.Token, slackapi.OptionAPIURL(apiURL), slackapi.OptionHTTPClient(&tracingClient{hc: hc}))
	default:
		return nil, fmt.Errorf("slack sink %q: needs url (incoming webhook) or channel and a bot token", env.Name)
	}
	return s, nil
}

// Name is the configured name.
func (s *Sink) Name() string { return s.name }

// Limits is the posting rate, for the delivery stage to honour.
func (s *Sink) Limits() []notify.Window { return []notify.Window{{N: RateLimit, Per: RateWindow}} }

// Send renders m and posts it once.
func (s *Sink) Send(ctx context.Context, m *notify.Message) error {
	msg := Render(m)
	var err error
	if s.api != nil {
		err = s.postMessage(ctx, msg)
	} else {
		err = s.postWebhook(ctx, msg)
	}
	if err != nil {
		return fmt.Errorf("slack sink %q: %w", s.name, err)
	}
	return nil
}

// postWebhook posts to the incoming webhook, which answers errors as an
// HTTP status with a short text body ("invalid_payload", "no_service"...).
func (s *Sink) postWebhook(ctx context.Context, msg Rendered) error {
	body, err := json.Marshal(&slackapi.WebhookMessage{Text: msg.Text, Blocks: &slackapi.Blocks{BlockSet: msg.Blocks}})
	if err != nil {
		return notify.Permanent(fmt.Errorf("encoding the message: %w", err))
	}
	resp, err := notify.PostJSON(ctx, s.hc, s.webhook, nil, body)
	if err != nil {
		return err
	}
	return notify.CheckResponse(resp, s.now())
}

// postMessage calls chat.postMessage with the bot token.
func (s *Sink) postMessage(ctx context.Context, msg Rendered) error {
	_, _, err := s.api.PostMessageContext(ctx, s.channel,
		slackapi.MsgOptionText(msg.Text, false), slackapi.MsgOptionBlocks(msg.Blocks...))
	return classify(err)
}

// retryErrors are chat.postMessage errors Slack documents as transient.
var retryErrors = map[string]bool{
	"ratelimited": true, "internal_error": true, "fatal_error": true,
	"service_unavailable": true, "request_timeout": true,
}

// classify maps a slack-go error to a delivery class.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var (
		apiErr  slackapi.SlackErrorResponse
		limited *slackapi.RateLimitedError
		status  slackapi.StatusCodeError
		tErr    *transportError
	)
	switch {
	case errors.As(err, &limited):
		return notify.RetryAfter(fmt.Errorf("rate limited by Slack (HTTP 429)"), limited.RetryAfter)
	case errors.As(err, &apiErr):
		code := notify.Snippet([]byte(apiErr.Err), 80)
		e := fmt.Errorf("chat.postMessage: %s", code)
		switch {
		case code == "ratelimited":
			return notify.RetryAfter(e, RateWindow)
		case retryErrors[code]:
			return notify.RetryAfter(e, 0)
		}
		// Every other error names a problem with the token, the channel or
		// the payload (invalid_auth, channel_not_found, not_in_channel,
		// invalid_blocks...): another try cannot fix it.
		return notify.Permanent(e)
	case errors.As(err, &status):
		return notify.CheckHTTP(status.Code, []byte(status.Status))
	case errors.As(err, &tErr):
		return err // already classified by whether the request left
	}
	// A response came back but could not be read as Slack's answer: the
	// message may have been posted.
	return notify.Ambiguous(fmt.Errorf("chat.postMessage: unexpected answer: %s", notify.Snippet([]byte(err.Error()), 120)))
}
