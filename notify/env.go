package notify

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// Env is what a sink is made with besides its own Config.
type Env struct {
	Name string       // the sink's name in bot.yaml, for logs and errors
	Lang string       // the sink's lang, "" to keep each message's own
	HTTP *http.Client // must carry a timeout; nil means one of 15 s
	Log  *slog.Logger // nil discards
	Out  io.Writer    // where a stdout sink writes
}

// Client is the HTTP client to use.
func (e Env) Client() *http.Client {
	if e.HTTP == nil {
		return &http.Client{Timeout: 15 * time.Second}
	}
	return e.HTTP
}

// Logger is the logger to use.
func (e Env) Logger() *slog.Logger {
	if e.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Log
}

// CheckURL is CheckHookURL for a sink's constructor: the error names the
// sink (kind is its type, "wecom") and shows the URL redacted.
func (e Env) CheckURL(kind, raw string, tok HookToken) error {
	if err := CheckHookURL(raw, tok); err != nil {
		return fmt.Errorf("%s sink %q: url %s %w", kind, e.Name, RedactURL(raw), err)
	}
	return nil
}
