package feishu

import (
	"github.com/dronebot/dronebot/lang"
	"strings"

	"github.com/dronebot/dronebot/notify"
)

// signature is the optional timestamp and sign, sent as body fields.
type signature struct {
	Timestamp string `json:"timestamp,omitempty"`
	Sign      string `json:"sign,omitempty"`
}

type text struct {
	Tag     string `json:"tag"`
	Content string `json:"content"`
}

type cardHeader struct {
	Title    text   `json:"title"`
	Template string `json:"template"`
}

type element struct {
	Tag     string   `json:"tag"`
	Content string   `json:"content,omitempty"` // markdown
	Actions []button `json:"actions,omitempty"` // action
}

type button struct {
	Tag  string `json:"tag"`
	Text text   `json:"text"`
	URL  string `json:"url"`
	Type string `json:"type"`
}

type card struct {
	Config   map[string]bool `json:"config"`
	Header   cardHeader      `json:"header"`
	Elements []element       `json:"elements"`
}

type postPart struct {
	Tag  string `json:"tag"`
	Text string `json:"text,omitempty"`
	Href string `json:"href,omitempty"`
}

type postBody struct {
	Title   string       `json:"title"`
	Content [][]postPart `json:"content"`
}

type payload struct {
	signature
	MsgType string `json:"msg_type"`
	Card    *card  `json:"card,omitempty"`
	Content any    `json:"content,omitempty"`
}

// encode renders m in format and fits the whole body in MaxBodyBytes,
// shortening the log tail first. JSON escaping makes the body longer than
// the text, so it measures and tries again.
func encode(m *notify.Message, format string, sig signature) ([]byte, error) {
	limit := MaxBodyBytes - 1024
	return notify.FitJSON(MaxBodyBytes, limit, func(limit int) any {
		p := &payload{signature: sig}
		if format == FormatPost {
			p.MsgType, p.Content = "post", postContent(m, limit)
		} else {
			p.MsgType, p.Card = "interactive", cardOf(m, limit)
		}
		return p
	})
}

// cardOf is an interactive card: the subject in a header coloured by
// outcome, the markdown rendering as its body, and a button to the build.
func cardOf(m *notify.Message, limit int) *card {
	// The header already shows the title line.
	_, md := notify.Heading(notify.Markdown(m, limit, notify.MarkdownOptions{Defuse: true}))
	c := &card{
		Config:   map[string]bool{"wide_screen_mode": true},
		Header:   cardHeader{Title: text{Tag: "plain_text", Content: notify.TruncateBytes(notify.Subject(m), 300, "…")}, Template: template(m)},
		Elements: []element{{Tag: "markdown", Content: md}},
	}
	if len(m.Alerts) == 1 && m.Alerts[0].BuildLink != "" {
		label := notify.PhrasesFor(m.Language()).OpenBuild
		c.Elements = append(c.Elements, element{Tag: "action", Actions: []button{{
			Tag: "button", Text: text{Tag: "plain_text", Content: label}, URL: m.Alerts[0].BuildLink, Type: "primary",
		}}})
	}
	return c
}

// template is the card header colour.
func template(m *notify.Message) string {
	return map[notify.Tone]string{notify.ToneInfo: "blue", notify.ToneGood: "green", notify.ToneWarning: "orange",
		notify.ToneBad: "red", notify.ToneMuted: "grey"}[notify.ToneOf(m)]
}

// postContent is rich text: one paragraph per line of the text rendering,
// under the language's key.
func postContent(m *notify.Message, limit int) any {
	lines := strings.Split(notify.Text(m, limit), "\n")
	paragraphs := make([][]postPart, 0, len(lines))
	for _, l := range lines {
		paragraphs = append(paragraphs, []postPart{{Tag: "text", Text: l}})
	}
	locale := "en_us" // Feishu's post locales
	if m.Language() == lang.Chinese {
		locale = "zh_cn"
	}
	body := postBody{Title: notify.TruncateBytes(notify.Subject(m), 300, "…"), Content: paragraphs}
	return map[string]any{"post": map[string]postBody{locale: body}}
}
