// Package discordtest is a local fake of Discord's Execute Webhook
// endpoint, POST /api/webhooks/{id}/{token}. It checks what Discord
// checks: the webhook and its token, that the body is JSON, that the
// message is not empty, the length limits (content 2000, embed title 256,
// description 4096, field 256/1024, footer 2048, at most 10 embeds and 25
// fields, 6000 characters over all embeds), and the webhook's rate of 5
// requests in any 2 seconds, answering a 429 with retry_after as Discord
// does. With ?wait=true it answers the saved message, else 204.
package discordtest

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/dronebot/dronebot/notify/internal/platformfake"
)

// Limits of the fake, in characters (code points).
const (
	MaxContent     = 2000
	MaxEmbeds      = 10
	MaxTitle       = 256
	MaxDescription = 4096
	MaxFields      = 25
	MaxFieldName   = 256
	MaxFieldValue  = 1024
	MaxFooter      = 2048
	MaxAuthor      = 256
	MaxEmbedTotal  = 6000
	RateLimit      = 5
	RateWindow     = 2 * time.Second
)

// Embed is one embed as Discord stored it.
type Embed struct {
	Title       string `json:"title,omitempty"`
	URL         string `json:"url,omitempty"`
	Description string `json:"description,omitempty"`
	Color       int    `json:"color,omitempty"`
	Timestamp   string `json:"timestamp,omitempty"`
	Footer      *struct {
		Text string `json:"text"`
	} `json:"footer,omitempty"`
	Author *struct {
		Name string `json:"name"`
	} `json:"author,omitempty"`
	Fields []struct {
		Name   string `json:"name"`
		Value  string `json:"value"`
		Inline bool   `json:"inline,omitempty"`
	} `json:"fields,omitempty"`
}

// Message is one message the fake saved.
type Message struct {
	ID      string
	Webhook string
	Content string
	Embeds  []Embed
	// Parse is allowed_mentions.parse; nil when the request left
	// allowed_mentions out, so that Discord's default (everything) applies.
	Parse []string
	Wait  bool
	At    time.Time
}

type fault struct {
	status     int
	retryAfter float64
}

// Server is the fake on 127.0.0.1.
type Server struct {
	srv    *httptest.Server
	hangs  platformfake.Hangs
	clock  platformfake.Clock
	faults platformfake.Faults[fault]
	sent   platformfake.Window // per webhook
	rec    platformfake.Recorder[Message]

	mu       sync.Mutex
	webhooks map[string]string // id -> token
	next     int
}

