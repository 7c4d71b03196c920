package config

import (
	"encoding/base64"
	"strings"

	"github.com/dronebot/dronebot/notify"
)

func (c *checker) validateSlack() {
	s := &c.cfg.Chat.Slack
	if !c.has("chat.slack") {
		s.Disabled, s.DisabledReason = true, "not configured"
		return
	}
	c.httpURL("chat.slack.api_url", s.APIURL)
	if s.SigningSecret == "" && s.AppToken == "" {
		reason := "signing_secret and app_token are empty" +
			notify.JoinWhy(c.why("chat.slack.signing_secret"), c.why("chat.slack.app_token"))
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
		reason := strings.Join(empty, ", ") + " empty" + notify.JoinWhy(whys...)
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
