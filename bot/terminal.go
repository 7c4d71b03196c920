package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/logtext"
)

// Terminal is what `dronebot exec` runs one command through: the registry
// the chat intakes use, on the configured Drone, ACL and language.
type Terminal struct {
	Commands *commands.Registry
	Drone    drone.Client
	DroneURL string // the Drone UI, for links
	Lang     string
	close    func()
}

// Close releases the store, if a command opened it.
func (t *Terminal) Close() { t.close() }

// OpenTerminal builds the Terminal for cfg. The store is opened only when
// a command asks for subscriptions.
func OpenTerminal(ctx context.Context, cfg *config.Config, logger *slog.Logger) (*Terminal, error) {
	dc, err := drone.New(drone.Config{Server: cfg.Drone.Server, Token: cfg.Drone.Token, Dialect: cfg.Drone.API,
		Timeout: cfg.Drone.Timeout.Std(), LogTimeout: cfg.Drone.LogTimeout.Std(), CAFile: cfg.Drone.CAFile, Logger: logger})
	if err != nil {
		return nil, err
	}
	subs, closeSubs := execSubscriptions(ctx, cfg.Store.Path, logger)
	reg := commands.NewRegistry(commands.Deps{Drone: dc, ACL: aclFromConfig(cfg.ACL), Subs: subs, Logger: logger,
		Lang: cfg.Lang, DroneURL: droneUIURL(cfg), Masker: logtext.NewMasker(cfg.Secrets()...)})
	return &Terminal{Commands: reg, Drone: dc, DroneURL: droneUIURL(cfg), Lang: cfg.Lang, close: closeSubs}, nil
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
