package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// postMessage serves chat.postMessage with a form body (as slack-go sends
// it, token in the form) or a JSON body (token in Authorization).
func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	var channel, text string
	var blocks []Block
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var body struct {
			Channel string  `json:"channel"`
			Text    string  `json:"text"`
			Blocks  []Block `json:"blocks"`
		}
		if err := json.Unmarshal(raw, &body); err != nil {
			s.apiAnswer(w, s.refuse("invalid_json"))
			return
		}
		channel, text, blocks = body.Channel, body.Text, body.Blocks
	} else {
		r.Body = io.NopCloser(strings.NewReader(string(raw)))
		if err := r.ParseForm(); err != nil {
			s.apiAnswer(w, s.refuse("invalid_form_data"))
			return
		}
		channel, text = r.PostForm.Get("channel"), r.PostForm.Get("text")
		if token == "" {
			token = r.PostForm.Get("token")
		}
		if b := r.PostForm.Get("blocks"); b != "" {
			if err := json.Unmarshal([]byte(b), &blocks); err != nil {
				s.apiAnswer(w, s.refuse("invalid_blocks_format"))
				return
			}
		}
	}
	s.mu.Lock()
	validToken := s.tokens[token]
	member, exists := s.channels[channel]
	s.mu.Unlock()
	reason := ""
	switch {
	case token == "":
		reason = "not_authed"
	case !strings.HasPrefix(token, "xoxb-") || !validToken:
		reason = "invalid_auth"
	case !exists:
		reason = "channel_not_found"
	case !member:
		reason = "not_in_channel"
	default:
		reason = checkMessage(text, blocks)
	}
	if reason != "" {
		s.apiAnswer(w, s.refuse(reason))
		return
	}
	wait, hung := s.accept(w, r, Message{Via: "chat.postMessage", Dest: channel, Text: text, Blocks: blocks, RawBody: raw})
	switch {
	case hung:
	case wait > 0:
		w.Header().Set("Retry-After", fmt.Sprint(wait))
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"ok":false,"error":"ratelimited"}`)
	default:
		s.apiAnswer(w, "")
	}
}

// checkMessage applies Block Kit's limits; "" means the message is fine.
func checkMessage(text string, blocks []Block) string {
	if text == "" && len(blocks) == 0 {
		return "no_text"
	}
	if len(blocks) > MaxBlocks {
		return "invalid_blocks"
	}
	ids := map[string]bool{}
	for _, b := range blocks {
		if b.BlockID != "" {
			if ids[b.BlockID] || len(b.BlockID) > 255 {
				return "invalid_blocks"
			}
			ids[b.BlockID] = true
		}
		if !blockOK(b) {
			return "invalid_blocks"
		}
	}
	return ""
}

func textOK(t *TextObject, kinds string, limit int) bool {
	return t != nil && strings.Contains(kinds, t.Type) && t.Text != "" && utf8.RuneCountInString(t.Text) <= limit
}

func blockOK(b Block) bool {
	switch b.Type {
	case "header":
		return textOK(b.Text, "plain_text", MaxHeaderText)
	case "section":
		if b.Text == nil && len(b.Fields) == 0 || len(b.Fields) > 10 {
			return false
		}
		if b.Text != nil && !textOK(b.Text, "plain_text mrkdwn", MaxSectionText) {
			return false
		}
		for _, f := range b.Fields {
			if !textOK(&f, "plain_text mrkdwn", MaxFieldText) {
				return false
			}
		}
		return true
	case "actions":
		buttons := b.Buttons()
		if len(b.Elements) == 0 || len(b.Elements) > MaxButtons || len(buttons) != len(b.Elements) {
			return false
		}
		seen := map[string]bool{}
		for _, btn := range buttons {
			if seen[btn.ActionID] || len(btn.Value) > MaxButtonValue || !textOK(&btn.Text, "plain_text", 75) {
				return false
			}
			seen[btn.ActionID] = true
		}
		return true
	case "divider":
		return true
	case "context":
		return len(b.Elements) > 0 && len(b.Elements) <= 10
	}
	return false
}
