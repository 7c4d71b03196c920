package slackapp

import (
	"fmt"
	"strings"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/dronebot/dronebot/bot/intake"
	"github.com/dronebot/dronebot/commands"
)

// Slack's Block Kit limits for one message.
const (
	maxBlocks        = 50
	maxSectionText   = 3000
	maxSectionFields = 10
	maxFieldText     = 2000
	maxHeaderText    = 150
	maxButtonText    = 75
	maxButtonValue   = 2000
	maxActionButtons = 25
	// maxFallbackText keeps the notification text well under Slack's 40,000
	// character cut.
	maxFallbackText = 4000
)

const codeFence = "```"

// message is what a reply becomes on Slack: blocks plus the plain-text
// fallback shown in notifications and by clients without Block Kit.
type message struct {
	Blocks []slackapi.Block
	Text   string
	Public bool
}

// render turns a platform-neutral reply into a Slack message within Block
// Kit's limits. The log tail is cut from its start so the last lines stay.
func render(r commands.Reply) message {
	var head, body, tail []slackapi.Block
	if r.Title != "" {
		head = append(head, slackapi.NewHeaderBlock(plain(cutRunes(intake.LevelMark(r.Level)+r.Title, maxHeaderText))))
	}
	for _, chunk := range splitLines(escape(r.Text), maxSectionText) {
		body = append(body, slackapi.NewSectionBlock(mrkdwn(chunk), nil, nil))
	}
	for i := 0; i < len(r.Fields); i += maxSectionFields {
		var fields []*slackapi.TextBlockObject
		for _, f := range r.Fields[i:min(i+maxSectionFields, len(r.Fields))] {
			text := "*" + escape(f.Name) + "*\n" + escape(f.Value)
			fields = append(fields, mrkdwn(cutRunes(text, maxFieldText)))
		}
		body = append(body, slackapi.NewSectionBlock(nil, fields, nil))
	}
	if r.Code != "" {
		tail = append(tail, slackapi.NewSectionBlock(mrkdwn(codeBlock(r.Code, maxSectionText)), nil, nil))
	}
	if links := renderLinks(r.Links); links != "" {
		tail = append(tail, slackapi.NewSectionBlock(mrkdwn(links), nil, nil))
	}
	tail = append(tail, actionBlocks(r.Buttons)...)

	// Over the block limit the middle gives way: the title, the log tail,
	// the links and the buttons are what people act on.
	if room := maxBlocks - len(head) - len(tail); len(body) > room {
		body = append(body[:max(room-1, 0)],
			slackapi.NewContextBlock("", mrkdwn("… the rest did not fit in one Slack message.")))
	}
	blocks := make([]slackapi.Block, 0, len(head)+len(body)+len(tail))
	blocks = append(append(append(blocks, head...), body...), tail...)
	if len(blocks) > maxBlocks {
		blocks = blocks[:maxBlocks]
	}
	return message{Blocks: blocks, Text: fallbackText(r), Public: r.Public}
}

func fallbackText(r commands.Reply) string {
	text := strings.TrimSpace(r.Title + "\n" + r.Text)
	if text == "" && r.Code != "" {
		text = "log tail"
	}
	return cutRunes(escape(text), maxFallbackText)
}

func plain(s string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.PlainTextType, s, true, false)
}

func mrkdwn(s string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.MarkdownType, s, false, false)
}

// escape applies the three escapes Slack requires in message text, so text
// from Drone (commit messages, log lines) cannot form mentions or links.
func escape(s string) string { return slackEscaper.Replace(s) }

// slackEscaper is read-only after construction and safe for concurrent use.
var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// renderLinks writes the links as Slack mrkdwn <url|text> pairs; only http(s)
// URLs are linked.
func renderLinks(links []commands.Link) string {
	var parts []string
	for _, l := range links {
		if !strings.HasPrefix(l.URL, "https://") && !strings.HasPrefix(l.URL, "http://") {
			continue
		}
		text := strings.NewReplacer("|", "¦").Replace(escape(l.Text))
		if text == "" {
			text = escape(l.URL)
		}
		parts = append(parts, "<"+strings.NewReplacer("|", "%7C", ">", "%3E", "<", "%3C").Replace(l.URL)+"|"+text+">")
	}
	return cutRunes(strings.Join(parts, "  ·  "), maxSectionText)
}

