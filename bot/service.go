// Package bot is the dronebot service: it builds every part from the
// configuration (store, Drone client, sinks, outbox worker, watcher, chat
// intakes, digests), serves the HTTP routes and drains on shutdown. The
// command line (bot/cli) and the demo (bot/demo) drive it.
package bot

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/bot/digest"
	"github.com/dronebot/dronebot/bot/intake"
	"github.com/dronebot/dronebot/bot/route"
	"github.com/dronebot/dronebot/bot/slackapp"
	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/bot/watch"
	"github.com/dronebot/dronebot/bot/wecomapp"
	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/logtext"
	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/delivery"
)

// Deps are what the service takes from its surroundings; tests and
// `dronebot demo` replace them.
type Deps struct {
	HTTPClient *http.Client // for sinks and chat APIs; default: 30 s timeout
	Out        io.Writer    // where `stdout` sinks write
	Now        func() time.Time
	// OnListen is told the addresses the servers listen on (":0" picks a
	// free port).
	OnListen func(public, admin net.Addr)
	// StorePing and StoreCheck are how often the store is pinged and
	// checked whole while the bot runs (defaultStorePing, defaultStoreCheck).
	StorePing, StoreCheck time.Duration
}

// Service is the running bot: the HTTP routes, the watcher, the outbox
// worker and the chat intakes around one store and one Drone client.
type Service struct {
	cfg      *config.Config
	deps     Deps
	log      *slog.Logger
	store    *store.Store
	drone    drone.Client
	metrics  *metrics
	sinks    *sinkSet
	worker   *delivery.Worker
	watcher  *watch.Watcher
	registry *commands.Registry
	slack    *slackapp.App
	wecom    *wecomapp.Handler
	ops      *opsReporter
	// watching is closed after the watcher's first cycle, when every
	// repository has been sighted.
	watching     chan struct{}
	watchingOnce sync.Once
	digests      *digest.Scheduler
	// conversations are the sinks of chats that subscribed to alerts.
	conversations *conversationSinks
	ready         atomic.Bool
	storeHealth   storeHealth
}

