// Package feishutest is a local fake of the Feishu custom bot webhook
// /open-apis/bot/v2/hook/TOKEN. It checks what Feishu checks: the token,
// the signature body fields (timestamp within an hour, recomputed with the
// bot's secret), an optional keyword, msg_type and its content, the 20 KB
// body limit, and both rate limits (5 in any second, 100 in any minute) as
// sliding windows, answering Feishu's codes.
package feishutest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dronebot/dronebot/notify/internal/platformfake"
)

// Limits of the real platform (Feishu's custom bot documentation).
const (
	MaxBodyBytes = 20000
	PerSecond    = 5
	PerMinute    = 100
	MaxSkew      = time.Hour
)

// Message is one message the fake accepted.
type Message struct {
	Token     string
	MsgType   string
	Title     string // card header or post title
	Template  string // card header colour
	Body      string // card markdown elements, or post text, joined by lines
	Buttons   []string
	BodyBytes int
	At        time.Time
}

type bot struct {
	secret string
}

type fault struct {
	status, code int
}

// Server is the fake on 127.0.0.1.
type Server struct {
	srv    *httptest.Server
	hangs  platformfake.Hangs
	clock  platformfake.Clock
	faults platformfake.Faults[fault]
	sent   platformfake.Window // per token
	rec    platformfake.Recorder[Message]

	mu      sync.Mutex // guards bots and keyword; makes rate checks and recording one step
	keyword string
	bots    map[string]*bot
}

