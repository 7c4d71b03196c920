package watch

import (
	"context"
	"errors"
	"github.com/dronebot/dronebot/bot/intake"
	"log/slog"
	"net/http"
	"time"

	"github.com/dronebot/dronebot/drone"
)

// DefaultMaxSkew is how far a webhook's Date may be from the clock.
const DefaultMaxSkew = 5 * time.Minute

// webhookQueue is how many finished builds may wait for the pipeline; a
// delivery beyond it is put on the durable pending list for the poller.
const webhookQueue = 256

// WebhookConfig configures the webhook handler.
type WebhookConfig struct {
	Secret  string
	MaxSkew time.Duration // default DefaultMaxSkew
	Globs   []string      // watched repositories; none: all
	Now     func() time.Time
	// OnReject is called once per refused delivery with one of the Reject
	// reasons (a metric hook).
	OnReject func(reason string)
	Logger   *slog.Logger
}

// Webhook is the http.Handler for POST /hooks/drone. It answers at once
// and leaves the work to Run, so Drone, which sends its webhooks from the
// code that updates builds, is never held up.
type Webhook struct {
	cfg      WebhookConfig
	client   drone.Client
	state    State
	pipeline *Pipeline
	log      *slog.Logger
	queue    chan hookJob
	// onOverflow is told each build put on the pending list for want of
	// room in the queue (the watcher wakes the poller).
	onOverflow func()
}

type hookJob struct {
	repo     string
	build    *drone.Build
	complete bool // the payload held the steps; no fetch needed
}

var _ http.Handler = (*Webhook)(nil)

// NewWebhook returns the handler; call Run to process what it accepts.
func NewWebhook(cfg WebhookConfig, client drone.Client, state State, pipeline *Pipeline) *Webhook {
	if cfg.MaxSkew <= 0 {
		cfg.MaxSkew = DefaultMaxSkew
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Webhook{cfg: cfg, client: client, state: state, pipeline: pipeline, log: log, queue: make(chan hookJob, webhookQueue)}
}

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := intake.ReadBody(w, r)
	if errors.Is(err, intake.ErrTooLarge) {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if err != nil {
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	if err := drone.VerifyWebhook(r.Header, body, h.cfg.Secret, h.cfg.Now(), h.cfg.MaxSkew); err != nil {
		reason := drone.RejectSignature
		var se *drone.SignatureError
		if errors.As(err, &se) {
			reason = se.Reason
		}
		h.log.Warn("webhook refused", "reason", reason, "err", err, "remote", r.RemoteAddr)
		if h.cfg.OnReject != nil {
			h.cfg.OnReject(reason)
		}
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	ev, err := drone.ParseWebhook(body)
	if err != nil {
		http.Error(w, "malformed JSON", http.StatusBadRequest)
		return
	}
	if !ev.Finished() || !drone.MatchAnyGlob(h.cfg.Globs, ev.Repo) {
		w.WriteHeader(http.StatusOK) // not a finished build we watch
		return
	}
	job := hookJob{repo: ev.Repo, build: ev.Build, complete: ev.Complete()}
	select {
	case h.queue <- job:
	default:
		// Busy: the pending list keeps it, and the poller, woken now,
		// picks it up in its next cycle.
		if err := h.state.AddPending(r.Context(), job.repo, job.build.Number); err != nil {
			h.log.Error("webhook: queue full and cannot remember build", "repo", job.repo, "build", job.build.Number, "err", err)
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		if h.onOverflow != nil {
			h.onOverflow()
		}
	}
	w.WriteHeader(http.StatusAccepted)
}

// Run processes accepted deliveries until ctx ends: different
// repositories concurrently (DefaultConcurrency at once), each
// repository's builds in the order they came. At most as many builds as
// the queue holds are taken from it at a time, so a burst backs up into the queue
// and from there onto the pending list. What is still queued when ctx ends
// is found again by the safety poll, since the webhook never moves the
// poller's cursors.
func (h *Webhook) Run(ctx context.Context) error {
	work := newLanes(DefaultConcurrency)
	defer work.Wait()
	taken := make(chan struct{}, cap(h.queue))
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case job := <-h.queue:
			select {
			case taken <- struct{}{}:
			case <-ctx.Done():
				h.retryLater(context.WithoutCancel(ctx), job, ctx.Err())
				return ctx.Err()
			}
			work.Go(job.repo, func() {
				defer func() { <-taken }()
				h.handle(ctx, job)
			})
		}
	}
}

// handle processes one finished build; on failure it goes on the pending
// list so the poller retries it.
func (h *Webhook) handle(ctx context.Context, job hookJob) {
	b := job.build
	if seen, err := h.pipeline.Seen(ctx, job.repo, b.Number); err == nil && seen {
		return
	}
	if !job.complete {
		full, err := h.client.Build(ctx, job.repo, b.Number)
		if err != nil {
			h.retryLater(ctx, job, err)
			return
		}
		b = full
	}
	if _, err := h.pipeline.Process(ctx, job.repo, b, false); err != nil {
		h.retryLater(ctx, job, err)
		return
	}
	h.pipeline.found("webhook")
}

func (h *Webhook) retryLater(ctx context.Context, job hookJob, cause error) {
	h.log.Warn("webhook: build not processed, the poller will retry", "repo", job.repo, "build", job.build.Number, "err", cause)
	if ctx.Err() != nil {
		return
	}
	if err := h.state.AddPending(ctx, job.repo, job.build.Number); err != nil {
		h.log.Error("webhook: cannot remember build", "repo", job.repo, "build", job.build.Number, "err", err)
	}
}
