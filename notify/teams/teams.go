// Package teams sends messages to a Microsoft Teams channel or chat through
// a Workflows (Power Automate) webhook: the URL of a flow that starts with
// "When a Teams webhook request is received" and posts each Adaptive Card
// it is sent.
//
// The trigger answers 202 as soon as it has accepted the request; the flow
// posts the card afterwards, so a card Teams cannot show fails there,
// unseen. The sink therefore keeps to what Teams shows: Adaptive Card 1.4
// elements only, within the message size limit, log lines as plain runs.
package teams

import (
	"context"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// Platform limits.
const (
	// MaxBodyBytes is the size we keep a request to: a card the flow posts
	// may be about 28 KB (the Teams connector's message limit).
	MaxBodyBytes = 28000
	// Teams allows an app about 4 posts a second into one channel
	// (Microsoft Graph's Teams service limits).
	RateLimit  = 4
	RateWindow = time.Second
)

// Config is one Teams sink, a `type: teams` entry of bot.yaml. Its url is
// the workflow's HTTP POST URL, ending in
// /triggers/manual/paths/invoke?api-version=…&sp=…&sv=1.0&sig=SIG.
type Config = notify.HookConfig[signature]

// signature is where a workflow URL carries its secret.
type signature struct{}

func (signature) Token() notify.HookToken { return notify.HookToken{Query: "sig"} }

// Sink is one Teams workflow.
type Sink struct {
	notify.Hook
}

var _ notify.Sink = (*Sink)(nil)

// New checks cfg and returns the sink.
func New(cfg Config, env notify.Env) (*Sink, error) {
	hook, err := cfg.Hook("teams", env)
	if err != nil {
		return nil, err
	}
	return &Sink{Hook: hook}, nil
}

// Limits is the channel's posting rate.
func (s *Sink) Limits() []notify.Window { return []notify.Window{{N: RateLimit, Per: RateWindow}} }

// Send renders m as an Adaptive Card and posts it once. The trigger's
// answer is an HTTP status: 202 accepted, 429 and 5xx worth retrying,
// other 4xx a wrong URL, signature or payload.
func (s *Sink) Send(ctx context.Context, m *notify.Message) error {
	body, err := encode(m)
	if err != nil {
		return notify.Permanent(s.Hook.Err(err))
	}
	return s.Hook.Deliver(ctx, nil, body, notify.CheckResponse)
}
