package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/drone/logtext"
)

func runCommand(ctx context.Context, c *CLI, args []string) int {
	fs := c.flagSet("run")
	path := c.configFlag(fs)
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if !c.noArgs("run", rest) {
		return exitUsage
	}
	cfg, rep := c.usableConfig("run", *path)
	if cfg == nil {
		fmt.Fprintln(c.Stderr, "dronebot run: the configuration has errors; not starting")
		return exitFail
	}
	logger := NewLogger(c.Stderr, cfg.Log, cfg.Secrets()...)
	for _, p := range rep.Warnings() {
		logger.Warn("configuration", "problem", p.String())
	}
	if err := cfg.Runnable(); err != nil {
		fmt.Fprintf(c.Stderr, "dronebot run: not starting: %v\n", err)
		return exitFail
	}
	if err := runService(ctx, cfg, logger, c.Stdout); err != nil {
		logger.Error("dronebot stopped", "err", err)
		return exitFail
	}
	return exitOK
}

// runService runs the bot until ctx is done, then drains within
// server.shutdown_timeout. `stdout` sinks write to out.
func runService(ctx context.Context, cfg *config.Config, logger *slog.Logger, out io.Writer) error {
	svc, err := newService(ctx, cfg, logger, serviceDeps{Out: out})
	if err != nil {
		return fmt.Errorf("not starting: %w", err)
	}
	return svc.run(ctx)
}

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
