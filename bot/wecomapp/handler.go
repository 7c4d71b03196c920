// Package wecomapp is dronebot's WeCom intake: a self-built app's encrypted
// callback at /wecom/callback. The console's URL check is answered at once;
// a text message is verified, decrypted, acknowledged with an empty 200 and
// run in the background through commands.Registry; its reply is rendered
// as WeCom app markdown and sent to the asker through the app's message API.
package wecomapp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/dronebot/dronebot/bot/intake"
	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/notify/wecom"
)

// Config is chat.wecom plus what following a build needs.
type Config struct {
	Token          string // callback token
	EncodingAESKey string // 43 characters
	CorpID         string // also the callback's receive id
	AgentID        int
	Secret         string // app secret, for message/send
	APIURL         string // default https://qyapi.weixin.qq.com

	Drone       drone.Client  // polled for followed builds (/build)
	DroneURL    string        // Drone's UI, for links
	Lang        string        // en | zh: a followed build's outcome
	FollowEvery time.Duration // default 10s
	// FollowLimit bounds how long a followed build is watched. Default 2h.
	FollowLimit time.Duration
	// ReplyTimeout bounds one command run in the background. Default 2m.
	ReplyTimeout time.Duration
	// MaxSkew refuses callbacks whose signed timestamp is further off, so
	// a captured request cannot be replayed later. Default 5m.
	MaxSkew time.Duration
}

const (
	ackTimeout  = 4 * time.Second // WeCom waits 5 s
	sendTimeout = 15 * time.Second
	maxRunning  = 16
	// tailLines is how much log fits a 2048-byte WeCom message.
	tailLines = 15
	// WeCom retries a callback 3 times within seconds; remembering MsgIds
	// for 10 minutes (and at most 10,000 of them) covers that and the
	// replay window.
	dedupTTL  = 10 * time.Minute
	dedupSize = 10000
)

// Option changes a Handler's defaults, mostly for tests.
type Option func(*Handler)

// WithObserver is told each request's route ("verify", "callback") and
// result ("ok", "bad_signature", "stale", "malformed", "bad_receive_id",
// "too_large", "duplicate", "ignored", "panic"), and each reply's
// ("reply": "delivered", "delivery_failed"; "follow": the same), for metrics.
func WithObserver(fn func(route, result string)) Option {
	return func(h *Handler) { h.observe = fn }
}

// WithKeys keeps the MsgIds already run in k as well as in memory, so a
// retry arriving after a restart does not run again.
func WithKeys(k intake.Keys) Option { return func(h *Handler) { h.keys = k } }

// WithNow sets the clock used for the replay window and the MsgId memory.
func WithNow(now func() time.Time) Option { return func(h *Handler) { h.now = now } }

// WithAppClient shares an existing app client (and its token cache), e.g.
// with a wecom_app sink of the same app.
func WithAppClient(c *wecom.AppClient) Option { return func(h *Handler) { h.app = c } }

// Handler serves WeCom's callbacks.
type Handler struct {
	cfg     Config
	crypto  *wecom.Crypto
	app     *wecom.AppClient
	reg     *commands.Registry
	log     *slog.Logger
	now     func() time.Time
	observe func(route, result string)
	seen    *intake.Seen
	keys    intake.Keys
	jobs    *intake.Runner // commands and followed builds in the background
}

// New checks cfg and returns a Handler. hc is used for the app API (nil: a
// client with a 15s timeout).
func New(cfg Config, reg *commands.Registry, hc *http.Client, log *slog.Logger, opts ...Option) (*Handler, error) {
	if reg == nil {
		return nil, errors.New("wecom: a command registry is required")
	}
	crypto, err := wecom.NewCrypto(cfg.Token, cfg.EncodingAESKey, cfg.CorpID)
	if err != nil {
		return nil, err
	}
	cfg.FollowEvery = intake.OrDefault(cfg.FollowEvery, 10*time.Second)
	cfg.FollowLimit = intake.OrDefault(cfg.FollowLimit, 2*time.Hour)
	cfg.ReplyTimeout = intake.OrDefault(cfg.ReplyTimeout, 2*time.Minute)
	cfg.MaxSkew = intake.OrDefault(cfg.MaxSkew, 5*time.Minute)
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{cfg: cfg, crypto: crypto, reg: reg, log: log.With("component", "wecom"), now: time.Now,
		observe: func(string, string) {}}
	for _, o := range opts {
		o(h)
	}
	if h.app == nil {
		// Off: two equal commands deserve two answers, and replies are
		// never resent, so WeCom's duplicate check would only hide answers.
		h.app, err = wecom.NewAppClient(wecom.AppConfig{APIURL: cfg.APIURL, CorpID: cfg.CorpID, AgentID: cfg.AgentID,
			Secret: cfg.Secret, DuplicateCheck: -1}, hc, h.log)
		if err != nil {
			return nil, err
		}
	}
	h.seen = intake.NewSeen(dedupSize, dedupTTL)
	if h.keys != nil {
		h.seen.Persist(h.keys, "wecom:", func(err error) {
			h.log.Error("cannot remember a message in the store; a retry of it may run again", "err", err)
		})
	}
	h.jobs = intake.NewRunner(intake.Config{Name: "wecom", MaxRunning: maxRunning, ReplyTimeout: cfg.ReplyTimeout, Log: h.log,
		Observe: h.observe, FollowEvery: cfg.FollowEvery, DroneURL: cfg.DroneURL, Lang: cfg.Lang})
	return h, nil
}

// Routes registers GET and POST /wecom/callback.
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.Handle("GET /wecom/callback", h.guard("verify", h.handleVerify))
	mux.Handle("POST /wecom/callback", h.guard("callback", h.handleCallback))
}

// Wait stops following builds and waits until every background reply has
// been sent, or ctx ends.
func (h *Handler) Wait(ctx context.Context) error { return h.jobs.Wait(ctx) }

// guard bounds reading and answering a request to WeCom's window and
// observes the result.
func (h *Handler) guard(route string, fn func(w http.ResponseWriter, r *http.Request) string) http.Handler {
	return intake.Route(route, ackTimeout, h.observe, fn)
}
