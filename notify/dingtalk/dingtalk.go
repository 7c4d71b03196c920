// Package dingtalk sends messages to a DingTalk (钉钉) custom group robot
// as markdown, optionally signed (加签).
package dingtalk

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// Platform limits (DingTalk's custom robot documentation).
const (
	// MaxBodyBytes is the request size we keep to. DingTalk does not
	// document one; a client library refuses messages over 20000 bytes,
	// so that is the budget we keep to.
	MaxBodyBytes = 20000
	RateLimit    = 20 // messages per robot ...
	RateWindow   = 60 * time.Second
	// maxTitleBytes keeps the notification preview short.
	maxTitleBytes = 120
)

// Config is one robot sink.
type Config struct {
	URL    string `yaml:"url"`    // https://oapi.dingtalk.com/robot/send?access_token=TOKEN
	Secret string `yaml:"secret"` // optional 加签 secret ("SEC…")
}

// Token is where a robot URL carries its access token.
var Token = notify.HookToken{Query: "access_token"}

// Check reports a missing URL or token; an empty one disables the sink.
func (c *Config) Check(chk *notify.ConfigCheck) { chk.HookURL("url", c.URL, Token) }

// Secrets are the access token and the signing secret.
func (c *Config) Secrets() []notify.Secret {
	return append([]notify.Secret{{Key: "secret", Value: c.Secret}}, notify.URLSecrets("url", c.URL, Token)...)
}

// Sink is a DingTalk custom robot.
type Sink struct {
	notify.Hook
	secret string
}

var _ notify.Sink = (*Sink)(nil)

// New checks cfg and returns the sink.
func New(cfg Config, env notify.Env) (*Sink, error) {
	hook, err := notify.NewHook("dingtalk", cfg.URL, Token, env)
	if err != nil {
		return nil, err
	}
	return &Sink{Hook: hook, secret: cfg.Secret}, nil
}

// Limits is the robot's rate limit: 20 a minute, and DingTalk throttles a
// robot for 10 minutes once it is exceeded.
func (s *Sink) Limits() []notify.Window { return []notify.Window{{N: RateLimit, Per: RateWindow}} }

// Sign is DingTalk's signature for a timestamp in milliseconds:
// base64(HMAC-SHA256(key=secret, msg=timestamp+"\n"+secret)), not yet
// URL-encoded.
func Sign(secret string, timestampMillis int64) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestampMillis, 10) + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Send renders m and posts it once.
func (s *Sink) Send(ctx context.Context, m *notify.Message) error {
	body, err := encode(m)
	if err != nil {
		return notify.Permanent(s.Hook.Err(err))
	}
	target, err := s.signedURL()
	if err != nil {
		return notify.Permanent(s.Hook.Err(err))
	}
	resp, err := notify.PostJSON(ctx, s.Hook.Client(), target, nil, body)
	if err != nil {
		return s.Hook.Err(err)
	}
	if err := check(resp, s.Hook.Now()); err != nil {
		return s.Hook.Err(err)
	}
	return nil
}

// signedURL is the URL with timestamp and sign added when a secret is set.
func (s *Sink) signedURL() (string, error) {
	if s.secret == "" {
		return s.Hook.URL(), nil
	}
	u, err := url.Parse(s.Hook.URL())
	if err != nil {
		return "", fmt.Errorf("url %s: %w", notify.RedactURL(s.Hook.URL()), err)
	}
	ts := s.Hook.Now().UnixMilli()
	q := u.Query()
	q.Set("timestamp", strconv.FormatInt(ts, 10))
	q.Set("sign", Sign(s.secret, ts))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

type markdown struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

type at struct {
	AtMobiles []string `json:"atMobiles,omitempty"`
	AtUserIDs []string `json:"atUserIds,omitempty"`
	IsAtAll   bool     `json:"isAtAll"`
}

type payload struct {
	MsgType  string    `json:"msgtype"`
	Markdown *markdown `json:"markdown"`
	At       *at       `json:"at,omitempty"`
}

// encode renders m as a markdown message whose JSON body fits
// MaxBodyBytes, shortening the log tail first (JSON escaping makes the body
// longer than the text, so it measures and tries again).
func encode(m *notify.Message) ([]byte, error) {
	mentions := mentionsOf(m)
	opts := notify.MarkdownOptions{Defuse: true, Mention: func(a *notify.Alert) string {
		if a.Mentions.DingTalk == "" {
			return ""
		}
		// A markdown message shows the mention only if the text names it.
		return "@" + a.Mentions.DingTalk
	}}
	title := notify.TruncateBytes(notify.Subject(m), maxTitleBytes, "…")
	return notify.FitJSON(MaxBodyBytes, MaxBodyBytes-512, func(limit int) any {
		return &payload{MsgType: "markdown", Markdown: &markdown{Title: title, Text: notify.Markdown(m, limit, opts)}, At: mentions}
	})
}

// mentionsOf is the "at" object for the authors that asked to be
// mentioned: ids of only digits are mobile numbers, others user ids.
func mentionsOf(m *notify.Message) *at {
	var a at
	seen := map[string]bool{}
	for _, al := range m.Alerts {
		id := al.Mentions.DingTalk
		if !al.MentionAuthor || id == "" || seen[id] {
			continue
		}
		seen[id] = true
		if isMobile(id) {
			a.AtMobiles = append(a.AtMobiles, id)
		} else {
			a.AtUserIDs = append(a.AtUserIDs, id)
		}
	}
	if len(seen) == 0 {
		return nil
	}
	return &a
}

func isMobile(id string) bool {
	for i, c := range id {
		if (c < '0' || c > '9') && !(i == 0 && c == '+') {
			return false
		}
	}
	return len(id) >= 7
}
