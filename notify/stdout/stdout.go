// Package stdout writes messages as plain text to a terminal or any
// io.Writer (used by `dronebot demo`).
package stdout

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/dronebot/dronebot/notify"
)

// Sink writes each message to W, separated by a rule.
type Sink struct {
	name string
	mu   sync.Mutex // one message at a time, never interleaved
	w    io.Writer
}

var _ notify.Sink = (*Sink)(nil)

// Config is a stdout sink: it has no settings of its own.
type Config struct{}

// Check has nothing to check.
func (*Config) Check(*notify.ConfigCheck) {}

// Secrets: there are none.
func (*Config) Secrets() []notify.Secret { return nil }

// New returns a sink writing to env.Out.
func New(_ Config, env notify.Env) (*Sink, error) {
	if env.Out == nil {
		return nil, fmt.Errorf("stdout sink %q: no writer", env.Name)
	}
	return &Sink{name: env.Name, w: env.Out}, nil
}

// Name is the configured name.
func (s *Sink) Name() string { return s.name }

// Send writes the plain-text rendering of m.
func (s *Sink) Send(ctx context.Context, m *notify.Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("stdout sink %q: %w", s.name, err)
	}
	text := "── " + notify.Subject(m) + " " + strings.Repeat("─", 8) + "\n" + notify.Text(m, 0) + "\n\n"
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := io.WriteString(s.w, text); err != nil {
		return fmt.Errorf("stdout sink %q: %w", s.name, err)
	}
	return nil
}
