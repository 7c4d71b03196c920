package bot

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/bot/digest"
	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/email"
)

// digestSpecs are the enabled digests of the configuration.
func digestSpecs(cfg *config.Config) []digest.Spec {
	var specs []digest.Spec
	for _, d := range cfg.Digests {
		if d.Disabled {
			continue
		}
		specs = append(specs, digest.Spec{Name: d.Name, Schedule: d.Schedule, Location: d.Location,
			Period: d.Period.Std(), Repos: d.Repos, To: d.To, Lang: cmp.Or(d.Lang, cfg.Lang)})
	}
	return specs
}

// newScheduler sends digests by email straight through the email sinks
// (a rich mail with inline charts) and to chat sinks through the outbox.
// With a Drone client it fills the history's gaps from Drone's lists.
func newScheduler(cfg *config.Config, st *store.Store, dc drone.Client, sinks *sinkSet, chat func(ctx context.Context, sink string,
	n *notify.Notice, lang string) error, now func() time.Time, log *slog.Logger) *digest.Scheduler {
	mail := map[string]digest.MailSender{}
	for name, s := range sinks.sinks {
		if m, ok := s.(*email.Sink); ok {
			mail[name] = m
		}
	}
	sched := &digest.Scheduler{Digests: digestSpecs(cfg), Store: st, History: st,
		WatchRepos: cfg.Watch.Repos, DroneURL: droneUIURL(cfg), Now: now, Logger: log.With("part", "digest"),
		Send: digest.Sinks{Mail: mail, Chat: chat}.Send}
	if dc != nil {
		sched.Backfill = &digest.Backfill{Drone: dc, Coverage: st}
	}
	return sched
}

// markWatched records in the store that the watcher had every build that
// finished before this cycle began (d ago), so digests read Drone only
// for the times between. Two cycles further apart than two periods and a
// minute leave a gap.
func (s *Service) markWatched(d time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	gap := 2*s.watcher.Period() + time.Minute
	if err := s.store.MarkWatched(ctx, s.deps.Now().Add(-d), gap); err != nil {
		s.log.Warn("recording the watched time failed", "err", err)
	}
}

// digestChat queues a digest's chat version for a sink, keyed by digest
// and time so that it is sent once.
func (s *Service) digestChat(ctx context.Context, sink string, n *notify.Notice, lang string) error {
	if _, ok := s.sinks.sinks[sink]; !ok {
		return fmt.Errorf("no enabled sink named %s", sink)
	}
	key := fmt.Sprintf("digest:%s:%d", n.Title, s.deps.Now().Unix())
	return s.enqueueNotice(ctx, key, sink, *n)
}

// OpenDigests is the digest scheduler `dronebot digest` runs one digest
// through, on the store (read-only when a running bot holds it, so only
// mail is sent then), Drone (for what the store lacks) and the configured
// sinks. close releases the store.
func OpenDigests(ctx context.Context, cfg *config.Config, logger *slog.Logger) (sched *digest.Scheduler, close func(), err error) {
	st, err := store.Open(ctx, cfg.Store.Path, store.Options{Logger: logger})
	if err != nil {
		st, err = store.Open(ctx, cfg.Store.Path, store.Options{ReadOnly: true, Logger: logger})
	}
	if err != nil {
		return nil, nil, err
	}
	sinks, err := buildSinks(cfg, &http.Client{Timeout: 30 * time.Second}, io.Discard, logger)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	chat := func(ctx context.Context, sink string, n *notify.Notice, lang string) error {
		sk, ok := sinks.sinks[sink]
		if !ok {
			return fmt.Errorf("no enabled sink named %s", sink)
		}
		return sk.Send(ctx, &notify.Message{ID: deliveryID("digest:"+n.Title, sink), Notice: n, Lang: lang})
	}
	// Without a usable token the digest is made from the store alone.
	var dc drone.Client
	if err := cfg.Runnable(); err != nil {
		logger.Warn("the digest has the recorded builds only: not reading Drone", "err", err)
	} else if dc, err = drone.New(drone.Config{Server: cfg.Drone.Server, Token: cfg.Drone.Token, Dialect: cfg.Drone.API,
		Timeout: cfg.Drone.Timeout.Std(), CAFile: cfg.Drone.CAFile, Logger: logger}); err != nil {
		st.Close()
		return nil, nil, err
	}
	return newScheduler(cfg, st, dc, sinks, chat, time.Now, logger), func() { st.Close() }, nil
}
