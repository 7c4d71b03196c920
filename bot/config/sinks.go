package config

import (
	"encoding/base64"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

// sinkKeys lists the keys each sink type takes besides type, template, rate and lang.
var sinkKeys = map[string][]string{
	SinkWeCom:    {"url"},
	SinkWeComApp: {"to_user", "to_party", "to_tag", "agent_id", "corp_id", "secret", "api_url"},
	SinkSlack:    {"url", "channel", "api_url"},
	SinkDingTalk: {"url", "secret"},
	SinkFeishu:   {"url", "secret", "format"},
	SinkWebhook:  {"url", "headers"},
	SinkEmail:    {"smtp", "from", "to"},
	SinkStdout:   {},
}

var sinkTypes = []string{SinkWeCom, SinkWeComApp, SinkSlack, SinkDingTalk, SinkFeishu, SinkWebhook, SinkEmail, SinkStdout}

func (c *checker) validateSlack() {
	s := &c.cfg.Chat.Slack
	if !c.has("chat.slack") {
		s.Disabled, s.DisabledReason = true, "not configured"
		return
	}
	c.httpURL("chat.slack.api_url", s.APIURL)
	if s.SigningSecret == "" && s.AppToken == "" {
		reason := "signing_secret and app_token are empty" +
			joinWhy(c.why("chat.slack.signing_secret"), c.why("chat.slack.app_token"))
		s.Disabled, s.DisabledReason = true, reason
		c.rep.warnf(c.line("chat.slack"), "chat.slack is disabled: %s", reason)
	}
}

func (c *checker) validateWeCom() {
	w := &c.cfg.Chat.WeCom
	if !c.has("chat.wecom") {
		w.Disabled, w.DisabledReason = true, "not configured"
		return
	}
	c.httpURL("chat.wecom.api_url", w.APIURL)
	if k := w.EncodingAESKey; k != "" && !validAESKey(k) {
		c.rep.errorf(c.line("chat.wecom.encoding_aes_key"), "chat.wecom.encoding_aes_key: must be 43 characters of base64 that decode to 32 bytes")
	}
	var empty, whys []string
	for _, f := range []struct{ key, value string }{
		{"corp_id", w.CorpID}, {"secret", w.Secret}, {"token", w.Token}, {"encoding_aes_key", w.EncodingAESKey},
	} {
		if f.value == "" {
			empty = append(empty, f.key)
			if why := c.why("chat.wecom." + f.key); why != "" {
				whys = append(whys, why)
			}
		}
	}
	if w.AgentID == 0 {
		empty = append(empty, "agent_id")
	}
	if len(empty) > 0 {
		reason := strings.Join(empty, ", ") + " empty" + joinWhy(whys...)
		w.Disabled, w.DisabledReason = true, reason
		c.rep.warnf(c.line("chat.wecom"), "chat.wecom is disabled: %s", reason)
	}
}

// validAESKey checks a WeCom EncodingAESKey: 43 base64 characters that,
// with the "=" WeCom leaves off, decode to a 32-byte AES key.
func validAESKey(k string) bool {
	if len(k) != 43 {
		return false
	}
	b, err := base64.StdEncoding.DecodeString(k + "=")
	return err == nil && len(b) == 32
}

func (c *checker) validateSinks() {
	names := make([]string, 0, len(c.cfg.Sinks))
	for name := range c.cfg.Sinks {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		s := c.cfg.Sinks[name]
		p := "sinks." + name
		if s == nil {
			s = &Sink{}
			c.cfg.Sinks[name] = s
		}
		s.Name = name
		if s.Type == "" {
			c.rep.errorf(c.line(p), "%s: type is required (one of %s)", p, strings.Join(sinkTypes, ", "))
			continue
		}
		if !c.oneOf(p+".type", s.Type, sinkTypes...) {
			continue
		}
		c.sinkKeysFor(p, s)
		if s.Lang != "" {
			c.oneOf(p+".lang", s.Lang, "en", "zh")
		}
		if s.Type == SinkWebhook && s.Template != "" {
			c.rep.errorf(c.line(p+".template"), "%s.template: a webhook sink sends the dronebot.alert/v1 JSON; templates apply to chat and email sinks", p)
		} else {
			c.templateFile(p+".template", s.Template)
		}
		c.validateSink(p, s)
	}
}

// sinkKeysFor reports keys written for a sink type that does not use them.
func (c *checker) sinkKeysFor(p string, s *Sink) {
	allowed := sinkKeys[s.Type]
	for _, keys := range sinkKeys {
		for _, k := range keys {
			if !slices.Contains(allowed, k) && c.has(p+"."+k) {
				c.rep.errorf(c.line(p+"."+k), "%s.%s: not a key of a %s sink", p, k, s.Type)
			}
		}
	}
}

func (c *checker) validateSink(p string, s *Sink) {
	switch s.Type {
	case SinkWeCom:
		c.webhookURL(p, s, "key")
	case SinkDingTalk:
		c.webhookURL(p, s, "access_token")
	case SinkFeishu:
		c.oneOf(p+".format", s.Format, "card", "post")
		if c.webhookURL(p, s, "") && strings.HasSuffix(strings.TrimRight(s.URL, "/"), "/hook") {
			c.disable(p, s, "url ends without its hook token"+c.because(p+".url"))
		}
	case SinkWebhook:
		if c.webhookURL(p, s, "") {
			c.headerVars(p, s)
		}
	case SinkSlack:
		c.slackSink(p, s)
	case SinkWeComApp:
		c.weComAppSink(p, s)
	case SinkEmail:
		c.emailSink(p, s)
	}
}

// webhookURL checks a sink's url and, when tokenParam is set, that the URL's
// query carries a non-empty token. It disables the sink when they are empty.
func (c *checker) webhookURL(p string, s *Sink, tokenParam string) bool {
	up := p + ".url"
	if !c.has(up) {
		c.rep.errorf(c.line(p), "%s: a %s sink needs url", p, s.Type)
		return false
	}
	if s.URL == "" {
		c.disable(p, s, "url is empty"+c.because(up))
		return false
	}
	if !c.httpURL(up, s.URL) {
		return false
	}
	if tokenParam != "" {
		u, _ := url.Parse(s.URL)
		if u.Query().Get(tokenParam) == "" {
			c.disable(p, s, fmt.Sprintf("url has an empty %s=%s", tokenParam, c.because(up)))
			return false
		}
	}
	return true
}

// headerVars warns about webhook headers that use unset variables.
func (c *checker) headerVars(p string, s *Sink) {
	names := make([]string, 0, len(s.Headers))
	for name := range s.Headers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		hp := p + ".headers." + name
		if why := c.why(hp); why != "" {
			c.rep.warnf(c.line(hp), "%s: %s", hp, why)
		}
	}
}

