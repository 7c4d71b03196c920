// Package slackapp is dronebot's Slack intake: slash commands and button
// clicks over HTTP (signed with the app's signing secret) or over Socket
// Mode. Every request is acknowledged at once; the command runs in the
// background through commands.Registry and its reply is rendered as Block
// Kit and delivered through the request's response_url, or with the bot
// token through chat.postMessage.
package slackapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/dronebot/dronebot/bot/intake"
	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/drone"
)

// Config is the Slack part of the bot's configuration.
type Config struct {
	SigningSecret string
	BotToken      string // xoxb-…: chat.postMessage (build outcomes after 30 min)
	AppToken      string // xapp-…: Socket Mode
	// AllowedTeams are the Slack team ids allowed to send commands; empty
	// allows any team that can sign with the app's secret (the app's own).
	AllowedTeams []string
	APIURL       string // Slack Web API base; default https://slack.com/api/
	// AckTimeout bounds reading a request and writing its acknowledgement,
	// so Slack always has its answer within 3 s. Default 2.5s.
	AckTimeout time.Duration
	// ReplyTimeout bounds one command run in the background. Default 2m.
	ReplyTimeout time.Duration
	// FollowEvery is how often a followed build (/build) is polled. Default 10s.
	FollowEvery time.Duration
	// FollowLimit is how long a followed build is watched with the bot
	// token before giving up. Default 2h.
	FollowLimit time.Duration
	DroneURL    string // Drone's UI, for links in outcomes
	Lang        string // en | zh: a followed build's outcome
}

const (
	defaultAPIURL = "https://slack.com/api/"
	// postTimeout bounds one delivery to response_url or chat.postMessage.
	postTimeout = 15 * time.Second
	// maxRunning is how many commands run in the background at once.
	maxRunning = 16
)

// Option changes an App's defaults, mostly for tests.
type Option func(*App)

// WithNow sets the clock used for the signature window and response_url
// validity.
func WithNow(now func() time.Time) Option { return func(a *App) { a.now = now } }

// WithObserver is told each request's route and result ("ok",
// "bad_signature", "stale", "too_large", "malformed", "team_refused",
// "panic") and each delivery's ("delivered", "delivery_failed"), for metrics.
func WithObserver(fn func(route, result string)) Option {
	return func(a *App) { a.observe = fn }
}

// WithKeys keeps the requests already run (signed requests, Socket Mode
// envelope ids) in k as well as in memory, so a replay or redelivery
// arriving after a restart does not run again.
func WithKeys(k intake.Keys) Option { return func(a *App) { a.keys = k } }

// App serves Slack's requests.
type App struct {
	cfg     Config
	reg     *commands.Registry
	drone   drone.Client
	hc      *http.Client // response_url posts; redirects only to http(s)
	api     *slackapi.Client
	log     *slog.Logger
	now     func() time.Time
	observe func(route, result string)
	jobs    *intake.Runner // commands and followed builds in the background
	// envelopes are the Socket Mode envelope ids already handled: Slack
	// redelivers an envelope it thinks was not acknowledged.
	envelopes *intake.Seen
	// requests are the signed HTTP requests already run, by the hash of
	// their body: Slack signs a body with its timestamp, so a replay within
	// the signature window, or Slack's own retry (X-Slack-Retry-Num), is
	// the same bytes. Two real requests never are: each has its own
	// trigger_id and response_url.
	requests *intake.Seen
	keys     intake.Keys
}

