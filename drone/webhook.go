package drone

import (
	"encoding/json"
	"fmt"
)

// WebhookEvent is one delivery of a Drone 1.x/2.x global webhook
// (DRONE_WEBHOOK_ENDPOINT), decoded into the dialect-neutral model.
type WebhookEvent struct {
	Event  string // "build", "repo", "user"
	Action string // "created", "updated", "enabled", ...
	Repo   string // owner/name; "" when the delivery has no repository
	Build  *Build // nil when the delivery has no build
}

// webhookBody is the part of a delivery dronebot reads.
type webhookBody struct {
	Event  string   `json:"event"`
	Action string   `json:"action"`
	Repo   *v1Repo  `json:"repo"`
	Build  *v1Build `json:"build"`
}

// ParseWebhook decodes a delivery's body. Verify it first (VerifyWebhook):
// the body is outside input.
func ParseWebhook(body []byte) (*WebhookEvent, error) {
	var w webhookBody
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, fmt.Errorf("decode webhook: %w", err)
	}
	ev := &WebhookEvent{Event: w.Event, Action: w.Action}
	if w.Repo != nil {
		ev.Repo = w.Repo.model().Slug
	}
	if w.Build != nil {
		ev.Build = w.Build.model()
	}
	return ev, nil
}

// Finished reports whether the delivery announces a finished build. Drone
// has no "completed" action: it is an update (or, for a build that errored
// at once, the creation) with a final status and a finish time.
func (e *WebhookEvent) Finished() bool {
	if e.Event != "build" || e.Build == nil || e.Repo == "" {
		return false
	}
	if e.Action != "updated" && e.Action != "created" {
		return false
	}
	return e.Build.Status.Done() && !e.Build.Finished.IsZero()
}

// Complete reports whether the delivery's build holds all an alert needs:
// its steps, or the error of a build that never ran a step.
func (e *WebhookEvent) Complete() bool {
	return e.Build != nil && (len(e.Build.Stages) > 0 || e.Build.Error != "")
}