// NewServer starts a fake with no webhooks.
func NewServer() *Server {
	s := &Server{webhooks: map[string]string{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	return s
}

// Close stops the server and releases hanging requests.
func (s *Server) Close() {
	s.hangs.Release()
	s.srv.Close()
}

// AddWebhook creates a webhook and returns its URL.
func (s *Server) AddWebhook(id, token string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhooks[id] = token
	s.sent.Reset(id)
	return s.URL(id, token)
}

// URL is a webhook's URL, known or not.
func (s *Server) URL(id, token string) string { return s.srv.URL + "/api/webhooks/" + id + "/" + token }

// SetClock replaces the clock of the rate window.
func (s *Server) SetClock(now func() time.Time) { s.clock.Set(now) }

// FailNext makes the next n requests answer status with Discord's body
// for it; a 429 says retry_after seconds.
func (s *Server) FailNext(n, status int, retryAfter float64) {
	s.faults.Push(n, fault{status: status, retryAfter: retryAfter})
}

// HangNext makes the next n valid requests be saved, then never answered.
func (s *Server) HangNext(n int) { s.faults.PushHang(n) }

// Messages returns every saved message, oldest first.
func (s *Server) Messages() []Message { return s.rec.Messages() }

// Requests counts every request received.
func (s *Server) Requests() int { return s.rec.Requests() }

func answer(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func refuse(w http.ResponseWriter, status, code int, msg string) {
	answer(w, status, map[string]any{"message": msg, "code": code})
}

// invalid is Discord's 50035 answer naming the field that broke a rule.
func invalid(w http.ResponseWriter, path, code, msg string) {
	var errs any = map[string]any{"_errors": []map[string]string{{"code": code, "message": msg}}}
	parts := strings.Split(path, ".")
	for i := len(parts) - 1; i >= 0; i-- {
		errs = map[string]any{parts[i]: errs}
	}
	answer(w, http.StatusBadRequest, map[string]any{"code": 50035, "errors": errs, "message": "Invalid Form Body"})
}

func throttled(w http.ResponseWriter, retryAfter float64) {
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(retryAfter))))
	w.Header().Set("X-RateLimit-Limit", strconv.Itoa(RateLimit))
	w.Header().Set("X-RateLimit-Remaining", "0")
	w.Header().Set("X-RateLimit-Reset-After", strconv.FormatFloat(retryAfter, 'f', 3, 64))
	w.Header().Set("X-RateLimit-Scope", "shared")
	answer(w, http.StatusTooManyRequests, map[string]any{"message": "You are being rate limited.", "retry_after": retryAfter, "global": false})
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.rec.Hit()
	if f, ok := s.faults.Take(); ok {
		if f.status == http.StatusTooManyRequests {
			throttled(w, f.retryAfter)
			return
		}
		refuse(w, f.status, 0, http.StatusText(f.status))
		return
	}
	id, token, ok := webhookOf(r.URL.Path)
	if !ok || r.Method != http.MethodPost {
		refuse(w, http.StatusNotFound, 0, "404: Not Found")
		return
	}
	s.mu.Lock()
	want, known := s.webhooks[id]
	s.mu.Unlock()
	switch {
	case !known:
		refuse(w, http.StatusNotFound, 10015, "Unknown Webhook")
		return
	case token != want:
		refuse(w, http.StatusUnauthorized, 50027, "Invalid Webhook Token")
		return
	}
	var body struct {
		Content         string  `json:"content"`
		Embeds          []Embed `json:"embeds"`
		AllowedMentions *struct {
			Parse []string `json:"parse"`
		} `json:"allowed_mentions"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		refuse(w, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return
	}
	if body.Content == "" && len(body.Embeds) == 0 {
		refuse(w, http.StatusBadRequest, 50006, "Cannot send an empty message")
		return
	}
	if path, code, msg := checkLengths(body.Content, body.Embeds); path != "" {
		invalid(w, path, code, msg)
		return
	}
	now := s.clock.Now()
	if ok, wait := s.sent.Admit(id, now, RateLimit, RateWindow); !ok {
		throttled(w, wait.Seconds())
		return
	}
	s.mu.Lock()
	s.next++
	msg := Message{ID: strconv.Itoa(1000 + s.next), Webhook: id, Content: body.Content, Embeds: body.Embeds,
		Wait: r.URL.Query().Get("wait") == "true", At: now}
	s.mu.Unlock()
	if body.AllowedMentions != nil {
		msg.Parse = append([]string{}, body.AllowedMentions.Parse...)
	}
	s.rec.Add(msg)
	switch {
	case s.faults.TakeHang():
		s.hangs.Wait(r.Context()) // saved, but the answer never comes
	case msg.Wait:
		answer(w, http.StatusOK, map[string]any{"id": msg.ID, "type": 0, "content": msg.Content, "embeds": msg.Embeds,
			"webhook_id": id, "channel_id": "900000000000000001"})
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// webhookOf reads /api/webhooks/ID/TOKEN, or /api/vN/webhooks/ID/TOKEN.
func webhookOf(path string) (id, token string, ok bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) == 5 && segs[0] == "api" && strings.HasPrefix(segs[1], "v") {
		segs = append(segs[:1], segs[2:]...)
	}
	if len(segs) != 4 || segs[0] != "api" || segs[1] != "webhooks" || segs[2] == "" || segs[3] == "" {
		return "", "", false
	}
	return segs[2], segs[3], true
}

func n(s string) int { return utf8.RuneCountInString(s) }

// checkLengths returns the first field over its limit, as Discord names
// it ("embeds.0.description"), with its error code and message.
func checkLengths(content string, embeds []Embed) (path, code, msg string) {
	tooLong := func(max int) (string, string) {
		return "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", max)
	}
	if n(content) > MaxContent {
		c, m := tooLong(MaxContent)
		return "content", c, m
	}
	if len(embeds) > MaxEmbeds {
		return "embeds", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", MaxEmbeds)
	}
	total := 0
	for i, e := range embeds {
		at := "embeds." + strconv.Itoa(i) + "."
		for _, f := range []struct {
			name, text string
			max        int
		}{{"title", e.Title, MaxTitle}, {"description", e.Description, MaxDescription}} {
			if n(f.text) > f.max {
				c, m := tooLong(f.max)
				return at + f.name, c, m
			}
			total += n(f.text)
		}
		if e.Footer != nil {
			if n(e.Footer.Text) > MaxFooter {
				c, m := tooLong(MaxFooter)
				return at + "footer.text", c, m
			}
			total += n(e.Footer.Text)
		}
		if e.Author != nil {
			if n(e.Author.Name) > MaxAuthor {
				c, m := tooLong(MaxAuthor)
				return at + "author.name", c, m
			}
			total += n(e.Author.Name)
		}
		if len(e.Fields) > MaxFields {
			c, m := tooLong(MaxFields)
			return at + "fields", c, m
		}
		for j, f := range e.Fields {
			switch {
			case f.Name == "" || f.Value == "":
				return at + "fields." + strconv.Itoa(j), "BASE_TYPE_REQUIRED", "This field is required"
			case n(f.Name) > MaxFieldName:
				c, m := tooLong(MaxFieldName)
				return at + "fields." + strconv.Itoa(j) + ".name", c, m
			case n(f.Value) > MaxFieldValue:
				c, m := tooLong(MaxFieldValue)
				return at + "fields." + strconv.Itoa(j) + ".value", c, m
			}
			total += n(f.Name) + n(f.Value)
		}
		if e.Color < 0 || e.Color > 0xFFFFFF {
			return at + "color", "NUMBER_TYPE_MAX", "int value should be less than or equal to 16777215."
		}
	}
	if total > MaxEmbedTotal {
		return "embeds", "MAX_EMBED_SIZE_EXCEEDED", fmt.Sprintf("Embed size exceeds maximum size of %d", MaxEmbedTotal)
	}
	return "", "", ""
}
