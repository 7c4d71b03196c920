// Package registry is the table of sink types: each `type:` of bot.yaml
// with its package's Config and constructor. Adding a sink type is its
// package and one row here.
package registry

import (
	"fmt"

	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/dingtalk"
	"github.com/dronebot/dronebot/notify/discord"
	"github.com/dronebot/dronebot/notify/email"
	"github.com/dronebot/dronebot/notify/feishu"
	"github.com/dronebot/dronebot/notify/mattermost"
	"github.com/dronebot/dronebot/notify/slack"
	"github.com/dronebot/dronebot/notify/stdout"
	"github.com/dronebot/dronebot/notify/teams"
	"github.com/dronebot/dronebot/notify/webhook"
	"github.com/dronebot/dronebot/notify/wecom"
)

// types lists every sink type, in the order messages name them.
func types() []Type {
	return []Type{
		Of("wecom", wecom.New),
		Of("wecom_app", wecom.NewAppSink),
		Of("slack", slack.New),
		Of("dingtalk", dingtalk.New),
		Of("feishu", feishu.New),
		Of("webhook", webhook.New),
		Of("email", email.New),
		Of("stdout", stdout.New),
		Of("teams", teams.New),
		Of("discord", discord.New),
		Of("mattermost", mattermost.New),
	}
}

// Type is one sink type: its name in bot.yaml, a fresh Config to decode
// an entry into, and the constructor that takes it.
type Type struct {
	Name      string
	newConfig func() notify.SinkConfig
	build     func(notify.SinkConfig, notify.Env) (notify.Sink, error)
}

// Of is the row of a sink type whose constructor takes the Config C.
func Of[C any, P interface {
	*C
	notify.SinkConfig
}, S notify.Sink](name string, build func(C, notify.Env) (S, error)) Type {
	return Type{
		Name:      name,
		newConfig: func() notify.SinkConfig { return P(new(C)) },
		build: func(cfg notify.SinkConfig, env notify.Env) (notify.Sink, error) {
			c, ok := cfg.(P)
			if !ok {
				return nil, fmt.Errorf("%s sink %q: configured as %T", name, env.Name, cfg)
			}
			return build(*c, env)
		},
	}
}

// NewConfig is an empty Config of the type.
func (t Type) NewConfig() notify.SinkConfig { return t.newConfig() }

// New makes a sink of the type from a Config that NewConfig returned.
func (t Type) New(cfg notify.SinkConfig, env notify.Env) (notify.Sink, error) {
	return t.build(cfg, env)
}

// Lookup finds a type by its name in bot.yaml.
func Lookup(name string) (Type, bool) {
	for _, t := range types() {
		if t.Name == name {
			return t, true
		}
	}
	return Type{}, false
}

// Types lists every sink type.
func Types() []Type { return types() }

// Names lists the names of the sink types.
func Names() []string {
	var out []string
	for _, t := range types() {
		out = append(out, t.Name)
	}
	return out
}
