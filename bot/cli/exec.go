package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os/user"
	"strings"
	"time"

	"github.com/dronebot/dronebot/bot"
	"github.com/dronebot/dronebot/commands"
)

// execCommand runs one chat command from the terminal through the same
// registry the chat intakes use, and prints the reply as plain text.
func execCommand(ctx context.Context, c *CLI, args []string) int {
	fs := c.flagSet("exec")
	path := c.configFlag(fs)
	as := fs.String("as", "", "run with the permissions of `PLATFORM:ID`, e.g. slack:U123 (default: cli:<OS user>, allowed everything)")
	wait := fs.Bool("wait", false, "for /build: wait until the build finishes and print its outcome")
	format := fs.String("format", "text", "print the reply as `text` or as json, the platform-neutral reply")
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(c.Stderr, "dronebot exec: --format is text or json, not %q\n", *format)
		return exitUsage
	}
	text := strings.TrimSpace(strings.Join(rest, " "))
	if text == "" {
		fmt.Fprintln(c.Stderr, "dronebot exec: give a command, e.g. dronebot exec '/status octo/demo'")
		return exitUsage
	}
	from, err := execIdentity(*as)
	if err != nil {
		fmt.Fprintf(c.Stderr, "dronebot exec: %v\n", err)
		return exitUsage
	}
	cfg, _ := c.usableConfig("exec", *path)
	if cfg == nil {
		return exitFail
	}
	if err := cfg.Runnable(); err != nil {
		fmt.Fprintf(c.Stderr, "dronebot exec: %v\n", err)
		return exitFail
	}
	term, err := bot.OpenTerminal(ctx, cfg, bot.NewLogger(c.Stderr, cfg.Log, cfg.Secrets()...))
	if err != nil {
		fmt.Fprintf(c.Stderr, "dronebot exec: %v\n", err)
		return exitFail
	}
	defer term.Close()
	return runOne(ctx, c, term, from, text, *wait, *format == "json")
}

// runOne runs text as from, prints the reply, and with wait follows a
// started build to its end. The exit code says whether all went well.
func runOne(ctx context.Context, c *CLI, term *bot.Terminal, from commands.Identity, text string, wait, asJSON bool) int {
	reply := term.Commands.Run(ctx, commands.Request{Text: text, From: from,
		Conversation: commands.Conversation{Platform: "cli", ID: from.ID}, TailLines: 50})
	show := func(r commands.Reply) {
		if !asJSON {
			fmt.Fprint(c.Stdout, commands.RenderText(r))
			return
		}
		enc := json.NewEncoder(c.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			fmt.Fprintf(c.Stderr, "dronebot exec: %v\n", err)
		}
	}
	show(reply)
	if reply.Err {
		return exitFail
	}
	if !wait || reply.Follow == nil {
		return exitOK
	}
	outcome, err := commands.WaitBuildIn(ctx, term.Drone, reply.Follow.Repo, reply.Follow.Number, 3*time.Second, term.DroneURL, term.Lang)
	if err != nil {
		fmt.Fprintf(c.Stderr, "dronebot exec: %v\n", err)
		return exitFail
	}
	show(outcome)
	if outcome.Level == commands.Error || outcome.Err {
		return exitFail
	}
	return exitOK
}

// execIdentity is --as, or cli:<OS user>.
func execIdentity(as string) (commands.Identity, error) {
	if as != "" {
		return commands.ParseIdentity(as)
	}
	name := "operator"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	return commands.Identity{Platform: "cli", ID: name}, nil
}
