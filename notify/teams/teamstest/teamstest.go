// Package teamstest is a local fake of a Teams Workflows webhook: the HTTP
// trigger of a Power Automate flow that posts the Adaptive Cards it is sent
// to a channel. The trigger checks what Logic Apps checks before it answers
// 202 — the signature, that the body is JSON, the trigger's schema
// (attachments, each with contentType, contentUrl and content), its rate —
// and the flow, after the answer, what the "Post card" action needs: an
// Adaptive Card of elements Teams shows, within about 28 KB. A run that
// fails there is kept in FailedRuns, as the flow's run history would.
package teamstest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dronebot/dronebot/notify/internal/platformfake"
)

// Limits and answers of the fake.
const (
	MaxCardBytes = 28000
	RateLimit    = 4
	RateWindow   = time.Second
	// MaxVersion is the newest Adaptive Card version Teams renders.
	MaxVersion = 1.5
)

// Message is one card a flow posted.
type Message struct {
	Workflow string
	Version  string
	// Title is the first text block; Texts every text block and run, in order.
	Title string
	Texts []string
	// Monospace are the runs in a monospace font (log lines).
	Monospace []string
	Links     []string // the Action.OpenUrl targets
	CardBytes int
	At        time.Time
}

// FailedRun is a flow run that accepted the request but could not post.
type FailedRun struct {
	Workflow string
	Reason   string
}

type fault struct {
	status     int
	retryAfter time.Duration
}

// Server is the fake on 127.0.0.1.
type Server struct {
	srv    *httptest.Server
	hangs  platformfake.Hangs
	clock  platformfake.Clock
	faults platformfake.Faults[fault]
	sent   platformfake.Window // per workflow
	rec    platformfake.Recorder[Message]

	mu        sync.Mutex
	workflows map[string]string // id -> sig
	failed    []FailedRun
}

// NewServer starts a fake with no workflows.
func NewServer() *Server {
	s := &Server{workflows: map[string]string{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	return s
}

// Close stops the server and releases hanging requests.
func (s *Server) Close() {
	s.hangs.Release()
	s.srv.Close()
}

// AddWorkflow creates a flow whose trigger URL carries sig, and returns it.
func (s *Server) AddWorkflow(id, sig string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.workflows[id] = sig
	s.sent.Reset(id)
	return s.URL(id, sig)
}

// URL is a workflow's trigger URL with the signature sig.
func (s *Server) URL(id, sig string) string {
	return s.srv.URL + "/workflows/" + id + "/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" + sig
}

// SetClock replaces the clock of the rate window.
func (s *Server) SetClock(now func() time.Time) { s.clock.Set(now) }

// FailNext makes the next n requests answer status; a 429 carries
// Retry-After, as throttled Logic Apps triggers do.
func (s *Server) FailNext(n, status int, retryAfter time.Duration) {
	s.faults.Push(n, fault{status: status, retryAfter: retryAfter})
}

// HangNext makes the next n valid requests be accepted and posted, then
// never answered.
func (s *Server) HangNext(n int) { s.faults.PushHang(n) }

// Messages returns every posted card, oldest first.
func (s *Server) Messages() []Message { return s.rec.Messages() }

// Requests counts every request received.
func (s *Server) Requests() int { return s.rec.Requests() }

// FailedRuns are the runs whose card could not be posted.
func (s *Server) FailedRuns() []FailedRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.failed)
}

