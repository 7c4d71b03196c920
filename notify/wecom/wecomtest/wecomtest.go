// Package wecomtest is a local fake of the WeCom group robot webhook that
// checks what WeCom checks: method, key, msgtype, content size in UTF-8
// bytes and the 20-messages-per-minute limit per robot, answering with
// WeCom's errcodes inside HTTP 200 as the real endpoint does.
package wecomtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"time"

	"github.com/dronebot/dronebot/notify/internal/platformfake"
)

// Limits of the real robot endpoint.
const (
	MaxMarkdownBytes = 4096
	MaxTextBytes     = 2048
	RateLimit        = 20
	RateWindow       = 60 * time.Second
)

// Message is one message the fake accepted.
type Message struct {
	Key           string
	MsgType       string
	Content       string
	MentionedList []string
	At            time.Time
	// Markup is what a markdown message would render as live markup.
	Markup Markup
}

// Markup is the live markup WeCom markdown renders: [text](url) links,
// <font> tags and <@userid> mentions.
type Markup struct {
	Links    []string // the URLs
	Fonts    int
	Mentions []string // the user ids
}

var (
	linkRE    = regexp.MustCompile(`\[[^\]\n]*\]\(([^)\s]*)\)`)
	fontRE    = regexp.MustCompile(`(?i)<font\b[^>]*>`)
	mentionRE = regexp.MustCompile(`<@([^>\s]+)>`)
)

// MarkupOf finds the live markup in WeCom markdown content.
func MarkupOf(content string) Markup {
	var m Markup
	for _, l := range linkRE.FindAllStringSubmatch(content, -1) {
		m.Links = append(m.Links, l[1])
	}
	m.Fonts = len(fontRE.FindAllString(content, -1))
	for _, at := range mentionRE.FindAllStringSubmatch(content, -1) {
		m.Mentions = append(m.Mentions, at[1])
	}
	return m
}

// fault is an answer forced onto upcoming requests.
type fault struct {
	status  int // HTTP status; 0 means 200 with errcode
	errcode int
}

// Server is the fake robot endpoint on 127.0.0.1.
type Server struct {
	srv      *httptest.Server
	hangs    platformfake.Hangs
	clock    platformfake.Clock
	faults   platformfake.Faults[fault]
	accepted platformfake.Window // per key
	rec      platformfake.Recorder[Message]

	mu   sync.Mutex // guards keys; makes rate check and recording one step
	keys map[string]bool
}

// NewServer starts a fake that knows the given robot keys.
func NewServer(keys ...string) *Server {
	s := &Server{keys: map[string]bool{}}
	for _, k := range keys {
		s.keys[k] = true
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	return s
}

// URL is the webhook URL of the robot with this key.
func (s *Server) URL(key string) string { return s.srv.URL + "/cgi-bin/webhook/send?key=" + key }

// Close stops the server and releases hanging requests.
func (s *Server) Close() {
	s.hangs.Release()
	s.srv.Close()
}

// SetClock replaces the clock used for the rate window.
func (s *Server) SetClock(now func() time.Time) { s.clock.Set(now) }

// FailNext makes the next n requests answer HTTP status (when not 0) or
// HTTP 200 with errcode.
func (s *Server) FailNext(n, status, errcode int) {
	s.faults.Push(n, fault{status: status, errcode: errcode})
}

// HangNext makes the next n valid requests be accepted and recorded, and
// then never answered: the client cannot tell whether they arrived.
func (s *Server) HangNext(n int) { s.faults.PushHang(n) }

// Messages returns every accepted message, oldest first.
func (s *Server) Messages() []Message { return s.rec.Messages() }

// Requests counts every request received, accepted or not.
func (s *Server) Requests() int { return s.rec.Requests() }

type body struct {
	MsgType    string `json:"msgtype"`
	Text       *part  `json:"text"`
	Markdown   *part  `json:"markdown"`
	MarkdownV2 *part  `json:"markdown_v2"`
}

type part struct {
	Content       string   `json:"content"`
	MentionedList []string `json:"mentioned_list"`
}

func answer(w http.ResponseWriter, errcode int, errmsg string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
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
	if r.Method != http.MethodPost || r.URL.Path != "/cgi-bin/webhook/send" {
		http.NotFound(w, r)
		return
	}
	msg, errcode, errmsg := s.check(r.URL.Query().Get("key"), raw)
	if errcode != 0 {
		answer(w, errcode, errmsg)
		return
	}
	hang, limited := s.record(msg)
	if limited {
		answer(w, 45009, "api freq out of limit, hint: [fake]")
		return
	}
	if hang {
		s.hangs.Wait(r.Context()) // accepted, but the answer never comes
		return
	}
	answer(w, 0, "ok")
}

// check validates a request like WeCom does, returning the errcode.
func (s *Server) check(key string, raw []byte) (Message, int, string) {
	s.mu.Lock()
	known := s.keys[key]
	s.mu.Unlock()
	if key == "" || !known {
		return Message{}, 93000, "invalid webhook url, hint: [fake]"
	}
	var b body
	if err := json.Unmarshal(raw, &b); err != nil {
		return Message{}, 40035, "invalid Request Parameter, hint: [fake]"
	}
	msg := Message{Key: key, MsgType: b.MsgType}
	var p *part
	limit, overCode := MaxMarkdownBytes, 40058
	switch b.MsgType {
	case "text":
		p, limit, overCode = b.Text, MaxTextBytes, 45002
	case "markdown":
		p = b.Markdown
	case "markdown_v2":
		p = b.MarkdownV2
	default:
		return Message{}, 40008, "invalid message type, hint: [fake]"
	}
	if p == nil || p.Content == "" {
		return Message{}, 44004, "empty content, hint: [fake]"
	}
	if len(p.Content) > limit {
		return Message{}, overCode, b.MsgType + ".content exceed max length, hint: [fake]"
	}
	msg.Content, msg.MentionedList = p.Content, p.MentionedList
	if b.MsgType == "markdown" {
		msg.Markup = MarkupOf(p.Content)
	}
	return msg, 0, ""
}

// record stores msg unless its key is over the rate in the sliding window,
// and reports whether the request should then hang.
func (s *Server) record(msg Message) (hang, limited bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	if ok, _ := s.accepted.Admit(msg.Key, now, RateLimit, RateWindow); !ok {
		return false, true
	}
	msg.At = now
	s.rec.Add(msg)
	return s.faults.TakeHang(), false
}
