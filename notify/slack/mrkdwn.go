package slack

import (
	"fmt"
	"strings"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"
)

// This file is the Slack toolkit shared by the alert sink and the command
// replies (bot/slackapp): mrkdwn escaping, links, cutting to Block Kit's
// limits and the block helpers.

// Block Kit limits (Slack's documentation), in characters.
const (
	MaxBlocks        = 50
	MaxSectionText   = 3000
	MaxSectionFields = 10
	MaxFieldText     = 2000
	MaxHeaderText    = 150
	MaxButtonText    = 75
	MaxButtonValue   = 2000
	MaxActionButtons = 25
	MaxActionBlocks  = 5
	// MaxFallbackText keeps the notification text well under Slack's
	// 40,000-character cut.
	MaxFallbackText = 4000
)

// Action ids of the buttons under alerts and replies; the Slack intake
// turns a click back into the command of the same name.
const (
	ActionRestart = "restart"
	ActionLogs    = "logs"
)

const codeFence = "```"

// escaper is read-only after construction and safe for concurrent use.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Escape applies the three escapes Slack requires in message text, so text
// from Drone (commit messages, log lines) cannot form mentions or links.
func Escape(s string) string { return escaper.Replace(s) }

// CodeSafe makes s safe inside a code span or block.
func CodeSafe(s string) string { return strings.ReplaceAll(Escape(s), "`", "'") }

// Link is <url|text> for http(s) URLs; anything else is the escaped text
// alone, so a javascript: or slack: URL from a payload is never linked.
func Link(text, u string) string {
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return Escape(text)
	}
	label := strings.ReplaceAll(Escape(text), "|", "¦")
	if label == "" {
		label = Escape(u)
	}
	return "<" + strings.NewReplacer("|", "%7C", ">", "%3E", "<", "%3C").Replace(u) + "|" + label + ">"
}

// Plain is a plain_text object with emoji.
func Plain(s string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.PlainTextType, s, true, false)
}

// Mrkdwn is a mrkdwn text object; s must be escaped already.
func Mrkdwn(s string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.MarkdownType, s, false, false)
}

// Header is a header block cut to its limit.
func Header(s string) slackapi.Block {
	return slackapi.NewHeaderBlock(Plain(CutRunes(s, MaxHeaderText)))
}

// Section is a section block of mrkdwn text.
func Section(mrkdwn string) slackapi.Block {
	return slackapi.NewSectionBlock(Mrkdwn(mrkdwn), nil, nil)
}

// CutRunes shortens s to at most n characters, marking the cut with "…".
func CutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return firstRunes(s, n-1) + "…"
}

// firstRunes is the first n characters of s.
func firstRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// LastRunes is the last n characters of s.
func LastRunes(s string, n int) string {
	skip := utf8.RuneCountInString(s) - n
	if skip <= 0 {
		return s
	}
	i := 0
	for pos := range s {
		if i == skip {
			return s[pos:]
		}
		i++
	}
	return ""
}

// CutLines cuts text to at most n characters at a line boundary.
func CutLines(text string, n int) string {
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	kept := firstRunes(text, n-2)
	if i := strings.LastIndexByte(kept, '\n'); i > 0 {
		kept = kept[:i]
	}
	return kept + "\n…"
}

// ChunkLines packs lines into texts of at most n characters each; a line
// longer than n is cut.
func ChunkLines(lines []string, n int) []string {
	var chunks []string
	cur, size := []string(nil), 0
	for _, l := range lines {
		l = CutRunes(l, n)
		ln := utf8.RuneCountInString(l)
		if len(cur) > 0 && size+1+ln > n {
			chunks = append(chunks, strings.Join(cur, "\n"))
			cur, size = nil, 0
		}
		if len(cur) > 0 {
			size++
		}
		cur, size = append(cur, l), size+ln
	}
	if len(cur) > 0 {
		chunks = append(chunks, strings.Join(cur, "\n"))
	}
	return chunks
}

// SplitText cuts text into chunks of at most limit characters, at line
// breaks where it can and inside a line only when the line alone is too
// long: nothing is dropped.
func SplitText(text string, limit int) []string {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	var lines []string
	for _, line := range strings.Split(text, "\n") {
		for utf8.RuneCountInString(line) > limit {
			head := firstRunes(line, limit)
			lines, line = append(lines, head), line[len(head):]
		}
		lines = append(lines, line)
	}
	return ChunkLines(lines, limit)
}

// CodeBlock fences code (escaped here) in at most limit characters,
// keeping its end: whole lines are dropped from the start, and a single
// line that is still too long keeps its last characters. A note says how
// many lines were cut.
func CodeBlock(code string, limit int) string {
	lines := strings.Split(strings.TrimRight(Escape(code), "\n"), "\n")
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
	last := "…" + dropBrokenEntity(line, LastRunes(line, max(room, 0)))
	return fenced(note, []string{last})
}

func cutNote(lines int) string {
	switch lines {
	case 0:
		return ""
	case 1:
		return "_1 earlier line not shown_\n"
	}
	return fmt.Sprintf("_%d earlier lines not shown_\n", lines)
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
