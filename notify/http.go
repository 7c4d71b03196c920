package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// maxResponseBody bounds how much of a platform's answer is read.
const maxResponseBody = 64 << 10

// Response is a platform's answer, with the body read and the connection
// released.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// PostJSON posts body to rawURL with the given headers and reads the answer.
// Errors never contain the URL's secrets. A transport error after the request
// was fully written is Ambiguous; one before is retryable.
func PostJSON(ctx context.Context, hc *http.Client, rawURL string, header http.Header, body []byte) (*Response, error) {
	safe := RedactURL(rawURL)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return nil, Permanent(fmt.Errorf("post %s: bad request: %s", safe, redactErr(err, rawURL, safe)))
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	// Whether the request left us decides if a failure is ambiguous.
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) { wrote.Store(info.Err == nil) }}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))

	resp, err := hc.Do(req)
	if err != nil {
		err = fmt.Errorf("post %s: %s", safe, redactErr(err, rawURL, safe))
		if wrote.Load() {
			return nil, Ambiguous(err)
		}
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	// Drain what is left so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return nil, Ambiguous(fmt.Errorf("post %s: reading the answer (HTTP %d): %s", safe, resp.StatusCode, redactErr(err, rawURL, safe)))
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: data}, nil
}

// redactErr is err's text with the URL replaced by its redacted form, also
// in the URL-escaped spelling *url.Error uses.
func redactErr(err error, rawURL, safe string) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	msg := err.Error()
	if rawURL != "" {
		msg = strings.ReplaceAll(msg, rawURL, safe)
	}
	return msg
}

// CheckHTTP classifies an HTTP answer: 2xx is nil; 429, 408 and 5xx are
// retryable; any other status is permanent. The error quotes the start of
// the body.
func CheckHTTP(status int, body []byte) error {
	switch {
	case status >= 200 && status < 300:
		return nil
	case status == http.StatusTooManyRequests || status == http.StatusRequestTimeout || status >= 500:
		return fmt.Errorf("HTTP %d: %s", status, Snippet(body, 200))
	default:
		return Permanent(fmt.Errorf("HTTP %d: %s", status, Snippet(body, 200)))
	}
}

// CheckResponse is CheckHTTP that also honours a Retry-After header.
func CheckResponse(r *Response, now time.Time) error {
	err := CheckHTTP(r.Status, r.Body)
	if err == nil || IsPermanent(err) {
		return err
	}
	return RetryAfter(err, parseRetryAfter(r.Header.Get("Retry-After"), now))
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 if neither. A
// wait too long for a time.Duration is the longest one, never negative:
// the delivery stage caps it.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseUint(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if err != nil || secs > uint64(math.MaxInt64/time.Second) {
			return math.MaxInt64
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Snippet is the start of body as one line, at most n bytes, for errors.
func Snippet(body []byte, n int) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if s == "" {
		return "(empty body)"
	}
	return TruncateBytes(s, n, "…")
}

// TruncateBytes cuts s to at most n bytes at a rune boundary, ending in
// marker when it cut.
func TruncateBytes(s string, n int, marker string) string {
	if len(s) <= n {
		return s
	}
	n -= len(marker)
	if n < 0 {
		n = 0
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + marker
}

// secretParams are query parameters whose values are credentials.
var secretParams = map[string]bool{
	"key": true, "token": true, "access_token": true, "sign": true, "sig": true,
	"signature": true, "secret": true, "password": true,
}

// hookDirs are path segments after which webhook URLs carry their token.
var hookDirs = map[string]bool{"hook": true, "hooks": true, "webhook": true, "webhooks": true, "services": true}

// isPathWord reports whether a path segment is a plain word such as
// "send" rather than a token (tokens carry digits or capitals).
func isPathWord(seg string) bool {
	if seg == "" || len(seg) > 12 {
		return seg == ""
	}
	for _, c := range seg {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// RedactURL returns u with credentials hidden: the password of user:pass@,
// the values of key/token/access_token/sign/sig query parameters, and the
// token-like path segments after /hook/, /hooks/, /webhook/ or /services/. Use it in
// every error and log line that names a sink's URL.
func RedactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparseable URL)"
	}
	if p.User != nil {
		if _, has := p.User.Password(); has {
			p.User = url.UserPassword(p.User.Username(), "xxxxx")
		}
	}
	segs := strings.Split(p.Path, "/")
	for i := 1; i < len(segs); i++ {
		if hookDirs[strings.ToLower(segs[i-1])] {
			for j := i; j < len(segs); j++ {
				if !isPathWord(segs[j]) {
					segs[j] = "xxxxx"
				}
			}
			break
		}
	}
	p.Path = strings.Join(segs, "/")
	p.RawPath = ""
	if p.RawQuery != "" {
		parts := strings.Split(p.RawQuery, "&")
		for i, part := range parts {
			name, _, hasValue := strings.Cut(part, "=")
			if hasValue && secretParams[strings.ToLower(name)] {
				parts[i] = name + "=xxxxx"
			}
		}
		p.RawQuery = strings.Join(parts, "&")
	}
	p.Fragment = ""
	return p.String()
}
