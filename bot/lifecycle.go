package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/notify"
)

// Serve runs the bot on cfg until ctx is done, then drains within
// server.shutdown_timeout. `stdout` sinks write to out.
func Serve(ctx context.Context, cfg *config.Config, logger *slog.Logger, out io.Writer) error {
	svc, err := New(ctx, cfg, logger, Deps{Out: out})
	if err != nil {
		return fmt.Errorf("not starting: %w", err)
	}
	return svc.Run(ctx)
}

// Run serves until ctx ends, then stops within server.shutdown_timeout:
// no new requests, in-flight commands and sends finished (or cancelled and
// left queued), the store closed. The outbox is consistent at every step.
func (s *Service) Run(ctx context.Context) error {
	defer s.store.Close()
	ls, err := s.listen()
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	errs := s.serve(&wg, ls)
	work, stopWork := context.WithCancel(ctx)
	defer stopWork()
	s.startWorkers(work, &wg)
	s.ready.Store(true)
	s.logCallbackURLs()
	s.log.Info("dronebot is running", "listen", ls.public.Addr().String(), "mode", s.cfg.Watch.Mode,
		"sinks", len(s.sinks.sinks))

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errs:
	}
	s.drain(ls.servers, stopWork)
	wg.Wait()
	s.log.Info("dronebot stopped")
	return runErr
}

// listeners are the open sockets and the servers that will serve them.
type listeners struct {
	public  net.Listener
	all     []net.Listener
	servers []*http.Server
}

// listen opens server.listen and, when set, server.admin_listen.
func (s *Service) listen() (*listeners, error) {
	public, admin := s.handlers()
	pubLn, err := net.Listen("tcp", s.cfg.Server.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", s.cfg.Server.Listen, err)
	}
	ls := &listeners{public: pubLn, all: []net.Listener{pubLn}, servers: []*http.Server{newHTTPServer(public)}}
	var adminAddr net.Addr
	if admin != nil {
		admLn, err := net.Listen("tcp", s.cfg.Server.AdminListen)
		if err != nil {
			pubLn.Close()
			return nil, fmt.Errorf("listen on %s: %w", s.cfg.Server.AdminListen, err)
		}
		ls.all = append(ls.all, admLn)
		ls.servers = append(ls.servers, newHTTPServer(admin))
		adminAddr = admLn.Addr()
	}
	if s.deps.OnListen != nil {
		s.deps.OnListen(pubLn.Addr(), adminAddr)
	}
	return ls, nil
}

// serve starts the HTTP servers; a server that fails reports on the
// returned channel.
func (s *Service) serve(wg *sync.WaitGroup, ls *listeners) <-chan error {
	errs := make(chan error, len(ls.servers))
	for i, srv := range ls.servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.Serve(ls.all[i]); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs <- fmt.Errorf("http server: %w", err)
			}
		}()
	}
	return errs
}

// startWorkers runs the watcher, the store's health check, the delivery
// worker, the digests, the history pruning and Slack's Socket Mode until
// work ends.
func (s *Service) startWorkers(work context.Context, wg *sync.WaitGroup) {
	wg.Add(5)
	go func() { defer wg.Done(); s.watcher.Run(work) }()
	go func() { defer wg.Done(); s.watchStore(work) }()
	go func() { defer wg.Done(); s.worker.Run(work) }()
	go func() {
		defer wg.Done()
		if err := s.digests.Run(work); err != nil && work.Err() == nil {
			s.log.Error("digest scheduler stopped", "err", err)
		}
	}()
	go func() { defer wg.Done(); s.pruneHistory(work) }()
	if s.slack != nil && s.cfg.Chat.Slack.SocketMode() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.slack.RunSocketMode(work); err != nil {
				s.log.Error("slack socket mode stopped", "err", err)
			}
		}()
	}
}

// drain stops taking requests, then stops the workers and waits, within
// server.shutdown_timeout, for replies and sends already running.
func (s *Service) drain(servers []*http.Server, stopWork context.CancelFunc) {
	s.ready.Store(false)
	s.log.Info("dronebot stopping")
	grace := s.cfg.Server.ShutdownTimeout.Std()
	if grace <= 0 {
		grace = 20 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	for _, srv := range servers {
		if err := srv.Shutdown(sctx); err != nil {
			s.log.Warn("http server did not stop in time", "err", err)
		}
	}
	stopWork()
	if s.slack != nil {
		if err := s.slack.Wait(sctx); err != nil {
			s.log.Warn("slack replies still running at shutdown", "err", err)
		}
	}
	if s.wecom != nil {
		if err := s.wecom.Wait(sctx); err != nil {
			s.log.Warn("wecom replies still running at shutdown", "err", err)
		}
	}
	if err := s.worker.Wait(sctx); err != nil {
		s.log.Warn("delivery", "err", err)
	}
}

// logCallbackURLs tells the operator, once, which URLs to register with
// Slack, WeCom and Drone, from server.public_url.
func (s *Service) logCallbackURLs() {
	base := strings.TrimRight(s.cfg.Server.PublicURL, "/")
	if base == "" {
		return
	}
	if s.slack != nil && !s.cfg.Chat.Slack.SocketMode() {
		s.log.Info("Slack app: slash command and interactivity URLs",
			"commands", base+"/slack/commands", "interactions", base+"/slack/interactions")
	}
	if s.wecom != nil {
		s.log.Info("WeCom app: receive-message URL", "url", base+"/wecom/callback")
	}
	if s.cfg.Watch.Mode == config.ModeWebhook {
		s.log.Info("Drone: DRONE_WEBHOOK_ENDPOINT", "url", base+"/hooks/drone")
	}
}

// pruneHistory keeps the build history to store.retention, checking daily.
func (s *Service) pruneHistory(ctx context.Context) {
	keep := s.cfg.Store.Retention.Std()
	if keep <= 0 {
		return
	}
	for {
		n, err := s.store.Prune(ctx, s.deps.Now().Add(-keep))
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Warn("pruning the build history failed", "err", err)
		case n > 0:
			s.log.Info("pruned the build history", "builds", n, "older than", keep)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(24 * time.Hour):
		}
	}
}

func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute}
}

func (s *Service) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
}

func jsonMessage(m *notify.Message) ([]byte, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode message %s: %w", m.ID, err)
	}
	return b, nil
}
