package slack

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync/atomic"

	"github.com/dronebot/dronebot/notify"
)

// transportError is a failure of the HTTP exchange itself, already marked
// Ambiguous when the request had been written.
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// tracingClient is the HTTP client slack-go calls. It notes whether a
// request left before a failure, which decides if the failure is ambiguous,
// and keeps URLs out of the error text.
type tracingClient struct{ hc *http.Client }

func (c *tracingClient) Do(req *http.Request) (*http.Response, error) {
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) { wrote.Store(info.Err == nil) }}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	resp, err := c.hc.Do(req)
	if err == nil {
		return resp, nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	err = fmt.Errorf("post %s: %w", notify.RedactURL(req.URL.String()), err)
	if wrote.Load() {
		return nil, &transportError{notify.Ambiguous(err)}
	}
	return nil, &transportError{err}
}
