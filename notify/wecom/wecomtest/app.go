package wecomtest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/dronebot/dronebot/notify/internal/platformfake"
)

// Limits of a self-built app's message/send.
const (
	MaxAppContentBytes = 2048
	AppRateLimit       = 30 // per member ...
	AppRateWindow      = 60 * time.Second
)

// AppOptions describe the one app the fake knows.
type AppOptions struct {
	CorpID  string
	Secret  string
	AgentID int
	// Users are the members that exist; empty means every UserID exists.
	Users []string
	// TokenTTL is the expires_in of issued tokens; default 7200s.
	TokenTTL time.Duration
}

// AppMessage is one message the fake app endpoint accepted.
type AppMessage struct {
	ToUser, ToParty, ToTag string
	MsgType                string
	Content                string
	AgentID                int
	DuplicateCheck         bool
	DuplicateInterval      int
	At                     time.Time
}

// AppServer is a fake of WeCom's gettoken and message/send on 127.0.0.1.
type AppServer struct {
	srv       *httptest.Server
	opts      AppOptions
	clock     platformfake.Clock
	faults    platformfake.Faults[fault]
	perMember platformfake.Window               // per UserID
	sent      platformfake.Recorder[AppMessage] // requests are message/send calls
	dropped   platformfake.Recorder[AppMessage] // only its messages are used

	mu     sync.Mutex           // guards tokens; makes member checks and recording one step
	tokens map[string]time.Time // token -> expiry
	issued int
}

// NewAppServer starts the fake app API.
func NewAppServer(opts AppOptions) *AppServer {
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 7200 * time.Second
	}
	s := &AppServer{opts: opts, tokens: map[string]time.Time{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /cgi-bin/gettoken", s.getToken)
	mux.HandleFunc("POST /cgi-bin/message/send", s.send)
	s.srv = httptest.NewServer(mux)
	return s
}

// URL is the API base, the fake's chat.wecom.api_url.
func (s *AppServer) URL() string { return s.srv.URL }

// Close stops the server.
func (s *AppServer) Close() { s.srv.Close() }

// SetClock replaces the clock used for token expiry and the rate window.
func (s *AppServer) SetClock(now func() time.Time) { s.clock.Set(now) }

// InvalidateTokens ends every issued token early, as WeCom may: the next
// message/send with one of them gets errcode 42001.
func (s *AppServer) InvalidateTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t := range s.tokens {
		s.tokens[t] = time.Time{}
	}
}

// FailNext makes the next n message/send calls answer HTTP status (when
// not 0) or HTTP 200 with errcode, before any other check.
func (s *AppServer) FailNext(n, status, errcode int) {
	s.faults.Push(n, fault{status: status, errcode: errcode})
}

// TokensIssued counts successful gettoken calls.
func (s *AppServer) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issued
}

// SendCalls counts message/send calls, accepted or not.
func (s *AppServer) SendCalls() int { return s.sent.Requests() }

// Messages returns the accepted messages, oldest first.
func (s *AppServer) Messages() []AppMessage { return s.sent.Messages() }

// Dropped returns the messages answered "ok" but dropped because a member
// was over 30 a minute: WeCom drops them silently.
func (s *AppServer) Dropped() []AppMessage { return s.dropped.Messages() }

func (s *AppServer) getToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch {
	case q.Get("corpid") != s.opts.CorpID:
		answer(w, 40013, "invalid corpid, hint: [fake]")
		return
	case q.Get("corpsecret") != s.opts.Secret:
		answer(w, 40001, "invalid secret, hint: [fake]")
		return
	}
	buf := make([]byte, 16)
	_, _ = rand.Read(buf)
	token := "tok" + hex.EncodeToString(buf)
	s.mu.Lock()
	s.tokens[token] = s.clock.Now().Add(s.opts.TokenTTL)
	s.issued++
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_ = json.NewEncoder(w).Encode(map[string]any{"errcode": 0, "errmsg": "ok",
		"access_token": token, "expires_in": int(s.opts.TokenTTL / time.Second)})
}