func (c *checker) slackSink(p string, s *Sink) {
	slack := &c.cfg.Chat.Slack
	setString(&s.APIURL, slack.APIURL)
	switch {
	case c.has(p+".url") && c.has(p+".channel"):
		c.rep.errorf(c.line(p+".channel"), "%s: set url (incoming webhook) or channel, not both", p)
	case c.has(p + ".channel"):
		c.httpURL(p+".api_url", s.APIURL)
		if s.Channel == "" {
			c.disable(p, s, "channel is empty"+c.because(p+".channel"))
			return
		}
		s.BotToken = slack.BotToken
		if s.BotToken == "" {
			c.disable(p, s, "posting to a channel needs chat.slack.bot_token, which is empty"+c.because("chat.slack.bot_token"))
		}
	default:
		c.webhookURL(p, s, "")
	}
}

func (c *checker) weComAppSink(p string, s *Sink) {
	if !c.has(p+".to_user") && !c.has(p+".to_party") && !c.has(p+".to_tag") {
		c.rep.errorf(c.line(p), "%s: a wecom_app sink needs to_user, to_party or to_tag", p)
		return
	}
	w := &c.cfg.Chat.WeCom
	setString(&s.CorpID, w.CorpID)
	setString(&s.Secret, w.Secret)
	setString(&s.APIURL, w.APIURL)
	if s.AgentID == 0 {
		s.AgentID = w.AgentID
	}
	c.httpURL(p+".api_url", s.APIURL)
	if len(s.ToUser)+len(s.ToParty)+len(s.ToTag) == 0 {
		c.disable(p, s, "to_user, to_party and to_tag are empty")
		return
	}
	var missing, whys []string
	for _, f := range []struct{ key, value string }{{"corp_id", s.CorpID}, {"secret", s.Secret}} {
		if f.value == "" {
			missing = append(missing, f.key)
			whys = append(whys, c.why(p+"."+f.key), c.why("chat.wecom."+f.key))
		}
	}
	if s.AgentID == 0 {
		missing = append(missing, "agent_id")
	}
	if len(missing) > 0 {
		c.disable(p, s, strings.Join(missing, ", ")+" empty here and in chat.wecom"+joinWhy(whys...))
	}
}

