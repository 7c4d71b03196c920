package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/user"
	"strings"
	"time"

	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/logtext"
)

// execCommand runs one chat command from the terminal through the same
// registry the chat intakes use, and prints the reply as plain text.
func execCommand(ctx context.Context, c *CLI, args []string) int {
	fs := c.flagSet("exec")
	path := c.configFlag(fs)
	as := fs.String("as", "", "run with this identity's permissions, e.g. slack:U123 (default: cli:<OS user>, allowed everything)")
	wait := fs.Bool("wait", false, "for /build: wait until the build finishes and print its outcome")
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
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
	logger := NewLogger(c.Stderr, cfg.Log, cfg.Secrets()...)
	dc, err := drone.New(drone.Config{Server: cfg.Drone.Server, Token: cfg.Drone.Token, Dialect: cfg.Drone.API,
		Timeout: cfg.Drone.Timeout.Std(), LogTimeout: cfg.Drone.LogTimeout.Std(), CAFile: cfg.Drone.CAFile, Logger: logger})
	if err != nil {
		fmt.Fprintf(c.Stderr, "dronebot exec: %v\n", err)
		return exitFail
	}
	subs, closeSubs := execSubscriptions(ctx, cfg.Store.Path, logger)
	defer closeSubs()
	reg := commands.NewRegistry(commands.Deps{Drone: dc, ACL: aclFromConfig(cfg.ACL), Subs: subs, Logger: logger,
		Lang: cfg.Lang, DroneURL: droneUIURL(cfg), Masker: logtext.NewMasker(cfg.Secrets()...)})
	return runOne(ctx, c, reg, dc, droneUIURL(cfg), cfg.Lang, from, text, *wait)
}

// runOne runs text as from, prints the reply, and with wait follows a
// started build to its end. The exit code says whether all went well.
func runOne(ctx context.Context, c *CLI, reg *commands.Registry, dc drone.Client, droneURL, lang string,
	from commands.Identity, text string, wait bool) int {
	reply := reg.Run(ctx, commands.Request{Text: text, From: from,
		Conversation: commands.Conversation{Platform: "cli", ID: from.ID}, TailLines: 50})
	fmt.Fprint(c.Stdout, commands.RenderText(reply))
	if reply.Err {
		return exitFail
	}
	if !wait || reply.Follow == nil {
		return exitOK
	}
	outcome, err := commands.WaitBuildIn(ctx, dc, reply.Follow.Repo, reply.Follow.Number, 3*time.Second, droneURL, lang)
	if err != nil {
		fmt.Fprintf(c.Stderr, "dronebot exec: %v\n", err)
		return exitFail
	}
	fmt.Fprint(c.Stdout, commands.RenderText(outcome))
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

// execSubscriptions uses the store when no running bot holds it, read-only
// when one does (so /subscriptions works but /subscribe says why it cannot),
// and memory when there is no store yet.
func execSubscriptions(ctx context.Context, path string, log *slog.Logger) (commands.Subscriptions, func()) {
	st, err := store.Open(ctx, path, store.Options{Logger: log})
	if errors.Is(err, store.ErrLocked) {
		st, err = store.Open(ctx, path, store.Options{ReadOnly: true, Logger: log})
	}
	if err != nil {
		log.Debug("no store for subscriptions; keeping them in memory", "err", err)
		return commands.NewMemorySubscriptions(), func() {}
	}
	return subscriptionsAdapter{st}, func() { st.Close() }
}
