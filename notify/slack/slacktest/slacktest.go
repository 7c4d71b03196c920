// Package slacktest is a local fake of Slack's two ways in for messages:
// incoming webhooks (errors as an HTTP status with a text body) and the Web
// API method chat.postMessage (errors as {"ok":false,"error":...}). It checks
// what Slack checks: the bot token, the channel and membership, Block Kit's
// limits (50 blocks, 3000 characters a section, 150 a header) and a posting
// rate per webhook or channel as a sliding window. slack-go's own slacktest
// checks none of the limits, hence this one.
package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/dronebot/dronebot/notify/internal/platformfake"
)

// Limits of the real platform (Slack's documentation).
const (
	MaxBlocks      = 50
	MaxSectionText = 3000
	MaxHeaderText  = 150
	MaxFieldText   = 2000
	MaxButtons     = 25
	MaxButtonValue = 2000
)

// Message is one message the fake accepted.
type Message struct {
	Via     string // "webhook" or "chat.postMessage"
	Dest    string // webhook secret or channel id
	Text    string
	Blocks  []Block
	At      time.Time
	RawBody []byte
}

// Block is one Block Kit block as the fake understands it.
type Block struct {
	Type     string            `json:"type"`
	BlockID  string            `json:"block_id,omitempty"`
	Text     *TextObject       `json:"text,omitempty"`
	Fields   []TextObject      `json:"fields,omitempty"`
	Elements []json.RawMessage `json:"elements,omitempty"`
}

// TextObject is a plain_text or mrkdwn text.
type TextObject struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// Button is an actions block's button.
type Button struct {
	Type     string     `json:"type"`
	ActionID string     `json:"action_id"`
	Value    string     `json:"value"`
	Text     TextObject `json:"text"`
}

// Buttons decodes the buttons of an actions block.
func (b Block) Buttons() []Button {
	var out []Button
	for _, raw := range b.Elements {
		var btn Button
		if json.Unmarshal(raw, &btn) == nil && btn.Type == "button" {
			out = append(out, btn)
		}
	}
	return out
}

// fault is an answer forced onto upcoming requests.
type fault struct {
	status     int    // HTTP status; 0: 200 with ok:false (Web API)
	errText    string // the body (webhook) or "error" (Web API)
	retryAfter int    // seconds, with status 429
}

// Server is the fake on 127.0.0.1.
type Server struct {
	srv    *httptest.Server
	hangs  platformfake.Hangs
	clock  platformfake.Clock
	faults platformfake.Faults[fault]
	sent   platformfake.Window // per webhook secret or channel
	rec    platformfake.Recorder[Message]

	mu        sync.Mutex // guards what follows; makes rate check and recording one step
	rateN     int
	ratePer   time.Duration
	tokens    map[string]bool
	channels  map[string]bool // id -> the bot is a member
	webhooks  map[string]bool // secret path part
	lastError string
}

