package wecomapp

import (
	"fmt"
	"strings"

	"github.com/dronebot/dronebot/bot/intake"
	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/wecom"
)

// maxCodeLine bounds one log line so a minified blob cannot eat the message.
const maxCodeLine = 300

// render turns a reply into WeCom app markdown of at most 2048 bytes.
// App markdown has headings, bold, links, quotes and one-line inline code
// but no code blocks, so the log tail is quoted line by line. When too long
// the tail loses its oldest lines first; then the text is cut.
func render(r commands.Reply) string {
	limit := wecom.MaxAppContentBytes
	head := renderHead(r)
	tail := renderTail(r)
	code := codeLines(r.Code)
	join := func(head, code, tail []string) string {
		parts := make([]string, 0, len(head)+len(code)+len(tail))
		parts = append(append(append(parts, head...), code...), tail...)
		return strings.Join(parts, "\n")
	}
	if text := join(head, code, tail); len(text) <= limit {
		return orDone(text)
	}
	// Keep the newest log lines that fit beside everything else.
	for kept := len(code) - 1; kept > 0; kept-- {
		shown := append([]string{fmt.Sprintf("> … %d earlier lines cut", len(code)-kept)}, code[len(code)-kept:]...)
		if text := join(head, shown, tail); len(text) <= limit {
			return text
		}
	}
	// No room for the log: keep the start of the text and the links.
	if r.Code != "" {
		head = append(head, "(log tail cut: use /logs with -n for fewer lines)")
	}
	tailText := strings.Join(tail, "\n")
	room := limit - len(tailText) - len("\n…\n")
	headText := strings.Join(head, "\n")
	if room < 200 { // the links themselves are too long: drop them
		tailText, room = "", limit-len("\n…")
	}
	if len(headText) > room {
		headText = notify.TruncateBytes(headText, room, "")
		if i := strings.LastIndexByte(headText, '\n'); i > 0 {
			headText = headText[:i]
		}
		headText += "\n…"
	}
	if tailText == "" {
		return headText
	}
	return headText + "\n" + tailText
}

func orDone(text string) string {
	if strings.TrimSpace(text) == "" {
		return "done."
	}
	return text
}

func renderHead(r commands.Reply) []string {
	var lines []string
	if r.Title != "" {
		lines = append(lines, "**"+intake.LevelMark(r.Level)+oneLine(r.Title)+"**")
	} else if mark := intake.LevelMark(r.Level); mark != "" && r.Text != "" {
		r.Text = mark + r.Text
	}
	if t := strings.TrimRight(r.Text, "\n"); t != "" {
		lines = append(lines, t)
	}
	for _, f := range r.Fields {
		lines = append(lines, "**"+oneLine(f.Name)+"**: "+f.Value)
	}
	return lines
}

func renderTail(r commands.Reply) []string {
	var lines, links, next []string
	for _, l := range r.Links {
		if strings.HasPrefix(l.URL, "https://") || strings.HasPrefix(l.URL, "http://") {
			links = append(links, "["+strings.NewReplacer("[", "(", "]", ")").Replace(oneLine(l.Text))+"]("+l.URL+")")
		}
	}
	if len(links) > 0 {
		lines = append(lines, strings.Join(links, " · "))
	}
	// No buttons in app markdown: offer the commands they stand for.
	for _, b := range r.Buttons {
		next = append(next, "`"+strings.ReplaceAll(commands.ButtonCommand(b), "`", "'")+"`")
	}
	if len(next) > 0 {
		lines = append(lines, "next: "+strings.Join(next, " · "))
	}
	return lines
}

// codeLines quotes each log line; an empty line keeps its quote mark so the
// quote does not break.
func codeLines(code string) []string {
	code = strings.TrimRight(code, "\n")
	if code == "" {
		return nil
	}
	raw := strings.Split(code, "\n")
	out := make([]string, len(raw))
	for i, l := range raw {
		out[i] = "> " + notify.TruncateBytes(strings.TrimRight(l, "\r"), maxCodeLine, "…")
	}
	return out
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
