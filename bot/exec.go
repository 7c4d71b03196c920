package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/user"
	"strings"
	"sync"
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

// execSubscriptions opens the store only when a command first asks for
// subscriptions, so /help or /status leave no store behind. It uses the
// store when no running bot holds it, read-only when one does (so
// /subscriptions works and /subscribe says where to subscribe instead),
// and memory when there is no store to read.
func execSubscriptions(ctx context.Context, path string, log *slog.Logger) (commands.Subscriptions, func()) {
	l := &lazySubscriptions{open: func() (commands.Subscriptions, func()) {
		st, err := store.Open(ctx, path, store.Options{Logger: log})
		if errors.Is(err, store.ErrLocked) {
			st, err = store.Open(ctx, path, store.Options{ReadOnly: true, Logger: log})
			if err == nil {
				return heldSubscriptions{subscriptionsAdapter{st}}, func() { st.Close() }
			}
		}
		if err != nil {
			log.Debug("no store for subscriptions; keeping them in memory", "err", err)
			return commands.NewMemorySubscriptions(), func() {}
		}
		return subscriptionsAdapter{st}, func() { st.Close() }
	}}
	return l, l.close
}

// lazySubscriptions opens its Subscriptions at first use.
type lazySubscriptions struct {
	once   sync.Once
	open   func() (commands.Subscriptions, func())
	subs   commands.Subscriptions
	closer func()
}

func (l *lazySubscriptions) get() commands.Subscriptions {
	l.once.Do(func() { l.subs, l.closer = l.open() })
	return l.subs
}

func (l *lazySubscriptions) close() {
	l.once.Do(func() {}) // never opened: nothing to close, and nothing opens later
	if l.closer != nil {
		l.closer()
	}
}

func (l *lazySubscriptions) Subscribe(ctx context.Context, s commands.Subscription) (commands.Subscription, error) {
	return l.get().Subscribe(ctx, s)
}

func (l *lazySubscriptions) Unsubscribe(ctx context.Context, c commands.Conversation, repos, branch string) (int, error) {
	return l.get().Unsubscribe(ctx, c, repos, branch)
}

func (l *lazySubscriptions) List(ctx context.Context, c commands.Conversation) ([]commands.Subscription, error) {
	return l.get().List(ctx, c)
}

// heldSubscriptions is the store a running bot holds, opened read-only:
// changes are refused with commands.ErrSubscriptionsHeld.
type heldSubscriptions struct{ subscriptionsAdapter }

func (h heldSubscriptions) Subscribe(ctx context.Context, s commands.Subscription) (commands.Subscription, error) {
	got, err := h.subscriptionsAdapter.Subscribe(ctx, s)
	return got, held(err)
}

func (h heldSubscriptions) Unsubscribe(ctx context.Context, c commands.Conversation, repos, branch string) (int, error) {
	n, err := h.subscriptionsAdapter.Unsubscribe(ctx, c, repos, branch)
	return n, held(err)
}

func held(err error) error {
	if errors.Is(err, store.ErrReadOnly) {
		return fmt.Errorf("%w: %w", commands.ErrSubscriptionsHeld, err)
	}
	return err
}
