package feishu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// throttleBackoff is the wait after code 11232: the longer window is a minute.
const throttleBackoff = 60 * time.Second

type answer struct {
	Code       *int   `json:"code"`
	Msg        string `json:"msg"`
	StatusCode *int   `json:"StatusCode"` // legacy duplicate of code
}

// check classifies Feishu's answer. Its code decides whenever the body
// carries one (Feishu also puts one in some 4xx answers); otherwise the
// HTTP status does.
func check(resp *notify.Response, now time.Time) error {
	var a answer
	_ = json.Unmarshal(resp.Body, &a)
	code := a.Code
	if code == nil {
		code = a.StatusCode
	}
	if code != nil && resp.Status < http.StatusInternalServerError {
		return classify(*code, a.Msg)
	}
	if err := notify.CheckResponse(resp, now); err != nil {
		return err
	}
	// HTTP 2xx without Feishu's answer: a proxy or captive page; the
	// message may or may not have gone through.
	return notify.Ambiguous(fmt.Errorf("unexpected answer: %s", notify.Snippet(resp.Body, 120)))
}

// classify maps a bot code to a delivery class (Feishu's custom bot documentation).
func classify(code int, msg string) error {
	msg = notify.Snippet([]byte(msg), 120)
	switch code {
	case 0:
		return nil
	case 11232:
		return notify.RetryAfter(fmt.Errorf("rate limited by Feishu (code 11232: %s)", msg), throttleBackoff)
	case 19021:
		return notify.Permanent(fmt.Errorf("Feishu refused the signature or timestamp (code 19021: %s)", msg))
	case 19022:
		return notify.Permanent(fmt.Errorf("Feishu refused this IP (code 19022: %s)", msg))
	case 19024:
		return notify.Permanent(fmt.Errorf("Feishu found none of the bot's keywords (code 19024: %s)", msg))
	case 19001:
		return notify.Permanent(fmt.Errorf("the Feishu webhook token is invalid (code 19001: %s)", msg))
	case 9499:
		return notify.Permanent(fmt.Errorf("Feishu refused the request as malformed or too large (code 9499: %s)", msg))
	}
	return notify.Permanent(fmt.Errorf("Feishu refused the message (code %d: %s)", code, msg))
}
