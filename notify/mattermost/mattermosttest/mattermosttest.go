// Package mattermosttest is a local fake of Mattermost's incoming webhook
// endpoint, POST /hooks/{key}. It checks what the server checks: the key,
// that incoming webhooks are on, that the JSON body decodes, that it has a
// text or attachments, the attachments' length (7900 characters of JSON),
// each attachment's fallback and colour, and, like a server with its API
// rate limit on, 10 requests a second. It answers 200 "ok" and
// Mattermost's JSON errors, and splits a text longer than a post holds
// into several posts, as the server does.
package mattermosttest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/dronebot/dronebot/notify/internal/platformfake"
)

// Limits of the fake, in characters.
const (
	MaxPostChars        = 16383
	MaxAttachmentsChars = 7900
	RateLimit           = 10
	RateWindow          = time.Second
)

// Attachment is one message attachment as the server stored it.
type Attachment struct {
	Fallback  string `json:"fallback"`
	Color     string `json:"color"`
	Pretext   string `json:"pretext"`
	Title     string `json:"title"`
	TitleLink string `json:"title_link"`
	Text      string `json:"text"`
	Footer    string `json:"footer"`
	Fields    []struct {
		Title string `json:"title"`
		Value any    `json:"value"`
		Short bool   `json:"short"`
	} `json:"fields"`
}

// Post is one post a webhook created.
type Post struct {
	Hook        string
	Message     string
	Attachments []Attachment
	At          time.Time
}

type fault struct {
	status     int
	retryAfter int
}

// Server is the fake on 127.0.0.1.
type Server struct {
	srv      *httptest.Server
	hangs    platformfake.Hangs
	clock    platformfake.Clock
	faults   platformfake.Faults[fault]
	sent     platformfake.Window // per hook
	rec      platformfake.Recorder[Post]
	disabled atomic.Bool

	mu    sync.Mutex
	hooks map[string]bool
	reqID int
}

// NewServer starts a fake with no hooks.
func NewServer() *Server {
	s := &Server{hooks: map[string]bool{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	return s
}

// Close stops the server and releases hanging requests.
func (s *Server) Close() {
	s.hangs.Release()
	s.srv.Close()
}

// AddHook creates an incoming webhook and returns its URL.
func (s *Server) AddHook(key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks[key] = true
	s.sent.Reset(key)
	return s.URL(key)
}

// URL is a hook's URL, known or not.
func (s *Server) URL(key string) string { return s.srv.URL + "/hooks/" + key }

// DisableWebhooks turns incoming webhooks off, as a system admin can.
func (s *Server) DisableWebhooks() { s.disabled.Store(true) }

// SetClock replaces the clock of the rate window.
func (s *Server) SetClock(now func() time.Time) { s.clock.Set(now) }

// FailNext makes the next n requests answer status; a 429 carries
// Retry-After and the X-Ratelimit headers.
func (s *Server) FailNext(n, status, retryAfterSeconds int) {
	s.faults.Push(n, fault{status: status, retryAfter: retryAfterSeconds})
}

// HangNext makes the next n valid requests be posted, then never answered.
func (s *Server) HangNext(n int) { s.faults.PushHang(n) }

// Posts returns every post created, oldest first.
func (s *Server) Posts() []Post { return s.rec.Messages() }

// Requests counts every request received.
func (s *Server) Requests() int { return s.rec.Requests() }

// appError writes Mattermost's error body.
func (s *Server) appError(w http.ResponseWriter, status int, id, msg string) {
	s.mu.Lock()
	s.reqID++
	rid := fmt.Sprintf("fake%022d", s.reqID)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"id": id, "message": msg, "detailed_error": "", "request_id": rid, "status_code": status})
}

func limited(w http.ResponseWriter, retryAfter int) {
	w.Header().Set("X-Ratelimit-Limit", strconv.Itoa(RateLimit))
	w.Header().Set("X-Ratelimit-Remaining", "0")
	w.Header().Set("X-Ratelimit-Reset", strconv.Itoa(retryAfter))
	w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = io.WriteString(w, "limit exceeded\n")
}

var colourRE = regexp.MustCompile(`^(#[0-9A-Fa-f]{6}|#[0-9A-Fa-f]{3}|good|warning|danger)?$`)

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.rec.Hit()
	if f, ok := s.faults.Take(); ok {
		if f.status == http.StatusTooManyRequests {
			limited(w, max(f.retryAfter, 1))
			return
		}
		s.appError(w, f.status, "app.injected.app_error", "injected failure")
		return
	}
	key, ok := strings.CutPrefix(r.URL.Path, "/hooks/")
	if !ok || strings.Contains(key, "/") || r.Method != http.MethodPost {
		s.appError(w, http.StatusNotFound, "api.context.404.app_error", "Sorry, we could not find the page.")
		return
	}
	if s.disabled.Load() {
		s.appError(w, http.StatusNotImplemented, "web.incoming_webhook.disabled.app_error", "Incoming webhooks have been disabled by the system admin.")
		return
	}
	s.mu.Lock()
	known := s.hooks[key]
	s.mu.Unlock()
	if !known {
		s.appError(w, http.StatusBadRequest, "web.incoming_webhook.invalid.app_error", "Invalid webhook.")
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		s.appError(w, http.StatusBadRequest, "web.incoming_webhook.media_type.app_error", "Could not decode the multipart payload of incoming webhook.")
		return
	}
	var body struct {
		Text        string          `json:"text"`
		Attachments json.RawMessage `json:"attachments"`
	}
	var attachments []Attachment
	if json.Unmarshal(raw, &body) != nil || (len(body.Attachments) > 0 && json.Unmarshal(body.Attachments, &attachments) != nil) {
		s.appError(w, http.StatusBadRequest, "web.incoming_webhook.decode.app_error",
			"Failed to decode the payload of media type application/json for incoming webhook "+key+".")
		return
	}
	if body.Text == "" && len(attachments) == 0 {
		s.appError(w, http.StatusBadRequest, "web.incoming_webhook.text.app_error", "No text specified.")
		return
	}
	if n := utf8.RuneCount(body.Attachments); len(attachments) > 0 && n > MaxAttachmentsChars {
		s.appError(w, http.StatusBadRequest, "web.incoming_webhook.split_props_length.app_error",
			fmt.Sprintf("Maximum attachments length is %d characters, received size is %d.", MaxAttachmentsChars, n))
		return
	}
	for i, a := range attachments {
		if a.Fallback == "" || !colourRE.MatchString(a.Color) {
			s.appError(w, http.StatusBadRequest, "model.incoming_hook.parse_data.app_error",
				fmt.Sprintf("Unable to parse incoming data: attachment %d needs a fallback and a colour such as #FF0000.", i))
			return
		}
	}
	now := s.clock.Now()
	if ok, wait := s.sent.Admit(key, now, RateLimit, RateWindow); !ok {
		limited(w, int((wait+time.Second-1)/time.Second))
		return
	}
	for i, text := range split(body.Text) {
		p := Post{Hook: key, Message: text, At: now}
		if i == 0 {
			p.Attachments = attachments
		}
		s.rec.Add(p)
	}
	if s.faults.TakeHang() {
		s.hangs.Wait(r.Context()) // posted, but the answer never comes
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, "ok")
}

// split cuts text into posts of at most MaxPostChars characters.
func split(text string) []string {
	var out []string
	for utf8.RuneCountInString(text) > MaxPostChars {
		i, n := 0, 0
		for n < MaxPostChars {
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
			n++
		}
		out = append(out, text[:i])
		text = text[i:]
	}
	return append(out, text)
}
