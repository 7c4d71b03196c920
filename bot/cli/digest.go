package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/dronebot/dronebot/bot"
)

// digestCommand builds a digest now: prints it, writes its HTML, or sends
// it. A manual send does not move the schedule.
func digestCommand(ctx context.Context, c *CLI, args []string) int {
	fs := c.flagSet("digest")
	path := c.configFlag(fs)
	name := fs.String("name", "", "the digest to build (default: the first in the configuration)")
	send := fs.Bool("send", false, "send it now to its sinks (the schedule is not moved)")
	htmlFile := fs.String("html", "", "write the HTML version to this file")
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if !c.noArgs("digest", rest) {
		return exitUsage
	}
	cfg, _ := c.usableConfig("digest", *path)
	if cfg == nil {
		return exitFail
	}
	logger := bot.NewLogger(c.Stderr, cfg.Log, cfg.Secrets()...)
	sched, closeStore, err := bot.OpenDigests(ctx, cfg, logger)
	if err != nil {
		fmt.Fprintf(c.Stderr, "dronebot digest: %v\n", err)
		return exitFail
	}
	defer closeStore()
	if *name == "" {
		if len(sched.Digests) == 0 {
			fmt.Fprintln(c.Stderr, "dronebot digest: no enabled digest in the configuration")
			return exitFail
		}
		*name = sched.Digests[0].Name
	}
	if *send {
		if err := sched.SendNow(ctx, *name); err != nil {
			fmt.Fprintf(c.Stderr, "dronebot digest: %v\n", err)
			return exitFail
		}
		fmt.Fprintf(c.Stdout, "digest %s sent\n", *name)
		return exitOK
	}
	var page io.Writer
	if *htmlFile != "" {
		f, err := os.Create(*htmlFile)
		if err != nil {
			fmt.Fprintf(c.Stderr, "dronebot digest: %v\n", err)
			return exitFail
		}
		defer f.Close()
		page = f
	}
	if err := sched.Preview(ctx, *name, c.Stdout, page); err != nil {
		fmt.Fprintf(c.Stderr, "dronebot digest: %v\n", err)
		return exitFail
	}
	return exitOK
}