// NewServer starts a fake with no bots.
func NewServer() *Server {
	s := &Server{bots: map[string]*bot{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	return s
}

// Close stops the server and releases hanging requests.
func (s *Server) Close() {
	s.hangs.Release()
	s.srv.Close()
}

// AddBot creates a bot; a non-empty secret makes it require signing. It
// returns the bot's webhook URL.
func (s *Server) AddBot(token, secret string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bots[token] = &bot{secret: secret}
	s.sent.Reset(token)
	return s.URL(token)
}

// URL is the webhook URL for a token, known or not.
func (s *Server) URL(token string) string { return s.srv.URL + "/open-apis/bot/v2/hook/" + token }

// RequireKeyword makes every bot refuse messages without kw.
func (s *Server) RequireKeyword(kw string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keyword = kw
}

// SetClock replaces the clock of the signature check and the rate windows.
func (s *Server) SetClock(now func() time.Time) { s.clock.Set(now) }

// FailNext makes the next n requests answer HTTP status (when not 0) or
// HTTP 200 with code.
func (s *Server) FailNext(n, status, code int) { s.faults.Push(n, fault{status: status, code: code}) }

// HangNext makes the next n valid requests be accepted and recorded, then
// never answered.
func (s *Server) HangNext(n int) { s.faults.PushHang(n) }

// Messages returns every accepted message, oldest first.
func (s *Server) Messages() []Message { return s.rec.Messages() }

// Requests counts every request received.
func (s *Server) Requests() int { return s.rec.Requests() }

func answer(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	body := map[string]any{"code": code, "msg": msg, "data": map[string]any{}}
	if code == 0 {
		body["StatusCode"], body["StatusMessage"] = 0, "success"
	}
	_ = json.NewEncoder(w).Encode(body)
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.rec.Hit()
	if f, ok := s.faults.Take(); ok {
		if f.status != 0 {
			http.Error(w, http.StatusText(f.status), f.status)
			return
		}
		answer(w, http.StatusOK, f.code, "injected failure")
		return
	}
	token, ok := strings.CutPrefix(r.URL.Path, "/open-apis/bot/v2/hook/")
	if r.Method != http.MethodPost || !ok {
		http.NotFound(w, r)
		return
	}
	msg, code, text := s.check(token, raw)
	if code != 0 {
		status := http.StatusOK
		if code == 9499 {
			status = http.StatusBadRequest // the fake's choice; the sink reads the code either way
		}
		answer(w, status, code, text)
		return
	}
	hang, limited := s.record(msg)
	switch {
	case limited:
		answer(w, http.StatusOK, 11232, "request trigger frequency limit")
	case hang:
		s.hangs.Wait(r.Context()) // accepted, but the answer never comes
	default:
		answer(w, http.StatusOK, 0, "success")
	}
}

type textObj struct {
	Content string `json:"content"`
}

type body struct {
	Timestamp string `json:"timestamp"`
	Sign      string `json:"sign"`
	MsgType   string `json:"msg_type"`
	Content   struct {
		Text string `json:"text"`
		Post map[string]struct {
			Title   string `json:"title"`
			Content [][]struct {
				Tag  string `json:"tag"`
				Text string `json:"text"`
			} `json:"content"`
		} `json:"post"`
	} `json:"content"`
	Card *struct {
		Header struct {
			Title    textObj `json:"title"`
			Template string  `json:"template"`
		} `json:"header"`
		Elements []struct {
			Tag     string `json:"tag"`
			Content string `json:"content"`
			Actions []struct {
				Text textObj `json:"text"`
				URL  string  `json:"url"`
			} `json:"actions"`
		} `json:"elements"`
	} `json:"card"`
}

// sign recomputes the signature independently of the sink.
func sign(secret, timestamp string) string {
	mac := hmac.New(sha256.New, []byte(timestamp+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// check validates one request as Feishu does, returning the code.
func (s *Server) check(token string, raw []byte) (Message, int, string) {
	s.mu.Lock()
	b, known := s.bots[token]
	now, keyword := s.clock.Now(), s.keyword
	s.mu.Unlock()
	if !known {
		return Message{}, 19001, "param invalid: incoming webhook access token invalid"
	}
	if len(raw) > MaxBodyBytes {
		return Message{}, 9499, "Bad Request"
	}
	var in body
	if err := json.Unmarshal(raw, &in); err != nil {
		return Message{}, 9499, "Bad Request"
	}
	if b.secret != "" {
		ts, err := strconv.ParseInt(in.Timestamp, 10, 64)
		if err != nil || now.Sub(time.Unix(ts, 0)).Abs() > MaxSkew || !hmac.Equal([]byte(in.Sign), []byte(sign(b.secret, in.Timestamp))) {
			return Message{}, 19021, "sign match fail or timestamp is not within one hour from current time"
		}
	}
	msg := Message{Token: token, MsgType: in.MsgType, BodyBytes: len(raw)}
	switch in.MsgType {
	case "text":
		msg.Body = in.Content.Text
	case "post":
		for _, p := range in.Content.Post {
			msg.Title = p.Title
			var lines []string
			for _, para := range p.Content {
				var l strings.Builder
				for _, part := range para {
					l.WriteString(part.Text)
				}
				lines = append(lines, l.String())
			}
			msg.Body = strings.Join(lines, "\n")
		}
	case "interactive":
		if in.Card == nil {
			break
		}
		msg.Title, msg.Template = in.Card.Header.Title.Content, in.Card.Header.Template
		var parts []string
		for _, e := range in.Card.Elements {
			if e.Tag == "markdown" {
				parts = append(parts, e.Content)
			}
			for _, a := range e.Actions {
				msg.Buttons = append(msg.Buttons, a.Text.Content+" "+a.URL)
			}
		}
		msg.Body = strings.Join(parts, "\n")
	}
	if msg.Title == "" && msg.Body == "" {
		return Message{}, 9499, "Bad Request"
	}
	if keyword != "" && !strings.Contains(msg.Title+msg.Body, keyword) {
		return Message{}, 19024, "Key Words Not Found"
	}
	return msg, 0, ""
}

// record stores msg unless its bot is over either rate, and reports
// whether the request should then hang.
func (s *Server) record(msg Message) (hang, limited bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	lastMinute := s.sent.Prune(msg.Token, now, time.Minute)
	if lastMinute >= PerMinute || s.sent.Within(msg.Token, now, time.Second) >= PerSecond {
		return false, true
	}
	msg.At = now
	s.sent.Add(msg.Token, now)
	s.rec.Add(msg)
	return s.faults.TakeHang(), false
}
