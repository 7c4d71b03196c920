package dingtalk

import (
	"fmt"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// throttleBackoff is the wait after errcode 130101: DingTalk's window is a
// minute (and it may keep the robot throttled for 10 minutes; the delivery
// stage's backoff covers that).
const throttleBackoff = 60 * time.Second

// check classifies DingTalk's answer: an HTTP status first, then errcode,
// which is set even when the status is 200.
func check(resp *notify.Response, now time.Time) error {
	code, msg, err := notify.ErrcodeAnswer(resp, now)
	if err != nil {
		return err
	}
	return classify(code, msg)
}

// classify maps a robot errcode to a delivery class (DingTalk's custom robot documentation).
func classify(code int, msg string) error {
	msg = notify.Snippet([]byte(msg), 120)
	switch code {
	case 0:
		return nil
	case 310000:
		// One code for four checks: keyword, timestamp, sign, IP whitelist.
		// All are configuration (or clock) problems; errmsg tells which.
		return notify.Permanent(fmt.Errorf("DingTalk security check failed (errcode 310000: %s)", msg))
	case 300001, 300005:
		return notify.Permanent(fmt.Errorf("the DingTalk robot token does not exist (errcode %d: %s)", code, msg))
	case 130101, 410100:
		return notify.RetryAfter(fmt.Errorf("rate limited by DingTalk (errcode %d: %s)", code, msg), throttleBackoff)
	case -1:
		return notify.RetryAfter(fmt.Errorf("DingTalk is busy (errcode -1: %s)", msg), 0)
	}
	return notify.Permanent(fmt.Errorf("DingTalk refused the message (errcode %d: %s)", code, msg))
}
