package cli

import (
	"context"
	"fmt"

	"github.com/dronebot/dronebot/bot"
)

// runCommand runs the service until SIGINT or SIGTERM.
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
	logger := bot.NewLogger(c.Stderr, cfg.Log, cfg.Secrets()...)
	for _, p := range rep.Warnings() {
		logger.Warn("configuration", "problem", p.String())
	}
	if err := cfg.Runnable(); err != nil {
		fmt.Fprintf(c.Stderr, "dronebot run: not starting: %v\n", err)
		return exitFail
	}
	if err := bot.Serve(ctx, cfg, logger, c.Stdout); err != nil {
		logger.Error("dronebot stopped", "err", err)
		return exitFail
	}
	return exitOK
}
