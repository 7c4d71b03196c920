package drone

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/go-resty/resty/v2"
)

// call describes one API request and how its failures read.
type call struct {
	op     string // stable name for metrics: "repos", "build", "log", ...
	what   string // for errors: "get build octo/demo#42"
	method string
	path   string // already escaped
	query  url.Values
	body   any // sent as JSON when not nil
	// notFound is the message for a 404 (and for 0.8's 500 on a missing build).
	notFound string
	// missing500 marks the 0.8 reads that answer a missing build with 500.
	missing500 bool
	// log marks step log reads: 404 there means the log is not stored yet.
	log bool
}

// mapFunc turns a non-2xx answer into a typed error, per dialect.
type mapFunc func(c call, status int, header http.Header, body []byte) *Error

// errorBodyLimit caps how much of an error answer is read.
const errorBodyLimit = 64 << 10

var (
	errHeaderTimeout = errors.New("no response headers in time")
	errBodyTimeout   = errors.New("response body not read in time")
)

// transport sends calls with per-attempt timeouts and retries idempotent GETs.
//
// resty builds and sends the requests (base URL, token, TLS, user agent);
// this type owns the rest on purpose and uses neither resty's retries nor
// its result decoding. Each attempt has two clocks, drone.timeout up to the
// headers and drone.log_timeout for a log body that is streamed, never
// buffered (SetDoNotParseResponse); a retry happens only for no answer or a
// gateway status, and every failure must become one of our Error kinds with
// its own sentence. resty's retry conditions and SetResult see a response
// whose body it has already read whole, which a 100 MB step log cannot be.
type transport struct {
	rc         *resty.Client
	red        redactor
	log        *slog.Logger
	observe    func(op string, status int, elapsed time.Duration)
	timeout    time.Duration
	logTimeout time.Duration
	retries    int
	backoff    time.Duration
}

// answer is a 2xx response whose body is still to be read. Close must be called.
type answer struct {
	ctx    context.Context // the attempt's; its cause tells a body timeout
	limit  time.Duration   // for the body
	status int
	header http.Header
	body   io.ReadCloser
	cancel context.CancelCauseFunc
	timer  *time.Timer
}

func (a *answer) Close() {
	if a.timer != nil {
		a.timer.Stop()
	}
	_ = a.body.Close()
	a.cancel(nil)
}

// do sends c and decodes a JSON answer into out (nil: discard). An empty or
// "null" body leaves out untouched.
func (t *transport) do(ctx context.Context, c call, mapErr mapFunc, out any) error {
	a, err := t.send(ctx, c, mapErr, t.timeout)
	if err != nil {
		return err
	}
	defer a.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(a.body, errorBodyLimit))
		return nil
	}
	if err := json.NewDecoder(a.body).Decode(out); err != nil && !errors.Is(err, io.EOF) {
		return t.bodyError(c, a, err)
	}
	return nil
}

// follow sends c and hands the body to read without a time limit: a
// server-sent event stream, whose reader watches for silence itself.
func (t *transport) follow(ctx context.Context, c call, mapErr mapFunc, read func(io.Reader) error) error {
	a, err := t.send(ctx, c, mapErr, 0)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := read(a.body); err != nil {
		return t.bodyError(c, a, err)
	}
	return nil
}

// stream sends c and hands the body to read, which has logTimeout to finish.
func (t *transport) stream(ctx context.Context, c call, mapErr mapFunc, read func(io.Reader) error) error {
	a, err := t.send(ctx, c, mapErr, t.logTimeout)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := read(a.body); err != nil {
		return t.bodyError(c, a, err)
	}
	return nil
}

