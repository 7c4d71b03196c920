package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// MarshalJSON is json.Marshal without HTML escaping, which would triple the
// size of every < and > in a log line and so waste a platform's byte budget.
func MarshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// FitJSON encodes the payload build makes for a text budget, shrinking the
// budget until the whole body is at most max bytes: escaping and structure
// grow with the text, so the text limit alone cannot promise the body's.
func FitJSON(max, textLimit int, build func(textLimit int) any) ([]byte, error) {
	for range 8 {
		body, err := MarshalJSON(build(textLimit))
		if err != nil {
			return nil, fmt.Errorf("encoding the message: %w", err)
		}
		if len(body) <= max {
			return body, nil
		}
		textLimit = textLimit * (max - 128) / len(body)
		if textLimit <= 0 {
			break
		}
	}
	return nil, fmt.Errorf("the message does not fit in %d bytes", max)
}

// ErrcodeAnswer reads the {"errcode": N, "errmsg": "..."} answer WeCom and
// DingTalk send, with HTTP 200 even on errors. A bad HTTP status is
// classified as CheckResponse does; a 200 without an errcode (a proxy or a
// captive page) is Ambiguous, as the message may have gone through.
func ErrcodeAnswer(resp *Response, now time.Time) (code int, msg string, err error) {
	if err := CheckResponse(resp, now); err != nil {
		return 0, "", err
	}
	var a struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(resp.Body, &a); err != nil || a.ErrCode == nil {
		return 0, "", Ambiguous(fmt.Errorf("unexpected answer: %s", Snippet(resp.Body, 120)))
	}
	return *a.ErrCode, a.ErrMsg, nil
}
