package discord

import (
	"strings"
	"unicode/utf16"

	"github.com/dronebot/dronebot/notify"
)

type payload struct {
	Content         string          `json:"content"`
	Embeds          []embed         `json:"embeds"`
	AllowedMentions allowedMentions `json:"allowed_mentions"`
}

type allowedMentions struct {
	Parse []string `json:"parse"` // empty: nobody, no role, not @everyone
}

type embed struct {
	Title       string `json:"title"`
	URL         string `json:"url,omitempty"`
	Description string `json:"description"`
	Color       int    `json:"color"`
	Footer      footer `json:"footer"`
	Timestamp   string `json:"timestamp,omitempty"`
}

type footer struct {
	Text string `json:"text"`
}

// chars counts as the strictest reading of Discord's limits does: in
// UTF-16 units, so that a character outside the BMP counts twice.
func chars(s string) int { return len(utf16.Encode([]rune(s))) }

// cutChars shortens s to at most n characters, ending in "…" when it cut.
func cutChars(s string, n int) string {
	if chars(s) <= n {
		return s
	}
	var b strings.Builder
	used := 0
	for _, r := range s {
		w := len(utf16.Encode([]rune{r}))
		if used+w > n-1 {
			break
		}
		b.WriteRune(r)
		used += w
	}
	return b.String() + "…"
}

func payloadOf(m *notify.Message) *payload {
	subject := title(m)
	e := embed{Title: cutChars(subject, MaxTitleChars), Color: colour(m), Footer: footer{Text: "dronebot"}}
	if len(m.Alerts) == 1 {
		a := m.Alerts[0]
		e.URL = a.BuildLink
		if !a.Finished.IsZero() {
			e.Timestamp = a.Finished.UTC().Format("2006-01-02T15:04:05Z07:00")
		}
	}
	room := min(MaxDescriptionChars, MaxEmbedChars-chars(e.Title)-chars(e.Footer.Text))
	e.Description = description(m, room)
	return &payload{Content: cutChars(subject, MaxContentChars), Embeds: []embed{e}, AllowedMentions: allowedMentions{Parse: []string{}}}
}

// title is the rendering's heading in the message's language ("❌ failure:
// octo/demo #42 (main)"), without its link: the embed links to the build.
func title(m *notify.Message) string {
	if t, _ := notify.Heading(notify.Markdown(m, 0, notify.MarkdownOptions{})); t != "" {
		return t
	}
	return notify.Subject(m)
}

// description is the markdown rendering without its title line (the
// embed's title shows it), in at most room characters. The rendering is
// budgeted in bytes, so it shrinks the budget until the characters fit.
func description(m *notify.Message, room int) string {
	budget := room * 3
	var md string
	for range 8 {
		_, md = notify.Heading(notify.Markdown(m, budget, notify.MarkdownOptions{}))
		n := chars(md)
		if n <= room {
			return md
		}
		budget = budget*room/n - 16
	}
	return cutChars(md, room)
}

// colours are the embeds' by tone.
var colours = map[notify.Tone]int{notify.ToneInfo: 0x1D9BD1, notify.ToneGood: 0x2EB67D, notify.ToneWarning: 0xECB22E,
	notify.ToneBad: 0xE01E5A, notify.ToneMuted: 0x868E96}

func colour(m *notify.Message) int { return colours[notify.ToneOf(m)] }
