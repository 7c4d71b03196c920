package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/logtext"
)

// Watch modes.
const (
	ModePoll    = "poll"
	ModeWebhook = "webhook"
	// ModeStream follows the server's event stream (Woodpecker) and polls
	// only slowly, and after every (re)connect, for what it missed.
	ModeStream = "stream"
)

// Defaults for the poll periods.
const (
	DefaultInterval   = 30 * time.Second
	DefaultSafetyPoll = 5 * time.Minute
)

// Options wire a Watcher. Client, State and Emit are required.
type Options struct {
	Client drone.Client
	State  State
	Emit   EmitFunc

	Mode           string        // ModePoll (default), ModeWebhook or ModeStream
	Interval       time.Duration // poll mode: time between cycles
	SafetyPoll     time.Duration // webhook and stream mode: time between safety cycles
	WebhookSecret  string
	WebhookMaxSkew time.Duration
	LogTail        int      // log lines per alert
	Repos          []string // globs of watched repositories; none: all
	DroneURL       string   // for build links
	Secrets        []string // the bot's own tokens, masked in log tails

	Now    func() time.Time
	Logger *slog.Logger

	// Metric hooks, each optional.
	OnDroneUp func(up bool)                    // on the first cycle and whenever reachability changes
	OnCycle   func(d time.Duration, err error) // after every poll cycle
	OnReject  func(reason string)              // a refused webhook
	OnFound   func(source string)              // a finished build found first by "poll", "webhook" or "stream"
	// OnOverflow is told each webhook delivery the queue had no room for:
	// it went on the pending list and the poller was woken.
	OnOverflow func()
}

// Watcher runs the poller on its schedule and owns the webhook handler.
type Watcher struct {
	opts     Options
	log      *slog.Logger
	pipeline *Pipeline
	poller   *Poller
	webhook  *Webhook

	// wake asks Run for a poll cycle now (a webhook burst overflowed).
	wake chan struct{}

	// Cycles run one at a time (Run's loop), so these need no lock.
	lastErr string
	up      *bool

	// noStream is set when the server turned out to have no event
	// stream: stream mode then polls at Interval.
	noStream atomic.Bool
}

// New checks opts and builds the watcher.
func New(opts Options) (*Watcher, error) {
	if opts.Client == nil || opts.State == nil || opts.Emit == nil {
		return nil, errors.New("watch: Client, State and Emit are required")
	}
	switch opts.Mode {
	case "":
		opts.Mode = ModePoll
	case ModePoll, ModeWebhook, ModeStream:
	default:
		return nil, fmt.Errorf("watch: unknown mode %q (want poll, webhook or stream)", opts.Mode)
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.SafetyPoll <= 0 {
		opts.SafetyPoll = DefaultSafetyPoll
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	log := opts.Logger.With("component", "watch")
	alerts := &AlertBuilder{
		Client: opts.Client, DroneURL: opts.DroneURL, LogTail: opts.LogTail,
		Masker: logtext.NewMasker(opts.Secrets...), Now: opts.Now, Logger: log,
	}
	pipeline := NewPipeline(opts.State, alerts, opts.Emit, log)
	pipeline.OnFound = opts.OnFound
	w := &Watcher{
		opts:     opts,
		log:      log,
		wake:     make(chan struct{}, 1),
		pipeline: pipeline,
		poller:   NewPoller(opts.Client, opts.State, pipeline, opts.Repos, log),
		webhook: NewWebhook(WebhookConfig{
			Secret: opts.WebhookSecret, MaxSkew: opts.WebhookMaxSkew, Globs: opts.Repos,
			Now: opts.Now, OnReject: opts.OnReject, Logger: log,
		}, opts.Client, opts.State, pipeline),
	}
	w.webhook.onOverflow = w.overflowed
	return w, nil
}

// overflowed wakes the poller for a webhook delivery the queue had no room
// for, so it waits at most one cycle rather than the safety poll.
func (w *Watcher) overflowed() {
	if w.opts.OnOverflow != nil {
		w.opts.OnOverflow()
	}
	select {
	case w.wake <- struct{}{}:
	default: // a cycle is asked for already
	}
}

// Webhook is the handler for POST /hooks/drone. Its deliveries are
// processed while Run runs in webhook mode.
func (w *Watcher) Webhook() http.Handler { return w.webhook }

// Pipeline is the pipeline both modes feed.
func (w *Watcher) Pipeline() *Pipeline { return w.pipeline }

// Period is the time between poll cycles in the configured mode.
func (w *Watcher) Period() time.Duration {
	switch {
	case w.opts.Mode == ModeWebhook, w.opts.Mode == ModeStream && !w.noStream.Load():
		return w.opts.SafetyPoll
	}
	return w.opts.Interval
}

// Run polls now and then every Period until ctx ends, and processes the
// webhook deliveries. It returns nil when ctx ends. RunOnce must not be
// called while Run runs.
func (w *Watcher) Run(ctx context.Context) error {
	// The worker runs in poll mode too, so a webhook route mounted anyway
	// is never left with a full queue.
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = w.webhook.Run(ctx) // ends with ctx
	}()
	defer func() { <-done }()

	// In stream mode a (re)connected stream asks for a cycle at once: the
	// stream cannot resume, so what it missed is found by a poll.
	if w.opts.Mode == ModeStream {
		streamDone := make(chan struct{})
		go func() {
			defer close(streamDone)
			w.follow(ctx, w.wake)
		}()
		defer func() { <-streamDone }()
	}

	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		case <-w.wake:
			timer.Stop()
		}
		_, _ = w.RunOnce(ctx) // errors are logged and reported there
		timer.Reset(w.Period())
	}
}

// RunOnce runs one poll cycle and reports it to the hooks.
func (w *Watcher) RunOnce(ctx context.Context) (CycleStats, error) {
	start := time.Now() // a duration, measured on the monotonic clock, not the injected one
	st, err := w.poller.Cycle(ctx)
	elapsed := time.Since(start)
	w.observe(err)
	if w.opts.OnCycle != nil {
		w.opts.OnCycle(elapsed, err)
	}
	if err == nil && (st.Processed > 0 || st.Alerts > 0) {
		w.log.Debug("poll cycle", "repos", st.Repos, "changed", st.Changed, "processed", st.Processed,
			"alerts", st.Alerts, "pending", st.Pending, "took", elapsed)
	}
	return st, err
}

// observe logs an error once per change of its text and tracks whether
// Drone answers.
func (w *Watcher) observe(err error) {
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if msg != w.lastErr {
		switch {
		case err != nil:
			w.log.Error("poll failed", "err", err)
		case w.lastErr != "":
			w.log.Info("poll works again")
		}
		w.lastErr = msg
	}
	up := err == nil || !droneDown(err)
	if w.up == nil || *w.up != up {
		w.up = &up
		if w.opts.OnDroneUp != nil {
			w.opts.OnDroneUp(up)
		}
	}
}

// droneDown reports whether err means Drone did not answer or failed.
func droneDown(err error) bool {
	var de *drone.Error
	if !errors.As(err, &de) {
		return false
	}
	return de.Kind == drone.KindUnreachable || de.Kind == drone.KindServer
}