type appBody struct {
	ToUser                 string `json:"touser"`
	ToParty                string `json:"toparty"`
	ToTag                  string `json:"totag"`
	MsgType                string `json:"msgtype"`
	AgentID                int    `json:"agentid"`
	Text                   *part  `json:"text"`
	Markdown               *part  `json:"markdown"`
	EnableDuplicateCheck   int    `json:"enable_duplicate_check"`
	DuplicateCheckInterval int    `json:"duplicate_check_interval"`
}

func (s *AppServer) send(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.sent.Hit()
	if f, ok := s.faults.Take(); ok {
		if f.status != 0 {
			http.Error(w, http.StatusText(f.status), f.status)
			return
		}
		answer(w, f.errcode, "injected failure, hint: [fake]")
		return
	}
	if code, msg := s.checkToken(r.URL.Query().Get("access_token")); code != 0 {
		answer(w, code, msg)
		return
	}
	var b appBody
	if err := json.Unmarshal(raw, &b); err != nil {
		answer(w, 40035, "invalid Request Parameter, hint: [fake]")
		return
	}
	msg, code, errmsg := s.checkMessage(b)
	if code != 0 {
		answer(w, code, errmsg)
		return
	}
	invalid, code := s.record(msg)
	if code != 0 {
		answer(w, code, "all touser/toparty/totag invalid, hint: [fake]")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_ = json.NewEncoder(w).Encode(map[string]any{"errcode": 0, "errmsg": "ok",
		"invaliduser": invalid, "invalidparty": "", "invalidtag": "", "msgid": "fake-msgid"})
}

func (s *AppServer) checkToken(token string) (int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if token == "" {
		return 41001, "access_token missing, hint: [fake]"
	}
	exp, ok := s.tokens[token]
	switch {
	case !ok:
		return 40014, "invalid access_token, hint: [fake]"
	case !s.clock.Now().Before(exp):
		return 42001, "access_token expired, hint: [fake]"
	}
	return 0, ""
}

func (s *AppServer) checkMessage(b appBody) (AppMessage, int, string) {
	if b.AgentID != s.opts.AgentID {
		return AppMessage{}, 40056, "invalid agentid, hint: [fake]"
	}
	if b.ToUser == "" && b.ToParty == "" && b.ToTag == "" {
		return AppMessage{}, 40035, "touser, toparty and totag all empty, hint: [fake]"
	}
	var p *part
	switch b.MsgType {
	case "text":
		p = b.Text
	case "markdown":
		p = b.Markdown
	default:
		return AppMessage{}, 40008, "invalid message type, hint: [fake]"
	}
	if p == nil || p.Content == "" {
		return AppMessage{}, 44004, "empty content, hint: [fake]"
	}
	if len(p.Content) > MaxAppContentBytes {
		return AppMessage{}, 40058, b.MsgType + ".content exceed max length 2048, hint: [fake]"
	}
	return AppMessage{ToUser: b.ToUser, ToParty: b.ToParty, ToTag: b.ToTag, MsgType: b.MsgType,
		Content: p.Content, AgentID: b.AgentID, DuplicateCheck: b.EnableDuplicateCheck == 1,
		DuplicateInterval: b.DuplicateCheckInterval}, 0, ""
}

// record applies the member check and the per-member sliding window, and
// returns the unknown users as WeCom's invaliduser, or errcode 81013 when
// nobody valid is left.
func (s *AppServer) record(msg AppMessage) (string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	msg.At = now
	var invalid, valid []string
	for _, u := range strings.Split(msg.ToUser, "|") {
		switch {
		case u == "":
		case u == "@all" || s.userExists(u):
			valid = append(valid, u)
		default:
			invalid = append(invalid, u)
		}
	}
	if len(valid) == 0 && msg.ToParty == "" && msg.ToTag == "" {
		return "", 81013
	}
	over := false
	for _, u := range valid {
		if u == "@all" {
			continue
		}
		over = s.perMember.Prune(u, now, AppRateWindow) >= AppRateLimit || over
	}
	if over {
		s.dropped.Add(msg)
		return strings.Join(invalid, "|"), 0
	}
	for _, u := range valid {
		if u != "@all" {
			s.perMember.Add(u, now)
		}
	}
	s.sent.Add(msg)
	return strings.Join(invalid, "|"), 0
}

func (s *AppServer) userExists(u string) bool {
	if len(s.opts.Users) == 0 {
		return true
	}
	for _, known := range s.opts.Users {
		if known == u {
			return true
		}
	}
	return false
}
