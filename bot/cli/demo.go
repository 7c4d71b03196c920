package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/dronebot/dronebot/bot/demo"
)

// demoCommand runs the bot against a simulated Drone with sample
// repositories and a prompt for commands. End of input exits 0.
func demoCommand(ctx context.Context, c *CLI, args []string) int {
	fs := c.flagSet("demo")
	pace := fs.Duration("pace", 4*time.Second, "time between the simulated builds' steps")
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if !c.noArgs("demo", rest) {
		return exitUsage
	}
	if err := demo.Run(ctx, c.Stdin, c.Stdout, c.Stderr, *pace); err != nil {
		fmt.Fprintf(c.Stderr, "dronebot demo: %v\n", err)
		return exitFail
	}
	return exitOK
}
