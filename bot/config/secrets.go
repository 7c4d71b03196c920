package config

import (
	"sort"
	"strconv"
	"strings"
)

// Secrets lists the secret values of the configuration: tokens, passwords,
// signing keys, and the secret parts of sink URLs. Log tails mask them and
// nothing prints them.
func (c *Config) Secrets() []string {
	set := map[string]bool{}
	for _, s := range c.secretKeys() {
		set[s.value] = true
	}
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// secretKey is a secret value and the key it is configured under.
type secretKey struct{ value, key string }

// secretKeys lists every secret with its key, in a fixed order: the first
// key of a value shared by several is the one problems name.
func (c *Config) secretKeys() []secretKey {
	var out []secretKey
	add := func(key string, vals ...string) {
		for _, v := range vals {
			if v != "" {
				out = append(out, secretKey{v, key})
			}
		}
	}
	add("drone.token", c.Drone.Token)
	add("watch.webhook_secret", c.Watch.WebhookSecret)
	add("chat.slack.signing_secret", c.Chat.Slack.SigningSecret)
	add("chat.slack.bot_token", c.Chat.Slack.BotToken)
	add("chat.slack.app_token", c.Chat.Slack.AppToken)
	add("chat.wecom.secret", c.Chat.WeCom.Secret)
	add("chat.wecom.token", c.Chat.WeCom.Token)
	add("chat.wecom.encoding_aes_key", c.Chat.WeCom.EncodingAESKey)
	names := make([]string, 0, len(c.Sinks))
	for name := range c.Sinks {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if s := c.Sinks[name]; s != nil && s.Settings != nil {
			for _, sec := range s.Settings.Secrets() {
				add("sinks."+name+"."+sec.Key, sec.Value)
			}
		}
	}
	return out
}

// minBareSecret is the shortest secret looked for inside a longer text;
// shorter ones are only replaced where a problem quotes them whole, so a
// short test token does not blank out every message.
const minBareSecret = 8

// redactSecrets rewrites every problem that shows a configured secret (one
// written under a key that is not secret, say) to name the secret's key
// instead.
func (r *Report) redactSecrets(secrets []secretKey) {
	for i := range r.Problems {
		msg := r.Problems[i].Message
		for _, s := range secrets {
			msg = strings.ReplaceAll(msg, strconv.Quote(s.value), "the value of "+s.key)
			if len(s.value) >= minBareSecret {
				msg = strings.ReplaceAll(msg, s.value, "[the value of "+s.key+"]")
			}
		}
		r.Problems[i].Message = msg
	}
}
