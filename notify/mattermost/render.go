package mattermost

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/dronebot/dronebot/notify"
)

type payload struct {
	Text        string       `json:"text"`
	Attachments []attachment `json:"attachments"`
}

type attachment struct {
	Fallback  string `json:"fallback"`
	Color     string `json:"color"`
	Title     string `json:"title"`
	TitleLink string `json:"title_link,omitempty"`
	Text      string `json:"text"`
	Footer    string `json:"footer"`
}

func payloadOf(m *notify.Message) *payload {
	a := attachment{Fallback: notify.Subject(m), Color: colour(m), Footer: "dronebot"}
	md := notify.Markdown(m, 0, notify.MarkdownOptions{})
	a.Title = titleOf(md)
	if len(m.Alerts) == 1 {
		a.TitleLink = m.Alerts[0].BuildLink
	}
	room := MaxAttachmentsChars - 64 // the array's own brackets and quotes, with room to spare
	budget := room * 3
	for range 8 {
		a.Text = body(notify.Markdown(m, budget, notify.MarkdownOptions{}))
		n := chars([]attachment{a})
		if n <= room {
			break
		}
		budget = budget*room/n - 32
	}
	return &payload{Attachments: []attachment{a}}
}

// chars is how Mattermost measures attachments: the characters of their JSON.
func chars(as []attachment) int {
	b, _ := json.Marshal(as)
	return utf8.RuneCount(b)
}

// titleOf is the rendering's heading without its link: the title links
// to the build.
func titleOf(md string) string {
	first, _, _ := strings.Cut(md, "\n")
	t, ok := strings.CutPrefix(first, "## ")
	if !ok {
		return first
	}
	if text, _, linked := strings.Cut(strings.TrimPrefix(t, "["), "]("); linked && strings.HasPrefix(t, "[") {
		return text
	}
	return t
}

// body is the rendering without its heading.
func body(md string) string {
	if first, rest, ok := strings.Cut(md, "\n"); ok && strings.HasPrefix(first, "## ") {
		return rest
	}
	return md
}

// Attachment colours.
const (
	red   = "#E01E5A"
	green = "#2EB67D"
	amber = "#ECB22E"
	grey  = "#868E96"
	blue  = "#1D9BD1"
)

func colour(m *notify.Message) string {
	if m.Notice != nil {
		switch m.Notice.Level {
		case notify.LevelError:
			return red
		case notify.LevelWarning:
			return amber
		}
		return blue
	}
	c := green
	for _, a := range m.Alerts {
		switch {
		case a.Outcome.Failed():
			return red
		case a.Outcome == notify.OutcomeKilled:
			c = grey
		}
	}
	return c
}