// New opens the store and builds every part; nothing runs yet.
func New(ctx context.Context, cfg *config.Config, log *slog.Logger, deps Deps) (*Service, error) {
	if deps.HTTPClient == nil {
		deps.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Out == nil {
		deps.Out = io.Discard
	}
	if deps.StorePing <= 0 {
		deps.StorePing = defaultStorePing
	}
	if deps.StoreCheck <= 0 {
		deps.StoreCheck = defaultStoreCheck
	}
	s := &Service{cfg: cfg, deps: deps, log: log, metrics: newMetrics(), watching: make(chan struct{})}

	st, err := store.Open(ctx, cfg.Store.Path, store.Options{Now: deps.Now, Logger: log})
	if err != nil {
		return nil, err
	}
	s.store = st
	s.storeHealth.checked = time.Now() // Open checked its integrity
	s.metrics.outboxGauges(st.OutboxStats, deps.Now)
	s.drone, err = drone.New(drone.Config{Server: cfg.Drone.Server, Token: cfg.Drone.Token, Dialect: cfg.Drone.API,
		Timeout: cfg.Drone.Timeout.Std(), LogTimeout: cfg.Drone.LogTimeout.Std(), CAFile: cfg.Drone.CAFile,
		Logger: log, Observe: s.metrics.observeDrone})
	if err == nil {
		err = s.buildDelivery()
	}
	acl := aclFromConfig(cfg.ACL)
	if err == nil {
		s.registry = commands.NewRegistry(commands.Deps{
			Drone: s.drone, ACL: acl, Subs: subscriptionsAdapter{st}, Logger: log.With("part", "commands"),
			Now: deps.Now, Lang: cfg.Lang, Observe: s.metrics.observeCommand, DroneURL: droneUIURL(cfg),
			Masker: logtext.NewMasker(cfg.Secrets()...),
		})
		err = s.buildWatcher(acl)
	}
	if err == nil {
		s.digests = newScheduler(cfg, st, s.drone, s.sinks, s.digestChat, deps.Now, log)
		err = s.buildIntakes()
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	return s, nil
}

// buildDelivery makes the sinks and the outbox worker that drives them.
func (s *Service) buildDelivery() error {
	var err error
	if s.sinks, err = buildSinks(s.cfg, s.deps.HTTPClient, s.deps.Out, s.log); err != nil {
		return err
	}
	s.conversations = &conversationSinks{cfg: s.cfg, hc: s.deps.HTTPClient, log: s.log, made: map[string]notify.Sink{}}
	s.worker = &delivery.Worker{
		Outbox:   outboxAdapter{s.store},
		Sink:     s.sinkFor,
		Limit:    s.limitsFor,
		MaxAge:   s.cfg.Delivery.MaxAge.Std(),
		Now:      s.deps.Now,
		Logger:   s.log.With("part", "delivery"),
		OnResult: s.sinkResult,
		OnFailed: s.sinkFailed,
	}
	s.ops = newOpsReporter(s.deps.Now, s.log.With("part", "ops"), s.opsNotifier(s.cfg.Delivery.Ops))
	return nil
}

// buildWatcher makes the watcher, whose alerts the alerter routes into the
// outbox.
func (s *Service) buildWatcher(acl *commands.ACL) error {
	cfg := s.cfg
	router := &route.Router{Routes: route.FromConfig(cfg.Routes), Subs: s.store, ACL: acl, Users: cfg.Users,
		Lang: cfg.Lang, SinkLang: s.sinks.langs}
	al := &alerter{store: s.store, router: router, maxAge: cfg.Delivery.MaxAge.Std(), now: s.deps.Now, wake: s.worker.Wake,
		counted:  func(o string) { s.metrics.alerts.WithLabelValues(o).Inc() },
		unrouted: func(o string) { s.metrics.alertsUnrouted.WithLabelValues(o).Inc() }, log: s.log.With("part", "alerts")}
	var err error
	s.watcher, err = watch.New(watch.Options{
		Client: s.drone, State: s.store, Emit: al.Emit, Mode: cfg.Watch.Mode,
		Interval: cfg.Watch.Interval.Std(), SafetyPoll: cfg.Watch.SafetyPoll.Std(),
		WebhookSecret: cfg.Watch.WebhookSecret, WebhookMaxSkew: cfg.Watch.WebhookMaxSkew.Std(),
		LogTail: cfg.Watch.LogTail, Repos: cfg.Watch.Repos, DroneURL: droneUIURL(cfg), Secrets: cfg.Secrets(),
		Now: s.deps.Now, Logger: s.log.With("part", "watch"),
		OnDroneUp: s.metrics.setDroneUp, OnCycle: s.watchCycle,
		OnReject:   func(string) { s.metrics.signatureFailed.WithLabelValues("/hooks/drone").Inc() },
		OnFound:    s.buildFound,
		OnOverflow: s.metrics.webhookOverflow.Inc,
	})
	return err
}

// buildIntakes makes the chat platforms' intakes that are enabled.
func (s *Service) buildIntakes() error {
	var err error
	if sc := s.cfg.Chat.Slack; sc.Enabled() {
		s.slack, err = slackapp.New(slackapp.Config{SigningSecret: sc.SigningSecret, BotToken: sc.BotToken,
			AppToken: sc.AppToken, AllowedTeams: sc.AllowedTeams, APIURL: sc.APIURL, DroneURL: droneUIURL(s.cfg), Lang: s.cfg.Lang},
			s.registry, s.drone, s.deps.HTTPClient, s.log.With("part", "slack"),
			slackapp.WithNow(s.deps.Now), slackapp.WithObserver(s.observeIntake), slackapp.WithKeys(s.store))
		if err != nil {
			return err
		}
	}
	if wc := s.cfg.Chat.WeCom; wc.Enabled() {
		s.wecom, err = wecomapp.New(wecomapp.Config{Token: wc.Token, EncodingAESKey: wc.EncodingAESKey, CorpID: wc.CorpID,
			AgentID: wc.AgentID, Secret: wc.Secret, APIURL: wc.APIURL, Drone: s.drone, DroneURL: droneUIURL(s.cfg), Lang: s.cfg.Lang},
			s.registry, s.deps.HTTPClient, s.log.With("part", "wecom"),
			wecomapp.WithNow(s.deps.Now), wecomapp.WithObserver(s.observeIntake), wecomapp.WithKeys(s.store))
	}
	return err
}

// sinkFor resolves a destination: a configured sink by name, or a chat
// conversation that subscribed with /subscribe ("slack:C123").
func (s *Service) sinkFor(dest string) (notify.Sink, bool) {
	if sk, ok := s.sinks.sinks[dest]; ok {
		return sk, true
	}
	return s.conversations.sink(dest)
}

func (s *Service) limitsFor(dest string) []delivery.Window {
	if ws, ok := s.sinks.limits[dest]; ok {
		return ws
	}
	if sk, ok := s.conversations.sink(dest); ok {
		return notify.LimitsOf(sk)
	}
	return nil
}

// observeIntake counts what a chat intake refused, by route.
func (s *Service) observeIntake(route, result string) {
	if strings.Contains(result, "signature") || result == "stale" || result == "forged" {
		s.metrics.signatureFailed.WithLabelValues(route).Inc()
	}
}

// sinkResult feeds the delivery metrics and the ops report of a sink that
// refuses messages for good (never about the ops sink itself).
func (s *Service) sinkResult(dest string, r delivery.Result) {
	if r == delivery.ResultAmbiguous {
		s.metrics.ambiguous.WithLabelValues(dest).Inc()
		return
	}
	s.metrics.deliveries.WithLabelValues(dest, string(r)).Inc()
	if r == delivery.ResultSent && dest != s.cfg.Delivery.Ops {
		s.ops.good("sink " + dest)
	}
}

func (s *Service) sinkFailed(dest string, err error) {
	if dest != s.cfg.Delivery.Ops {
		s.ops.bad("sink "+dest, "a message was refused for good and dropped: "+err.Error(), 0)
	}
}

// buildFound watches for missing webhooks: in webhook mode every finished
// build should come by webhook; one that only the safety poll found means
// Drone's webhooks are not arriving.
func (s *Service) buildFound(source string) {
	if s.cfg.Watch.Mode != config.ModeWebhook {
		return
	}
	if source == "webhook" {
		s.ops.good("Drone webhooks")
		return
	}
	// A webhook may trail the poll by a moment: only builds that keep
	// coming by poll alone for two safety periods are trouble.
	s.ops.bad("Drone webhooks", "the safety poll keeps finding finished builds that no webhook announced; "+
		"check DRONE_WEBHOOK_ENDPOINT, DRONE_WEBHOOK_SECRET and DRONE_WEBHOOK_EVENTS on the Drone server",
		2*s.cfg.Watch.SafetyPoll.Std())
}

// droneDownGrace is how long Drone may be unreachable before the
// operators are told.
const droneDownGrace = 3 * time.Minute

func (s *Service) watchCycle(d time.Duration, err error) {
	s.metrics.observeCycle(d, err)
	if err == nil {
		s.watchingOnce.Do(func() { close(s.watching) })
		s.markWatched(d)
	}
	if err != nil {
		s.ops.bad("Drone", err.Error(), droneDownGrace)
	} else {
		s.ops.good("Drone")
	}
}

func (s *Service) enqueueNotice(ctx context.Context, key, dest string, n notify.Notice) error {
	payload, err := jsonMessage(&notify.Message{ID: deliveryID(key, dest), Notice: &n, Lang: s.cfg.Lang})
	if err != nil {
		return err
	}
	_, _, err = s.store.Enqueue(ctx, store.Delivery{Key: key, Destination: dest, Payload: payload, Created: s.deps.Now()})
	if err == nil {
		s.worker.Wake()
	}
	return err
}

// handler is every route of one listener, with the limits all routes share.
func (s *Service) handlers() (public, admin http.Handler) {
	pub := http.NewServeMux()
	if s.slack != nil {
		s.slack.Routes(pub)
	}
	if s.wecom != nil {
		s.wecom.Routes(pub)
	}
	pub.Handle("POST /hooks/drone", s.watcher.Webhook())

	adm := pub
	if s.cfg.Server.AdminListen != "" {
		adm = http.NewServeMux()
	}
	adm.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	adm.HandleFunc("GET /readyz", s.readyz)
	adm.Handle("GET /metrics", s.metricsHandler())

	public = intake.Guard(pub, s.log, s.metrics.observeHTTP)
	if adm != pub {
		admin = intake.Guard(adm, s.log, s.metrics.observeHTTP)
	}
	return public, admin
}

// readyz: configuration loaded and store open. Drone being down is the
// metric dronebot_drone_up, not unreadiness, so commands still answer.
func (s *Service) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if !s.ready.Load() {
		http.Error(w, "not ready: starting or stopping", http.StatusServiceUnavailable)
		return
	}
	if err := s.checkStore(ctx, false); err != nil {
		http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	io.WriteString(w, "ready\n")
}

// droneUIURL is Drone's base URL for links, without a trailing slash.
func droneUIURL(cfg *config.Config) string { return strings.TrimRight(cfg.Drone.Server, "/") }

func aclFromConfig(a config.ACL) *commands.ACL {
	acl := &commands.ACL{Read: a.Read, Write: a.Write, Deploy: a.Deploy, Contact: a.Contact}
	for _, r := range a.Rules {
		acl.Rules = append(acl.Rules, commands.Rule{Repos: r.Repos, Read: r.Read, Write: r.Write, Deploy: r.Deploy})
	}
	return acl
}

// Watching is closed after the watcher's first cycle, once every
// repository has been sighted.
func (s *Service) Watching() <-chan struct{} { return s.watching }

// Commands is the command registry the chat intakes use.
func (s *Service) Commands() *commands.Registry { return s.registry }
