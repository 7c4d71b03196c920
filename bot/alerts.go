package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/bot/route"
	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/notify"
)

// alerter routes the watcher's alerts to their destinations and puts them in
// the outbox. Once Emit returns nil the alerts are durable.
type alerter struct {
	store   *store.Store
	routes  []route.Route
	acl     *commands.ACL // a subscription carries only what its subscriber may read
	users   []config.User
	lang    string            // the top-level language
	langs   map[string]string // per-sink language
	maxAge  time.Duration     // builds that finished longer ago are summarised
	now     func() time.Time
	wake    func()
	counted func(outcome string)
	// unrouted is told each alert no route or subscription takes; log
	// says which at debug level, so "alerts=1 and nothing sent" can be
	// explained.
	unrouted func(outcome string)
	log      *slog.Logger
}

// routesFromConfig turns the configured routes into the router's form,
// leaving out routes whose sinks are all disabled.
func routesFromConfig(cfg *config.Config) []route.Route {
	var out []route.Route
	for _, r := range cfg.Routes {
		if r.Disabled {
			continue
		}
		out = append(out, route.Route{Repos: r.Repos, Branches: r.Branches, Events: r.Events, On: r.On,
			To: r.To, MentionAuthor: r.MentionAuthor, Lang: r.Lang})
	}
	return out
}

// Emit queues a's deliveries: every matching route and subscription, once
// per destination. The outbox dedups on (alert ID, destination) for ever,
// so emitting the same alert again (after a crash) queues nothing new.
func (al *alerter) Emit(ctx context.Context, a *notify.Alert) error {
	routes, err := al.routesFor(ctx, a.Repo)
	if err != nil {
		return err
	}
	targets := route.Match(routes, a)
	if len(targets) == 0 {
		if al.log != nil {
			al.log.Debug("alert matched no route", "repo", a.Repo, "build", a.Build, "branch", a.Branch,
				"event", a.Event, "outcome", string(a.Outcome))
		}
		if al.unrouted != nil {
			al.unrouted(string(a.Outcome))
		}
		return nil
	}
	mentions := al.mentionsFor(a)
	// Catch-up: a build that finished longer than delivery.max_age ago is
	// old news, merged with its neighbours into one summary per destination.
	oldNews := al.maxAge > 0 && !a.Finished.IsZero() && al.now().Sub(a.Finished) > al.maxAge
	ds := make([]store.Delivery, 0, len(targets))
	for _, t := range targets {
		one := *a
		one.Mentions = mentions
		one.MentionAuthor = t.MentionAuthor
		one.Lang = firstNonEmpty(t.Lang, al.langs[t.Dest], al.lang)
		msg := notify.Message{ID: deliveryID(a.ID, t.Dest), Alerts: []*notify.Alert{&one}, Lang: one.Lang, Summary: oldNews}
		payload, err := json.Marshal(&msg)
		if err != nil {
			return fmt.Errorf("encode alert %s: %w", a.ID, err)
		}
		ds = append(ds, store.Delivery{Key: a.ID, Destination: t.Dest, Payload: payload, Created: al.now()})
	}
	res, err := al.store.EnqueueAll(ctx, ds)
	if err != nil {
		return err
	}
	for _, r := range res {
		if r.Queued {
			al.counted(string(a.Outcome))
			break
		}
	}
	al.wake()
	return nil
}

// routesFor is the configured routes followed by the subscriptions made
// from chat, each sending to its conversation ("slack:C123"). A
// subscription counts only if its subscriber may read the repository now:
// a glob must not carry a private repository's alerts into a channel.
func (al *alerter) routesFor(ctx context.Context, repo string) ([]route.Route, error) {
	subs, err := al.store.Subscriptions(ctx, "", "")
	if err != nil {
		return nil, err
	}
	routes := append([]route.Route(nil), al.routes...)
	for _, s := range subs {
		by, err := commands.ParseIdentity(s.Subscriber)
		if err != nil || !al.acl.Allows(by, commands.Read, repo) {
			continue
		}
		routes = append(routes, route.Route{Repos: []string{s.Repos}, Branches: s.Branches, On: s.On,
			To: []string{s.Platform + ":" + s.Conversation}})
	}
	return routes, nil
}

// mentionsFor finds the build's author among `users:` by Drone login or
// email.
func (al *alerter) mentionsFor(a *notify.Alert) notify.Mentions {
	for _, u := range al.users {
		if (u.Drone != "" && strings.EqualFold(u.Drone, a.Author)) ||
			(u.Email != "" && strings.EqualFold(u.Email, a.AuthorEmail)) {
			return notify.Mentions{Slack: u.Slack, WeCom: u.WeCom, Email: u.Email}
		}
	}
	return notify.Mentions{Email: a.AuthorEmail}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