// actionBlocks turns buttons into actions blocks. Slack wants action ids
// unique within a block, so a repeated action starts a new block.
func actionBlocks(buttons []commands.Button) []slackapi.Block {
	var blocks []slackapi.Block
	var current []slackapi.BlockElement
	seen := map[string]bool{}
	flush := func() {
		if len(current) > 0 {
			blocks = append(blocks, slackapi.NewActionBlock(fmt.Sprintf("buttons-%d", len(blocks)+1), current...))
		}
		current, seen = nil, map[string]bool{}
	}
	for _, b := range buttons {
		if b.Action == "" || len(b.Value) > maxButtonValue {
			continue
		}
		if seen[b.Action] || len(current) == maxActionButtons {
			flush()
		}
		seen[b.Action] = true
		current = append(current, slackapi.NewButtonBlockElement(b.Action, b.Value, plain(cutRunes(b.Text, maxButtonText))))
	}
	flush()
	if len(blocks) > 5 {
		blocks = blocks[:5]
	}
	return blocks
}

// codeBlock fences a log tail in at most limit characters, keeping its end:
// whole lines are dropped from the start, and a single line that is still
// too long keeps its last runes. A note says how many lines were cut.
func codeBlock(code string, limit int) string {
	lines := strings.Split(strings.TrimRight(escape(code), "\n"), "\n")
	fenced := func(note string, lines []string) string {
		return note + codeFence + "\n" + strings.Join(lines, "\n") + "\n" + codeFence
	}
	if s := fenced("", lines); utf8.RuneCountInString(s) <= limit {
		return s
	}
	cut := 0
	for cut < len(lines)-1 {
		cut++
		if s := fenced(cutNote(cut), lines[cut:]); utf8.RuneCountInString(s) <= limit {
			return s
		}
	}
	// One line left and still too long: keep its end.
	note := cutNote(cut)
	room := limit - utf8.RuneCountInString(fenced(note, []string{""})) - 1
	line := lines[len(lines)-1]
	last := "…" + dropBrokenEntity(line, keepLastRunes(line, max(room, 0)))
	return fenced(note, []string{last})
}

func cutNote(lines int) string {
	if lines == 0 {
		return ""
	}
	if lines == 1 {
		return "_1 earlier line not shown_\n"
	}
	return fmt.Sprintf("_%d earlier lines not shown_\n", lines)
}

// splitLines cuts text into chunks of at most limit runes, at line breaks
// where it can and at rune boundaries where a line alone is too long.
func splitLines(text string, limit int) []string {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	var chunks []string
	var cur strings.Builder
	curLen := 0
	for _, line := range strings.Split(text, "\n") {
		for utf8.RuneCountInString(line) > limit {
			if curLen > 0 {
				chunks, curLen = append(chunks, cur.String()), 0
				cur.Reset()
			}
			head := cutRunesExact(line, limit)
			chunks = append(chunks, head)
			line = line[len(head):]
		}
		n := utf8.RuneCountInString(line)
		if curLen > 0 && curLen+1+n > limit {
			chunks, curLen = append(chunks, cur.String()), 0
			cur.Reset()
		}
		if curLen > 0 {
			cur.WriteByte('\n')
			curLen++
		}
		cur.WriteString(line)
		curLen += n
	}
	if curLen > 0 {
		chunks = append(chunks, cur.String())
	}
	return chunks
}

// cutRunes shortens s to at most n runes, marking the cut with "…".
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return cutRunesExact(s, n-1) + "…"
}

// cutRunesExact is the first n runes of s.
func cutRunesExact(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// dropBrokenEntity removes from kept, the end of line, the remains of an
// escape ("mp;", "t;") that the cut split.
func dropBrokenEntity(line, kept string) string {
	cut := len(line) - len(kept)
	amp := strings.LastIndexByte(line[:cut], '&')
	if amp < 0 || cut-amp > 4 || strings.Contains(line[amp:cut], ";") {
		return kept
	}
	if semi := strings.IndexByte(kept, ';'); semi >= 0 && semi < 4 {
		return kept[semi+1:]
	}
	return kept
}

// keepLastRunes is the last n runes of s.
func keepLastRunes(s string, n int) string {
	count := utf8.RuneCountInString(s)
	if count <= n {
		return s
	}
	skip := count - n
	i := 0
	for pos := range s {
		if i == skip {
			return s[pos:]
		}
		i++
	}
	return ""
}