func (t *transport) bodyError(c call, a *answer, err error) error {
	var de *Error
	if errors.As(err, &de) {
		return de
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var logSyntax *logSyntaxError
	switch {
	case errors.Is(context.Cause(a.ctx), errBodyTimeout):
		return &Error{Kind: KindUnreachable, Op: c.what, Message: fmt.Sprintf("Drone began to answer but did not send the whole answer within %s", a.limit),
			Err: t.red.Error(err), Timeout: a.limit, Partial: true}
	case errors.As(err, &syntax), errors.As(err, &typ), errors.As(err, &logSyntax), errors.Is(err, io.ErrUnexpectedEOF) && a.ctx.Err() == nil:
		return &Error{Kind: KindServer, Op: c.what, Status: a.status, Message: "unexpected answer from Drone", Err: t.red.Error(err)}
	default:
		return &Error{Kind: KindUnreachable, Op: c.what, Message: "Drone stopped answering mid-way", Err: t.red.Error(err), Partial: true}
	}
}

// send runs the attempts of c. On success the body is left open under a
// timer of bodyTimeout.
func (t *transport) send(ctx context.Context, c call, mapErr mapFunc, bodyTimeout time.Duration) (*answer, error) {
	attempts := 1
	if c.method == http.MethodGet {
		attempts += t.retries
	}
	var last *Error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			wait := t.backoff << (i - 1)
			t.log.Warn("drone request failed, retrying", "op", c.op, "attempt", i+1, "wait", wait, "err", last.Error())
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return nil, last
			}
		}
		a, err, retry := t.attempt(ctx, c, mapErr, bodyTimeout)
		if err == nil {
			return a, nil
		}
		last = err
		if !retry || ctx.Err() != nil {
			break
		}
	}
	return nil, last
}

// attempt makes one request and says whether a failure may be retried.
func (t *transport) attempt(ctx context.Context, c call, mapErr mapFunc, bodyTimeout time.Duration) (*answer, *Error, bool) {
	actx, cancel := context.WithCancelCause(ctx)
	timer := time.AfterFunc(t.timeout, func() { cancel(errHeaderTimeout) })
	start := time.Now()
	req := t.rc.R().SetContext(actx).SetDoNotParseResponse(true)
	if len(c.query) > 0 {
		req.SetQueryParamsFromValues(c.query)
	}
	if c.body != nil {
		req.SetHeader("Content-Type", "application/json").SetBody(c.body)
	}
	resp, err := req.Execute(c.method, c.path)
	elapsed := time.Since(start)
	fired := !timer.Stop()
	status := 0
	if err == nil && resp != nil && resp.RawResponse != nil {
		status = resp.StatusCode()
	}
	if t.observe != nil {
		t.observe(c.op, status, elapsed)
	}
	t.log.Debug("drone request", "op", c.op, "method", c.method, "path", t.red.String(c.path), "status", status, "elapsed", elapsed)
	if err != nil || status == 0 {
		cancel(nil)
		if err == nil {
			err = errors.New("no response")
		}
		e := &Error{Kind: KindUnreachable, Op: c.what, Message: "cannot reach Drone", Err: t.red.Error(err)}
		if fired || errors.Is(context.Cause(actx), errHeaderTimeout) {
			e.Message, e.Timeout = fmt.Sprintf("Drone did not answer within %s", t.timeout), t.timeout
		}
		return nil, e, true
	}
	body := resp.RawBody()
	if status < 200 || status > 299 {
		// The error body is small; it gets the header timeout again.
		bodyTimer := time.AfterFunc(t.timeout, func() { cancel(errBodyTimeout) })
		raw, _ := io.ReadAll(io.LimitReader(body, errorBodyLimit))
		bodyTimer.Stop()
		_ = body.Close()
		cancel(nil)
		e := mapErr(c, status, resp.Header(), raw)
		e.Message = t.red.String(e.Message)
		return nil, e, isGatewayStatus(status)
	}
	a := &answer{ctx: actx, limit: bodyTimeout, status: status, header: resp.Header(), body: body, cancel: cancel}
	if bodyTimeout > 0 { // 0: a stream, whose reader watches the time itself
		a.timer = time.AfterFunc(bodyTimeout, func() { cancel(errBodyTimeout) })
	}
	return a, nil, false
}

func isGatewayStatus(status int) bool {
	return status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}