func (c *checker) emailSink(p string, s *Sink) {
	sp := p + ".smtp"
	for _, k := range []string{"smtp.host", "from", "to"} {
		if !c.has(p + "." + k) {
			c.rep.errorf(c.line(p), "%s: an email sink needs %s", p, k)
		}
	}
	c.oneOf(sp+".security", s.SMTP.Security, SecurityStartTLS, SecurityTLS, SecurityNone)
	if s.SMTP.Port < 1 || s.SMTP.Port > 65535 {
		c.rep.errorf(c.line(sp+".port"), "%s.port: must be between 1 and 65535", sp)
	}
	if s.SMTP.Security == SecurityNone && s.SMTP.Password != "" {
		c.rep.errorf(c.line(sp+".password"), "%s.password: must be empty with security none (it would cross the network in clear)", sp)
	}
	if s.From != "" {
		if _, err := mail.ParseAddress(s.From); err != nil {
			c.rep.errorf(c.line(p+".from"), "%s.from: not a mail address", p)
		}
	}
	for i, to := range s.To {
		if _, err := mail.ParseAddress(to); to != "" && err != nil {
			c.rep.errorf(c.line(fmt.Sprintf("%s.to[%d]", p, i)), "%s.to[%d]: not a mail address", p, i)
		}
	}
	c.atLeast(sp+".timeout", s.SMTP.Timeout, time.Second)
	switch {
	case c.has(sp+".host") && s.SMTP.Host == "":
		c.disable(p, s, "smtp.host is empty"+c.because(sp+".host"))
	case c.has(p+".from") && s.From == "":
		c.disable(p, s, "from is empty"+c.because(p+".from"))
	case c.has(p+".to") && !slices.ContainsFunc(s.To, func(a string) bool { return a != "" }):
		c.disable(p, s, "to is empty")
	case s.SMTP.Username != "" && s.SMTP.Password == "" && s.SMTP.Security != SecurityNone:
		c.disable(p, s, "smtp.password is empty"+c.because(sp+".password"))
	}
}

// disable turns a sink off with a warning; only the first reason is kept.
func (c *checker) disable(p string, s *Sink, reason string) {
	if s.Disabled {
		return
	}
	s.Disabled, s.DisabledReason = true, reason
	c.rep.warnf(c.line(p), "%s is disabled: %s", p, reason)
}

// joinWhy formats variable notes as " (A is not set, B is not set)".
func joinWhy(whys ...string) string {
	var parts []string
	for _, w := range whys {
		if w != "" && !slices.Contains(parts, w) {
			parts = append(parts, w)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}
