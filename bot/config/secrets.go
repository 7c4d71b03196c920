package config

import (
	"net/url"
	"sort"
)

// Secrets lists the secret values of the configuration: tokens, passwords,
// signing keys, and the secret parts of sink URLs. Log tails mask them and
// nothing prints them.
func (c *Config) Secrets() []string {
	set := map[string]bool{}
	add := func(vals ...string) {
		for _, v := range vals {
			if v != "" {
				set[v] = true
			}
		}
	}
	add(c.Drone.Token, c.Watch.WebhookSecret)
	add(c.Chat.Slack.SigningSecret, c.Chat.Slack.BotToken, c.Chat.Slack.AppToken)
	add(c.Chat.WeCom.Secret, c.Chat.WeCom.Token, c.Chat.WeCom.EncodingAESKey)
	for _, s := range c.Sinks {
		add(s.Secret, s.SMTP.Password, s.BotToken)
		for _, v := range s.Headers {
			add(v)
		}
		if u, err := url.Parse(s.URL); err == nil {
			for _, vs := range u.Query() {
				add(vs...)
			}
		}
	}
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}
