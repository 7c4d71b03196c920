// Package notify is dronebot's outgoing message model: build alerts, plain
// notices, the Sink interface every destination implements, the error
// classification sinks use, and the renderings the sinks share.
//
// Sinks live in subpackages (wecom, webhook, email, stdout). A sink renders
// and sends one Message and says, through its error, whether trying again
// could help. It never sleeps, retries, rate-limits or deduplicates: the
// delivery stage around the sinks does that.
package notify

import (
	"context"

	"github.com/dronebot/dronebot/lang"
)

// Sink is one destination for messages.
type Sink interface {
	// Name is the sink's configured name, for logs and metrics.
	Name() string
	// Send delivers m once. A nil error means the platform accepted it. Any
	// other error is classified with Permanent, RetryAfter or Ambiguous; an
	// unmarked error is worth retrying.
	Send(ctx context.Context, m *Message) error
}

// Level says how loud a Notice is.
type Level string

const (
	LevelInfo    Level = "info"
	LevelWarning Level = "warning"
	LevelError   Level = "error"
)

// Notice is a message that is not a build alert: the bot's own trouble, a
// test message, a catch-up summary, the chat version of a digest.
type Notice struct {
	Title string `json:"title"`
	Text  string `json:"text"` // markdown-light: plain lines, may hold links as bare URLs
	Level Level  `json:"level,omitempty"`
}

// Message is one delivery to one sink.
type Message struct {
	// ID is the delivery id, unique per message and destination and kept
	// across retries; webhooks receive it as X-Dronebot-Delivery.
	ID string `json:"delivery"`
	// Alerts holds one alert, or several when a burst was merged.
	Alerts []*Alert `json:"alerts,omitempty"`
	// Notice is set instead of Alerts for everything else.
	Notice *Notice `json:"notice,omitempty"`
	// Lang is "en" or "zh"; empty means the first alert's Lang, else "en".
	Lang string `json:"lang,omitempty"`
	// Summary marks an alert that is old news (a build that finished long
	// before the bot saw it): the delivery stage merges neighbouring
	// summaries into one message instead of sending each.
	Summary bool `json:"summary,omitempty"`
}

// Language is the language to render m in.
func (m *Message) Language() string {
	if m.Lang != "" {
		return lang.Normalize(m.Lang)
	}
	for _, a := range m.Alerts {
		if a.Lang != "" {
			return lang.Normalize(a.Lang)
		}
	}
	return "en"
}
