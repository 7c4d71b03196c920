package teams

import (
	"strings"

	"github.com/dronebot/dronebot/notify"
)

// The Adaptive Card a workflow posts, wrapped as the trigger expects: a
// message whose attachments each carry one card (contentUrl must be there,
// even null).
type message struct {
	Type        string       `json:"type"`
	Attachments []attachment `json:"attachments"`
}

type attachment struct {
	ContentType string  `json:"contentType"`
	ContentURL  *string `json:"contentUrl"`
	Content     card    `json:"content"`
}

type card struct {
	Schema  string            `json:"$schema"`
	Type    string            `json:"type"`
	Version string            `json:"version"`
	MSTeams map[string]string `json:"msteams,omitempty"`
	Body    []element         `json:"body"`
	Actions []action          `json:"actions,omitempty"`
}

// element is a TextBlock (markdown Teams understands: bold, links, lists)
// or a RichTextBlock of one run, whose text is shown as it is.
type element struct {
	Type    string `json:"type"`
	Text    string `json:"text,omitempty"`
	Inlines []run  `json:"inlines,omitempty"`
	Wrap    bool   `json:"wrap,omitempty"`
	Weight  string `json:"weight,omitempty"`
	Size    string `json:"size,omitempty"`
	Color   string `json:"color,omitempty"`
	Spacing string `json:"spacing,omitempty"`
}

type run struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	FontType string `json:"fontType,omitempty"`
	Size     string `json:"size,omitempty"`
}

type action struct {
	Type  string `json:"type"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Card identifiers.
const (
	ContentType = "application/vnd.microsoft.card.adaptive"
	CardSchema  = "http://adaptivecards.io/schemas/adaptive-card.json"
	CardVersion = "1.4"
)

// encode renders m as the trigger's message, shortening the log tail
// until the whole body fits MaxBodyBytes.
func encode(m *notify.Message) ([]byte, error) {
	return notify.FitJSON(MaxBodyBytes, MaxBodyBytes/2, func(limit int) any {
		return &message{Type: "message", Attachments: []attachment{{ContentType: ContentType, Content: cardOf(m, limit)}}}
	})
}

// cardOf lays out the markdown rendering as card elements: the title line
// as a heading, code blocks line by line in monospace runs (Adaptive Cards
// have no code blocks, and a run's text is never read as markdown), the
// other lines as text blocks; a button opens the build.
func cardOf(m *notify.Message, limit int) card {
	c := card{Schema: CardSchema, Type: "AdaptiveCard", Version: CardVersion, MSTeams: map[string]string{"width": "Full"}}
	inCode := false
	for i, line := range strings.Split(notify.Markdown(m, limit, notify.MarkdownOptions{}), "\n") {
		switch {
		case strings.HasPrefix(line, "```"):
			inCode = !inCode
		case inCode:
			if line == "" {
				line = " " // a run must have text
			}
			c.Body = append(c.Body, element{Type: "RichTextBlock", Spacing: "None",
				Inlines: []run{{Type: "TextRun", Text: line, FontType: "Monospace", Size: "Small"}}})
		case i == 0 && strings.HasPrefix(line, "## "):
			c.Body = append(c.Body, element{Type: "TextBlock", Text: strings.TrimPrefix(line, "## "), Wrap: true,
				Weight: "Bolder", Size: "Medium", Color: colour(m)})
		case strings.TrimSpace(line) != "":
			c.Body = append(c.Body, element{Type: "TextBlock", Text: line, Wrap: true, Spacing: "Small"})
		}
	}
	if len(m.Alerts) == 1 && m.Alerts[0].BuildLink != "" {
		c.Actions = []action{{Type: "Action.OpenUrl", Title: notify.PhrasesFor(m.Language()).OpenBuild, URL: m.Alerts[0].BuildLink}}
	}
	return c
}

// colours are the heading's by tone.
var colours = map[notify.Tone]string{notify.ToneInfo: "Default", notify.ToneGood: "Good", notify.ToneWarning: "Warning",
	notify.ToneBad: "Attention", notify.ToneMuted: "Default"}

func colour(m *notify.Message) string { return colours[notify.ToneOf(m)] }