// NewServer starts an empty fake: add tokens, channels and webhooks.
func NewServer() *Server {
	s := &Server{
		rateN: 1, ratePer: time.Second,
		tokens: map[string]bool{}, channels: map[string]bool{}, webhooks: map[string]bool{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	return s
}

// Close stops the server and releases hanging requests.
func (s *Server) Close() {
	s.hangs.Release()
	s.srv.Close()
}

// APIURL is the Web API base to give slack-go's OptionAPIURL.
func (s *Server) APIURL() string { return s.srv.URL + "/api/" }

// AddToken makes a bot token valid.
func (s *Server) AddToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = true
}

// AddChannel makes a channel exist; member says whether the bot is in it.
func (s *Server) AddChannel(id string, member bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[id] = member
}

// AddWebhook creates an incoming webhook and returns its URL.
func (s *Server) AddWebhook(secret string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhooks[secret] = true
	return s.WebhookURL(secret)
}

// WebhookURL is the URL a webhook with this secret has (known or not).
func (s *Server) WebhookURL(secret string) string {
	return s.srv.URL + "/services/T0FAKE/B0FAKE/" + secret
}

// SetClock replaces the clock of the rate window.
func (s *Server) SetClock(now func() time.Time) { s.clock.Set(now) }

// SetRate changes the posting rate (default 1 per second per destination).
func (s *Server) SetRate(n int, per time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateN, s.ratePer = n, per
}

// FailNext makes the next n requests fail: with HTTP status and errText as
// the body, or, when status is 0, HTTP 200 {"ok":false,"error":errText}.
func (s *Server) FailNext(n, status int, errText string) {
	s.faults.Push(n, fault{status: status, errText: errText})
}

// FailNextRateLimited makes the next n requests answer HTTP 429 with
// Retry-After.
func (s *Server) FailNextRateLimited(n int, retryAfter time.Duration) {
	s.faults.Push(n, fault{status: http.StatusTooManyRequests, errText: "rate_limited", retryAfter: int(retryAfter / time.Second)})
}

// HangNext makes the next n valid requests be accepted and recorded, then
// never answered.
func (s *Server) HangNext(n int) { s.faults.PushHang(n) }

// Messages returns every accepted message, oldest first.
func (s *Server) Messages() []Message { return s.rec.Messages() }

// Requests counts every request received.
func (s *Server) Requests() int { return s.rec.Requests() }

// LastError is the last refusal the fake gave, for test failure messages.
func (s *Server) LastError() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastError
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	isAPI := strings.HasPrefix(r.URL.Path, "/api/")
	s.rec.Hit()
	if f, ok := s.faults.Take(); ok {
		if f.retryAfter > 0 {
			w.Header().Set("Retry-After", fmt.Sprint(f.retryAfter))
		}
		if f.status == 0 && isAPI {
			s.apiAnswer(w, f.errText)
			return
		}
		http.Error(w, f.errText, f.status)
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "invalid_method", http.StatusMethodNotAllowed)
		return
	}
	switch {
	case r.URL.Path == "/api/chat.postMessage":
		s.postMessage(w, r)
	case strings.HasPrefix(r.URL.Path, "/services/"):
		s.webhook(w, r)
	default:
		http.Error(w, "unknown_method", http.StatusNotFound)
	}
}

// accept records msg unless its destination is over the rate, and hangs
// when told to. It returns the seconds to wait when over the rate.
func (s *Server) accept(w http.ResponseWriter, r *http.Request, msg Message) (retryAfter int, done bool) {
	s.mu.Lock()
	now := s.clock.Now()
	if ok, wait := s.sent.Admit(msg.Dest, now, s.rateN, s.ratePer); !ok {
		s.lastError = "rate_limited"
		s.mu.Unlock()
		return max(1, int(math.Ceil(wait.Seconds()))), false
	}
	msg.At = now
	s.rec.Add(msg)
	hang := s.faults.TakeHang()
	s.mu.Unlock()
	if hang {
		s.hangs.Wait(r.Context()) // accepted, but the answer never comes
		return 0, true
	}
	return 0, false
}

func (s *Server) refuse(reason string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastError = reason
	return reason
}

func (s *Server) webhook(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, "/services/"), "/")
	secret := segs[len(segs)-1]
	s.mu.Lock()
	known := len(segs) == 3 && s.webhooks[secret]
	s.mu.Unlock()
	if !known {
		http.Error(w, s.refuse("no_service"), http.StatusNotFound)
		return
	}
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var body struct {
		Text   string  `json:"text"`
		Blocks []Block `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		http.Error(w, s.refuse("invalid_payload"), http.StatusBadRequest)
		return
	}
	if reason := checkMessage(body.Text, body.Blocks); reason != "" {
		http.Error(w, s.refuse(reason), http.StatusBadRequest)
		return
	}
	wait, hung := s.accept(w, r, Message{Via: "webhook", Dest: secret, Text: body.Text, Blocks: body.Blocks, RawBody: raw})
	switch {
	case hung:
	case wait > 0:
		w.Header().Set("Retry-After", fmt.Sprint(wait))
		http.Error(w, "rate_limited", http.StatusTooManyRequests)
	default:
		_, _ = io.WriteString(w, "ok")
	}
}

func (s *Server) apiAnswer(w http.ResponseWriter, errText string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if errText == "" {
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": "C0", "ts": "1700000000.000100"})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": errText})
}