// answer writes a Logic Apps error: {"error":{"code":…,"message":…}}.
func answer(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

func throttled(w http.ResponseWriter, after time.Duration) {
	secs := max(int((after+time.Second-1)/time.Second), 1)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	answer(w, http.StatusTooManyRequests, "WorkflowRequestsThrottled",
		fmt.Sprintf("Rate limit is exceeded. Try again in %d seconds.", secs))
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.rec.Hit()
	if f, ok := s.faults.Take(); ok {
		if f.status == http.StatusTooManyRequests {
			throttled(w, f.retryAfter)
			return
		}
		answer(w, f.status, "ServiceUnavailable", "injected failure")
		return
	}
	id, ok := workflowID(r.URL.Path)
	if !ok || r.Method != http.MethodPost {
		answer(w, http.StatusNotFound, "NotFound", "The requested resource was not found.")
		return
	}
	s.mu.Lock()
	sig, known := s.workflows[id]
	s.mu.Unlock()
	switch q := r.URL.Query(); {
	case !known:
		answer(w, http.StatusNotFound, "WorkflowNotFound", fmt.Sprintf("The workflow '%s' could not be found.", id))
		return
	case q.Get("sig") == "" || q.Get("sig") != sig:
		answer(w, http.StatusUnauthorized, "DirectApiAuthorizationRequired",
			"The request must be authenticated only by Shared Access scheme.")
		return
	}
	var body trigger
	if err := json.Unmarshal(raw, &body); err != nil {
		answer(w, http.StatusBadRequest, "InvalidRequestContent",
			"The request content is not valid and could not be deserialized: '"+err.Error()+"'.")
		return
	}
	if missing := body.missing(); missing != "" {
		answer(w, http.StatusBadRequest, "TriggerInputSchemaMismatch", "The input body for trigger 'manual' of type 'Request' "+
			"did not match its schema definition. Error details: 'Required properties are missing from object: "+missing+".'.")
		return
	}
	now := s.clock.Now()
	if ok, wait := s.sent.Admit(id, now, RateLimit, RateWindow); !ok {
		throttled(w, wait)
		return
	}
	hang := s.faults.TakeHang()
	s.run(id, body, now)
	if hang {
		s.hangs.Wait(r.Context()) // accepted, but the answer never comes
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// workflowID reads /workflows/ID/triggers/manual/paths/invoke.
func workflowID(path string) (string, bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) != 6 || segs[0] != "workflows" || segs[1] == "" || strings.Join(segs[2:], "/") != "triggers/manual/paths/invoke" {
		return "", false
	}
	return segs[1], true
}

// trigger is the body as the trigger's schema reads it: attachments are
// kept raw, as the flow parses each card itself.
type trigger struct {
	Type        string                        `json:"type"`
	Attachments *[]map[string]json.RawMessage `json:"attachments"`
}

func (t trigger) missing() string {
	if t.Attachments == nil {
		return "attachments"
	}
	for _, a := range *t.Attachments {
		for _, key := range []string{"contentType", "contentUrl", "content"} {
			if _, ok := a[key]; !ok {
				return key
			}
		}
	}
	return ""
}

// The card as the "Post card in a chat or channel" action reads it.
type card struct {
	Type    string    `json:"type"`
	Version string    `json:"version"`
	Body    []element `json:"body"`
	Actions []action  `json:"actions"`
}

type element struct {
	Type    string `json:"type"`
	Text    string `json:"text"`
	Inlines []struct {
		Type     string `json:"type"`
		Text     string `json:"text"`
		FontType string `json:"fontType"`
	} `json:"inlines"`
}

type action struct {
	Type  string `json:"type"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// run is the flow after the trigger: each attachment is posted, or the
// run fails.
func (s *Server) run(id string, body trigger, at time.Time) {
	for _, a := range *body.Attachments {
		msg, reason := post(a)
		if reason != "" {
			s.mu.Lock()
			s.failed = append(s.failed, FailedRun{Workflow: id, Reason: reason})
			s.mu.Unlock()
			continue
		}
		msg.Workflow, msg.At = id, at
		s.rec.Add(msg)
	}
}

var shownElements = []string{"TextBlock", "RichTextBlock", "FactSet", "Container", "ColumnSet", "Image", "ActionSet"}

// post checks one attachment as the Post card action does.
func post(a map[string]json.RawMessage) (Message, string) {
	var contentType string
	if json.Unmarshal(a["contentType"], &contentType) != nil || contentType != "application/vnd.microsoft.card.adaptive" {
		return Message{}, "The specified Teams flowbot adaptive card request is missing or invalid: contentType"
	}
	if len(a["content"]) > MaxCardBytes {
		return Message{}, "Request Entity too large"
	}
	var c card
	if err := json.Unmarshal(a["content"], &c); err != nil {
		return Message{}, "AdaptiveSerializationException: " + err.Error()
	}
	if c.Type != "AdaptiveCard" {
		return Message{}, "AdaptiveSerializationException: Property 'type' must be 'AdaptiveCard'"
	}
	if v, err := strconv.ParseFloat(c.Version, 64); err != nil || v > MaxVersion {
		return Message{}, fmt.Sprintf("card version %q is not one Teams renders", c.Version)
	}
	if len(c.Body) == 0 {
		return Message{}, "the card has no body"
	}
	msg := Message{Version: c.Version, CardBytes: len(a["content"])}
	for i, e := range c.Body {
		if !slices.Contains(shownElements, e.Type) {
			return Message{}, fmt.Sprintf("body[%d]: unknown element type %q", i, e.Type)
		}
		switch e.Type {
		case "TextBlock":
			if e.Text == "" {
				return Message{}, fmt.Sprintf("body[%d]: TextBlock without text", i)
			}
			if msg.Title == "" {
				msg.Title = e.Text
			}
			msg.Texts = append(msg.Texts, e.Text)
		case "RichTextBlock":
			for _, in := range e.Inlines {
				if in.Type != "TextRun" || in.Text == "" {
					return Message{}, fmt.Sprintf("body[%d]: an inline that is not a TextRun with text", i)
				}
				msg.Texts = append(msg.Texts, in.Text)
				if in.FontType == "Monospace" {
					msg.Monospace = append(msg.Monospace, in.Text)
				}
			}
		}
	}
	for i, act := range c.Actions {
		if act.Type != "Action.OpenUrl" || act.URL == "" || act.Title == "" {
			return Message{}, fmt.Sprintf("actions[%d]: not an Action.OpenUrl with a title and url", i)
		}
		msg.Links = append(msg.Links, act.URL)
	}
	return msg, ""
}
