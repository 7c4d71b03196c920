// Package feishu sends messages to a Feishu/Lark (飞书) custom bot webhook,
// as an interactive card (the only way to send markdown) or as rich text
// ("post"), optionally signed.
package feishu

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// Platform limits (Feishu's custom bot documentation).
const (
	// MaxBodyBytes is the whole request body; the doc says 20 KB without
	// saying 1000 or 1024, so the smaller.
	MaxBodyBytes = 20000
)

// Formats.
const (
	FormatCard = "card"
	FormatPost = "post"
)

// Config is one bot sink.
type Config struct {
	Name   string
	URL    string // https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN
	Secret string // optional signing secret
	Format string // card (default) | post
}

// Sink is a Feishu custom bot.
type Sink struct {
	name   string
	url    string
	secret string
	format string
	hc     *http.Client
	log    *slog.Logger
	now    func() time.Time
}

var _ notify.Sink = (*Sink)(nil)

// New checks cfg and returns the sink. hc must carry a timeout.
func New(cfg Config, hc *http.Client, log *slog.Logger) (*Sink, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("feishu sink %q: url %s is not an http(s) URL", cfg.Name, notify.RedactURL(cfg.URL))
	}
	dir, token := pathTail(u.Path)
	if dir != "hook" || token == "" {
		return nil, fmt.Errorf("feishu sink %q: url %s does not end in /hook/TOKEN", cfg.Name, notify.RedactURL(cfg.URL))
	}
	format := cfg.Format
	switch format {
	case "":
		format = FormatCard
	case FormatCard, FormatPost:
	default:
		return nil, fmt.Errorf("feishu sink %q: format %q is not card or post", cfg.Name, cfg.Format)
	}
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sink{name: cfg.Name, url: cfg.URL, secret: cfg.Secret, format: format, hc: hc, log: log, now: time.Now}, nil
}

// pathTail is the last two segments of a path.
func pathTail(p string) (dir, last string) {
	segs := strings.Split(strings.TrimRight(p, "/"), "/")
	if len(segs) < 2 {
		return "", ""
	}
	return segs[len(segs)-2], segs[len(segs)-1]
}

// Name is the configured name.
func (s *Sink) Name() string { return s.name }

// Limits are Feishu's rate limits per bot: 100 a minute and 5 a second
// (Feishu's custom bot documentation). Both are sliding windows.
func (s *Sink) Limits() []notify.Window {
	return []notify.Window{{N: 100, Per: time.Minute}, {N: 5, Per: time.Second}}
}

// Sign is Feishu's signature for a timestamp in seconds:
// base64(HMAC-SHA256(key=timestamp+"\n"+secret, msg="")). Note key and
// message are the other way round from DingTalk's.
func Sign(secret string, timestampSeconds int64) string {
	mac := hmac.New(sha256.New, []byte(strconv.FormatInt(timestampSeconds, 10)+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Send renders m and posts it once.
func (s *Sink) Send(ctx context.Context, m *notify.Message) error {
	var sig signature
	if s.secret != "" {
		ts := s.now().Unix()
		sig = signature{Timestamp: strconv.FormatInt(ts, 10), Sign: Sign(s.secret, ts)}
	}
	body, err := encode(m, s.format, sig)
	if err != nil {
		return notify.Permanent(fmt.Errorf("feishu sink %q: %w", s.name, err))
	}
	resp, err := notify.PostJSON(ctx, s.hc, s.url, nil, body)
	if err != nil {
		return fmt.Errorf("feishu sink %q: %w", s.name, err)
	}
	if err := check(resp, s.now()); err != nil {
		return fmt.Errorf("feishu sink %q: %w", s.name, err)
	}
	return nil
}
