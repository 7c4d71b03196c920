// Package webhooktest is a local webhook receiver that records what it gets
// and answers what it is told to.
package webhooktest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/dronebot/dronebot/notify"
)

// Request is one received request.
type Request struct {
	Method  string
	Path    string
	Query   string
	Header  http.Header
	Body    []byte
	Payload *notify.Payload // nil when the body was not a valid payload
	Status  int             // what the receiver answered
}

// Receiver is a webhook endpoint on 127.0.0.1.
type Receiver struct {
	srv *httptest.Server

	mu       sync.Mutex
	requests []Request
	answers  []answer
	delay    time.Duration
}

type answer struct {
	status     int
	retryAfter string
	body       string
	hang       bool // record the request, then never answer
}

// NewReceiver starts a receiver answering 204 unless told otherwise.
func NewReceiver() *Receiver {
	r := &Receiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(r.handle))
	return r
}

// URL is the receiver's base URL.
func (r *Receiver) URL() string { return r.srv.URL }

// Close stops the receiver.
func (r *Receiver) Close() { r.srv.Close() }

// AnswerNext makes the next n requests get status, with a Retry-After
// header when retryAfter is not empty.
func (r *Receiver) AnswerNext(n, status int, retryAfter, body string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for range n {
		r.answers = append(r.answers, answer{status: status, retryAfter: retryAfter, body: body})
	}
}

// HangNext makes the next n requests be recorded and then never answered,
// as a receiver that accepts a delivery and times out.
func (r *Receiver) HangNext(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for range n {
		r.answers = append(r.answers, answer{status: http.StatusOK, hang: true})
	}
}

// SetDelay makes every answer wait d (a slow receiver); a request whose
// client gives up stops waiting.
func (r *Receiver) SetDelay(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.delay = d
}

// Requests returns every request received, oldest first.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.requests...)
}

func (r *Receiver) handle(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	got := Request{Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, Header: req.Header.Clone(), Body: body}
	var p notify.Payload
	if json.Unmarshal(body, &p) == nil && p.Schema == notify.SchemaV1 {
		got.Payload = &p
	}
	r.mu.Lock()
	a := answer{status: http.StatusNoContent}
	if len(r.answers) > 0 {
		a, r.answers = r.answers[0], r.answers[1:]
	}
	got.Status = a.status
	r.requests = append(r.requests, got)
	delay := r.delay
	r.mu.Unlock()
	if a.hang {
		<-req.Context().Done()
		return
	}
	select {
	case <-time.After(delay):
	case <-req.Context().Done():
		return
	}
	if a.retryAfter != "" {
		w.Header().Set("Retry-After", a.retryAfter)
	}
	w.WriteHeader(a.status)
	_, _ = io.WriteString(w, a.body)
}
