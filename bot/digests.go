package bot

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/bot/digest"
	"github.com/dronebot/dronebot/bot/store"
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
// (a rich mail with an inline chart) and to chat sinks through the outbox.
func newScheduler(cfg *config.Config, st *store.Store, sinks *sinkSet, chat func(ctx context.Context, sink string,
	n *notify.Notice, lang string) error, now func() time.Time, log *slog.Logger) *digest.Scheduler {
	mail := map[string]digest.MailSender{}
	for name, s := range sinks.sinks {
		if m, ok := s.(*email.Sink); ok {
			mail[name] = m
		}
	}
	return &digest.Scheduler{Digests: digestSpecs(cfg), Store: st, History: st,
		WatchRepos: cfg.Watch.Repos, DroneURL: droneUIURL(cfg), Now: now, Logger: log.With("part", "digest"),
		Send: digest.Sinks{Mail: mail, Chat: chat}.Send}
}

// digestChat queues a digest's chat version for a sink, keyed by digest
// and time so that it is sent once.
func (s *service) digestChat(ctx context.Context, sink string, n *notify.Notice, lang string) error {
	if _, ok := s.sinks.sinks[sink]; !ok {
		return fmt.Errorf("no enabled sink named %s", sink)
	}
	key := fmt.Sprintf("digest:%s:%d", n.Title, s.deps.Now().Unix())
	return s.enqueueNotice(ctx, key, sink, *n)
}

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
	logger := NewLogger(c.Stderr, cfg.Log, cfg.Secrets()...)
	// A running bot holds the store: read it then, and send only by mail.
	st, err := store.Open(ctx, cfg.Store.Path, store.Options{Logger: logger})
	if err != nil {
		st, err = store.Open(ctx, cfg.Store.Path, store.Options{ReadOnly: true, Logger: logger})
	}
	if err != nil {
		fmt.Fprintf(c.Stderr, "dronebot digest: %v\n", err)
		return exitFail
	}
	defer st.Close()
	sinks, err := buildSinks(cfg, &http.Client{Timeout: 30 * time.Second}, io.Discard, logger)
	if err != nil {
		fmt.Fprintf(c.Stderr, "dronebot digest: %v\n", err)
		return exitFail
	}
	chat := func(ctx context.Context, sink string, n *notify.Notice, lang string) error {
		sk, ok := sinks.sinks[sink]
		if !ok {
			return fmt.Errorf("no enabled sink named %s", sink)
		}
		return sk.Send(ctx, &notify.Message{ID: deliveryID("digest:"+n.Title, sink), Notice: n, Lang: lang})
	}
	sched := newScheduler(cfg, st, sinks, chat, time.Now, logger)
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