// New checks cfg and returns an App. hc is used for every outgoing request
// (nil means a client with a 30s timeout); reg answers the commands and dc
// is polled for followed builds.
func New(cfg Config, reg *commands.Registry, dc drone.Client, hc *http.Client, logger *slog.Logger, opts ...Option) (*App, error) {
	if reg == nil || dc == nil {
		return nil, errors.New("slack: a command registry and a Drone client are required")
	}
	if cfg.SigningSecret == "" && cfg.AppToken == "" {
		return nil, errors.New("slack: signing_secret (HTTP) or app_token (Socket Mode) is required")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = defaultAPIURL
	}
	if !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/"
	}
	if !strings.HasPrefix(cfg.APIURL, "https://") && !strings.HasPrefix(cfg.APIURL, "http://") {
		return nil, fmt.Errorf("slack: api_url must be an http(s) URL")
	}
	cfg.AckTimeout = intake.OrDefault(cfg.AckTimeout, 2500*time.Millisecond)
	cfg.ReplyTimeout = intake.OrDefault(cfg.ReplyTimeout, 2*time.Minute)
	cfg.FollowEvery = intake.OrDefault(cfg.FollowEvery, 10*time.Second)
	cfg.FollowLimit = intake.OrDefault(cfg.FollowLimit, 2*time.Hour)
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	safe := *hc
	safe.CheckRedirect = httpOnlyRedirects
	a := &App{
		cfg: cfg, reg: reg, drone: dc, hc: &safe, log: logger.With("component", "slack"),
		now: time.Now, observe: func(string, string) {},
	}
	for _, o := range opts {
		o(a)
	}
	if cfg.BotToken != "" {
		a.api = a.webAPI(cfg.BotToken)
	}
	a.envelopes = intake.NewSeen(10000, 10*time.Minute)
	a.requests = intake.NewSeen(10000, 2*signatureWindow)
	if a.keys != nil {
		storeErr := func(err error) {
			a.log.Error("cannot remember a request in the store; a replay of it may run again", "err", err)
		}
		a.envelopes.Persist(a.keys, "slack:envelope:", storeErr)
		a.requests.Persist(a.keys, "slack:request:", storeErr)
	}
	a.jobs = intake.NewRunner(intake.Config{Name: "slack", MaxRunning: maxRunning, ReplyTimeout: cfg.ReplyTimeout, Log: a.log,
		Observe: a.observe, FollowEvery: cfg.FollowEvery, DroneURL: cfg.DroneURL, Lang: cfg.Lang})
	return a, nil
}

func (a *App) webAPI(token string, opts ...slackapi.Option) *slackapi.Client {
	opts = append([]slackapi.Option{slackapi.OptionAPIURL(a.cfg.APIURL), slackapi.OptionHTTPClient(a.hc)}, opts...)
	return slackapi.New(token, opts...)
}

// httpOnlyRedirects follows at most 3 redirects and never to a scheme other
// than http(s): a response_url is a bearer capability, not to be handed on.
func httpOnlyRedirects(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return errors.New("redirect to a non-HTTP scheme refused")
	}
	if len(via) >= 3 {
		return errors.New("too many redirects")
	}
	return nil
}

// Routes registers POST /slack/commands and POST /slack/interactions.
func (a *App) Routes(mux *http.ServeMux) {
	mux.Handle("POST /slack/commands", a.guard("commands", a.handleCommand))
	mux.Handle("POST /slack/interactions", a.guard("interactions", a.handleInteraction))
}

// Wait stops following builds and waits until every in-flight reply has
// been delivered, or ctx ends.
func (a *App) Wait(ctx context.Context) error { return a.jobs.Wait(ctx) }

// guard bounds the time to read the request and answer it to Slack's
// acknowledgement window and observes the result.
func (a *App) guard(route string, h func(w http.ResponseWriter, r *http.Request) string) http.Handler {
	return intake.Route(route, a.cfg.AckTimeout, a.observe, h)
}

// reject answers a refused request and logs one line without secrets.
func (a *App) reject(w http.ResponseWriter, route string, rej *rejection) string {
	a.log.Warn("slack request refused", "route", route, "status", rej.status, "reason", rej.err.Error())
	http.Error(w, http.StatusText(rej.status), rej.status)
	return rej.result
}

func (a *App) teamAllowed(team string) bool {
	return len(a.cfg.AllowedTeams) == 0 || slices.Contains(a.cfg.AllowedTeams, team)
}

const refusedTeam = "This Slack workspace is not allowed to use this bot."
