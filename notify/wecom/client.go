package wecom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// errTooLong is errcode 40058: the content is over the byte limit.
var errTooLong = errors.New("content too long (errcode 40058)")

// rateBackoff is how long to wait after errcode 45009: the window is a minute.
const rateBackoff = 60 * time.Second

// post sends one payload and classifies the answer by HTTP status and errcode.
func (s *Sink) post(ctx context.Context, p *payload) error {
	body, err := json.Marshal(p)
	if err != nil {
		return notify.Permanent(fmt.Errorf("encoding %s: %w", p.MsgType, err))
	}
	resp, err := s.Hook.Post(ctx, nil, body)
	if err != nil {
		return err
	}
	code, msg, err := notify.ErrcodeAnswer(resp, s.Hook.Now())
	if err != nil {
		return err
	}
	return classify(code, msg)
}

// classify maps a robot errcode to a classified error.
func classify(code int, msg string) error {
	msg = notify.Snippet([]byte(msg), 120)
	switch code {
	case 0:
		return nil
	case 93000, 93004, 93008:
		return notify.Permanent(fmt.Errorf("the WeCom robot key is invalid or the robot was removed (errcode %d: %s)", code, msg))
	case 45009:
		return notify.RetryAfter(fmt.Errorf("rate limited by WeCom (errcode 45009: %s)", msg), rateBackoff)
	case -1:
		return notify.RetryAfter(fmt.Errorf("WeCom is busy (errcode -1: %s)", msg), 0)
	case 40058:
		return fmt.Errorf("%w: %s", errTooLong, msg)
	}
	return notify.Permanent(fmt.Errorf("WeCom refused the message (errcode %d: %s)", code, msg))
}
