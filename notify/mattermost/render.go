package mattermost

import (
	"encoding/json"
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
	a.Title, _ = notify.Heading(notify.Markdown(m, 0, notify.MarkdownOptions{}))
	if len(m.Alerts) == 1 {
		a.TitleLink = m.Alerts[0].BuildLink
	}
	room := MaxAttachmentsChars - 64 // the array's own brackets and quotes, with room to spare
	budget := room * 3
	for range 8 {
		_, a.Text = notify.Heading(notify.Markdown(m, budget, notify.MarkdownOptions{}))
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

// colours are the attachments' by tone.
var colours = map[notify.Tone]string{notify.ToneInfo: "#1D9BD1", notify.ToneGood: "#2EB67D", notify.ToneWarning: "#ECB22E",
	notify.ToneBad: "#E01E5A", notify.ToneMuted: "#868E96"}

func colour(m *notify.Message) string { return colours[notify.ToneOf(m)] }
