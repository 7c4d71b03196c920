package route

import (
	"cmp"
	"context"
	"strings"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/notify"
)

// Subscriptions lists the subscriptions made from chat; *store.Store is one.
type Subscriptions interface {
	Subscriptions(ctx context.Context, platform, conversation string) ([]store.Subscription, error)
}

// Router decides where each alert goes and how it is said there: the
// configured routes, then the subscriptions made from chat (each only where
// its subscriber may read the repository now), the author's mentions from
// `users:` and each destination's language.
type Router struct {
	Routes   []Route
	Subs     Subscriptions // nil: no subscriptions
	ACL      *commands.ACL // nil: everyone may read, as commands.ACL says
	Users    []config.User
	Lang     string            // the top-level language
	SinkLang map[string]string // per-sink language
}

// FromConfig is the configured routes, leaving out those whose sinks are
// all disabled.
func FromConfig(routes []*config.Route) []Route {
	var out []Route
	for _, r := range routes {
		if r.Disabled {
			continue
		}
		out = append(out, Route{Repos: r.Repos, Branches: r.Branches, Events: r.Events, On: r.On,
			To: r.To, MentionAuthor: r.MentionAuthor, Lang: r.Lang})
	}
	return out
}

// Destinations is every target of a, each once and with its language
// decided, and the mentions of a's author.
func (r *Router) Destinations(ctx context.Context, a *notify.Alert) ([]Target, notify.Mentions, error) {
	routes, err := r.routesFor(ctx, a.Repo)
	if err != nil {
		return nil, notify.Mentions{}, err
	}
	targets := Match(routes, a)
	for i := range targets {
		targets[i].Lang = cmp.Or(targets[i].Lang, r.SinkLang[targets[i].Dest], r.Lang)
	}
	return targets, r.mentionsFor(a), nil
}

// routesFor is the configured routes followed by the subscriptions made
// from chat, each sending to its conversation ("slack:C123"). A
// subscription counts only if its subscriber may read the repository now:
// a glob must not carry a private repository's alerts into a channel.
func (r *Router) routesFor(ctx context.Context, repo string) ([]Route, error) {
	if r.Subs == nil {
		return r.Routes, nil
	}
	subs, err := r.Subs.Subscriptions(ctx, "", "")
	if err != nil {
		return nil, err
	}
	routes := append([]Route(nil), r.Routes...)
	for _, s := range subs {
		by, err := commands.ParseIdentity(s.Subscriber)
		if err != nil || !r.ACL.Allows(by, commands.Read, repo) {
			continue
		}
		routes = append(routes, Route{Repos: []string{s.Repos}, Branches: s.Branches, On: s.On,
			To: []string{s.Platform + ":" + s.Conversation}})
	}
	return routes, nil
}

// mentionsFor finds the build's author among `users:` by Drone login or
// email.
func (r *Router) mentionsFor(a *notify.Alert) notify.Mentions {
	for _, u := range r.Users {
		if (u.Drone != "" && strings.EqualFold(u.Drone, a.Author)) ||
			(u.Email != "" && strings.EqualFold(u.Email, a.AuthorEmail)) {
			return notify.Mentions{Slack: u.Slack, WeCom: u.WeCom, Email: u.Email}
		}
	}
	return notify.Mentions{Email: a.AuthorEmail}
}
