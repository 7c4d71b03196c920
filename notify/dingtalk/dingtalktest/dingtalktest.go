// Package dingtalktest is a local fake of the DingTalk custom robot
// endpoint /robot/send. It checks what DingTalk checks: the access token,
// the signature (timestamp within an hour, recomputed with the robot's
// secret), an optional keyword, the msgtype and its required fields, the
// body size, and 20 messages in any 60 s per robot, after which the robot
// is throttled for 10 minutes. Errors are errcodes inside HTTP 200, as the
// real endpoint answers.
package dingtalktest

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

// Limits and answers of the fake.
const (
	RateLimit     = 20
	RateWindow    = 60 * time.Second
	ThrottleFor   = 10 * time.Minute
	MaxSkew       = time.Hour
	MaxBodyBytes  = 20000 // DingTalk's is undocumented; this is the fake's
	ErrTooLong    = 460101
	ErrBadRequest = 40035
)

// Message is one message the fake accepted.
type Message struct {
	Token     string
	MsgType   string
	Title     string
	Text      string
	AtMobiles []string
	AtUserIDs []string
	IsAtAll   bool
	BodyBytes int
	At        time.Time
}

type robot struct {
	secret         string
	throttledUntil time.Time
}

type fault struct {
	status, errcode int
}

// Server is the fake on 127.0.0.1.
type Server struct {
	srv    *httptest.Server
	hangs  platformfake.Hangs
	clock  platformfake.Clock
	faults platformfake.Faults[fault]
	sent   platformfake.Window // per token
	rec    platformfake.Recorder[Message]

	mu      sync.Mutex // guards robots and keyword; makes rate check and recording one step
	keyword string
	robots  map[string]*robot
}

// NewServer starts a fake with no robots.
func NewServer() *Server {
	s := &Server{robots: map[string]*robot{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	return s
}

// Close stops the server and releases hanging requests.
func (s *Server) Close() {
	s.hangs.Release()
	s.srv.Close()
}

// AddRobot creates a robot; a non-empty secret makes it require signing.
// It returns the robot's webhook URL.
func (s *Server) AddRobot(token, secret string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.robots[token] = &robot{secret: secret}
	s.sent.Reset(token)
	return s.URL(token)
}

// URL is the webhook URL for a token, known or not.
func (s *Server) URL(token string) string { return s.srv.URL + "/robot/send?access_token=" + token }

// RequireKeyword makes every robot refuse messages without kw.
func (s *Server) RequireKeyword(kw string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keyword = kw
}

// SetClock replaces the clock of the signature check and the rate window.
func (s *Server) SetClock(now func() time.Time) { s.clock.Set(now) }

// FailNext makes the next n requests answer HTTP status (when not 0) or
// HTTP 200 with errcode.
func (s *Server) FailNext(n, status, errcode int) {
	s.faults.Push(n, fault{status: status, errcode: errcode})
}

// HangNext makes the next n valid requests be accepted and recorded, then
// never answered.
func (s *Server) HangNext(n int) { s.faults.PushHang(n) }

// Messages returns every accepted message, oldest first.
func (s *Server) Messages() []Message { return s.rec.Messages() }

// Requests counts every request received.
func (s *Server) Requests() int { return s.rec.Requests() }

func answer(w http.ResponseWriter, errcode int, errmsg string) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	_ = json.NewEncoder(w).Encode(map[string]any{"errcode": errcode, "errmsg": errmsg})
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.rec.Hit()
	if f, ok := s.faults.Take(); ok {
		if f.status != 0 {
			http.Error(w, http.StatusText(f.status), f.status)
			return
		}
		answer(w, f.errcode, "injected failure")
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/robot/send" {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	msg, code, errmsg := s.check(q.Get("access_token"), q.Get("timestamp"), q.Get("sign"), raw)
	if code != 0 {
		answer(w, code, errmsg)
		return
	}
	hang, limited := s.record(msg)
	switch {
	case limited:
		answer(w, 130101, "send too fast, exceed 20 times per minute")
	case hang:
		s.hangs.Wait(r.Context()) // accepted, but the answer never comes
	default:
		answer(w, 0, "ok")
	}
}

type body struct {
	MsgType  string                    `json:"msgtype"`
	Text     *struct{ Content string } `json:"text"`
	Markdown *struct {
		Title string `json:"title"`
		Text  string `json:"text"`
	} `json:"markdown"`
	At *struct {
		AtMobiles []string `json:"atMobiles"`
		AtUserIDs []string `json:"atUserIds"`
		IsAtAll   bool     `json:"isAtAll"`
	} `json:"at"`
}

// sign recomputes the signature independently of the sink.
func sign(secret, timestamp string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// check validates one request as DingTalk does, returning the errcode.
func (s *Server) check(token, timestamp, signature string, raw []byte) (Message, int, string) {
	s.mu.Lock()
	rb, known := s.robots[token]
	now, keyword := s.clock.Now(), s.keyword
	s.mu.Unlock()
	if !known {
		return Message{}, 300001, "token is not exist"
	}
	if rb.secret != "" {
		ms, err := strconv.ParseInt(timestamp, 10, 64)
		if err != nil || now.Sub(time.UnixMilli(ms)).Abs() > MaxSkew {
			return Message{}, 310000, "invalid timestamp"
		}
		if !hmac.Equal([]byte(signature), []byte(sign(rb.secret, timestamp))) {
			return Message{}, 310000, "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"
		}
	}
	if len(raw) > MaxBodyBytes {
		return Message{}, ErrTooLong, "message too long, exceed 20000 bytes"
	}
	var b body
	if err := json.Unmarshal(raw, &b); err != nil {
		return Message{}, ErrBadRequest, "缺少参数 json"
	}
	msg := Message{Token: token, MsgType: b.MsgType, BodyBytes: len(raw)}
	switch {
	case b.MsgType == "text" && b.Text != nil && b.Text.Content != "":
		msg.Text = b.Text.Content
	case b.MsgType == "markdown" && b.Markdown != nil && b.Markdown.Title != "" && b.Markdown.Text != "":
		msg.Title, msg.Text = b.Markdown.Title, b.Markdown.Text
	default:
		return Message{}, ErrBadRequest, "缺少参数 msgtype/content"
	}
	if keyword != "" && !strings.Contains(msg.Title+msg.Text, keyword) {
		return Message{}, 310000, "keywords not in content"
	}
	if b.At != nil {
		msg.AtMobiles, msg.AtUserIDs, msg.IsAtAll = b.At.AtMobiles, b.At.AtUserIDs, b.At.IsAtAll
	}
	return msg, 0, ""
}

// record stores msg unless its robot is over the rate or still throttled,
// and reports whether the request should then hang.
func (s *Server) record(msg Message) (hang, limited bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	rb := s.robots[msg.Token]
	if now.Before(rb.throttledUntil) {
		return false, true
	}
	if ok, _ := s.sent.Admit(msg.Token, now, RateLimit, RateWindow); !ok {
		rb.throttledUntil = now.Add(ThrottleFor)
		return false, true
	}
	msg.At = now
	s.rec.Add(msg)
	return s.faults.TakeHang(), false
}
