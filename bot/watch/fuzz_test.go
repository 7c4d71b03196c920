package watch

import (
	"net/http"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

// FuzzWebhookBody feeds arbitrary bodies, correctly signed, to the payload
// parser and the handler: no panic, and only the documented statuses.
func FuzzWebhookBody(f *testing.F) {
	for _, d := range loadDeliveries(f) {
		f.Add(d.Body)
	}
	f.Add([]byte(`{"event":"build","action":"updated","repo":{},"build":{"status":"failure","finished":1}}`))
	f.Add([]byte(`{"event":"build","action":"updated","repo":{"slug":"a/b"},"build":{"status":"success","finished":1,"stages":[null,{"steps":[null]}]}}`))
	now := time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC)
	wh := NewWebhook(WebhookConfig{Secret: "fuzz-secret", Now: func() time.Time { return now }}, nil, newState(f, now), nil)
	f.Fuzz(func(t *testing.T, body []byte) {
		if ev, err := drone.ParseWebhook(body); err == nil && ev.Finished() {
			b := ev.Build
			if !b.Status.Done() || b.Finished.IsZero() {
				t.Fatalf("finished payload gave build %+v", b)
			}
		}
		header := http.Header{}
		for k, v := range dronetest.SignWebhook("fuzz-secret", body, now) {
			header[k] = v
		}
		switch code := post(wh, header, body); code {
		case http.StatusOK, http.StatusAccepted, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d", code)
		}
		drainQueue(wh)
	})
}

// drainQueue empties the queue without processing (the fuzz has no Drone).
func drainQueue(wh *Webhook) {
	for {
		select {
		case <-wh.queue:
		default:
			return
		}
	}
}
