package bot

import (
	"cmp"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/drone/logtext"
	"github.com/dronebot/dronebot/notify"
)

// NewLogger logs to w in cfg's format (text or json) at cfg's level, with
// secrets (the configuration's, and anything shaped like one) masked.
func NewLogger(w io.Writer, cfg config.Log, secrets ...string) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToUpper(cfg.Level))); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.Format == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(logtext.NewMasker(secrets...).Handler(h))
}

// NewSink builds the enabled sink name of cfg on its own, outside the
// service, for `dronebot notify-test`; `stdout` sinks write to out.
func NewSink(cfg *config.Config, name string, out io.Writer, logger *slog.Logger) (notify.Sink, error) {
	sc, ok := cfg.Sinks[name]
	if !ok || sc.Disabled {
		return nil, fmt.Errorf("no enabled sink named %s", name)
	}
	return buildSink(name, sc, &http.Client{Timeout: 30 * time.Second}, out, logger)
}

// TestMessage is the message `dronebot notify-test` sends to sink name.
func TestMessage(cfg *config.Config, name string, now time.Time) *notify.Message {
	sc := cfg.Sinks[name]
	return &notify.Message{ID: deliveryID("notify-test", fmt.Sprint(now.UnixNano())), Lang: cmp.Or(sc.Lang, cfg.Lang),
		Notice: &notify.Notice{Title: "dronebot test message", Level: notify.LevelInfo,
			Text: fmt.Sprintf("This is a test of the sink %s (%s), sent at %s.", name, sc.Type, now.Format(time.RFC3339))}}
}
