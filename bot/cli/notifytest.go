package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/dronebot/dronebot/bot"
	"github.com/dronebot/dronebot/notify"
)

// notifyTestCommand sends one test message straight to a sink (not through
// the outbox) and prints what became of it.
func notifyTestCommand(ctx context.Context, c *CLI, args []string) int {
	fs := c.flagSet("notify-test")
	path := c.configFlag(fs)
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) != 1 {
		fmt.Fprintln(c.Stderr, "dronebot notify-test: name one sink, e.g. dronebot notify-test team-wecom")
		return exitUsage
	}
	name := rest[0]
	cfg, _ := c.usableConfig("notify-test", *path)
	if cfg == nil {
		return exitFail
	}
	sc, ok := cfg.Sinks[name]
	switch {
	case !ok:
		fmt.Fprintf(c.Stderr, "dronebot notify-test: there is no sink named %s\n", name)
		return exitFail
	case sc.Disabled:
		fmt.Fprintf(c.Stderr, "dronebot notify-test: sink %s is disabled: %s\n", name, sc.DisabledReason)
		return exitFail
	}
	sink, err := bot.NewSink(cfg, name, c.Stdout, bot.NewLogger(c.Stderr, cfg.Log, cfg.Secrets()...))
	if err != nil {
		fmt.Fprintf(c.Stderr, "dronebot notify-test: %v\n", err)
		return exitFail
	}
	msg := bot.TestMessage(cfg, name, time.Now())
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := sink.Send(ctx, msg); err != nil {
		kind := "it may help to try again"
		switch {
		case notify.IsPermanent(err):
			kind = "trying again will not help until the configuration changes"
		case notify.IsAmbiguous(err):
			kind = "the platform may have received it anyway"
		}
		fmt.Fprintf(c.Stdout, "%s: refused: %v (%s)\n", name, err, kind)
		return exitFail
	}
	fmt.Fprintf(c.Stdout, "%s: accepted by the platform (delivery id %s)\n", name, msg.ID)
	return exitOK
}
