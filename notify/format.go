package notify

import (
	"html"
	"strings"
)

// syntax is how one output format spells the few things the renderings use.
// Every text piece passes through esc before it is decorated.
type syntax struct {
	esc func(string) string
	// blockEsc is for log lines in the block; nil means esc.
	blockEsc func(string) string
	heading  func(string) string
	bold     func(string) string
	link     func(text, url string) string
	code     func(string) string // inline
	line     func(string) string // wraps each finished line
	// blockOpen/blockClose surround the log tail; blockLine prefixes each of
	// its lines. fenced says the block is a markdown code fence that must
	// stay closed when the text is cut.
	blockOpen, blockClose, blockLine string
	fenced                           bool
	join                             string
}

func identity(s string) string { return s }

// inlineSafe keeps a value from breaking out of inline code.
func inlineSafe(s string) string { return strings.ReplaceAll(s, "`", "'") }

func markdownSyntax(codeBlocks, defuse bool) *syntax {
	esc := identity
	if defuse {
		esc = DefuseMarkup
	}
	s := &syntax{
		esc:     esc,
		heading: func(t string) string { return "## " + t },
		bold:    func(t string) string { return "**" + t + "**" },
		link: func(t, u string) string {
			if u == "" {
				return t
			}
			return "[" + t + "](" + u + ")"
		},
		code: func(t string) string { return "`" + inlineSafe(t) + "`" },
		line: identity,
		join: "\n",
	}
	if codeBlocks {
		// Inside a fence nothing is markup: log lines stay as they were.
		s.blockOpen, s.blockClose, s.fenced, s.blockEsc = "```", "```", true, identity
	} else {
		s.blockLine = "> "
	}
	return s
}

func plainSyntax() *syntax {
	return &syntax{
		esc:     identity,
		heading: identity,
		bold:    identity,
		link: func(t, u string) string {
			if u == "" {
				return t
			}
			return t + " <" + u + ">"
		},
		code:      identity,
		line:      identity,
		blockLine: "    ",
		join:      "\n",
	}
}

func htmlSyntax() *syntax {
	return &syntax{
		esc:     html.EscapeString,
		heading: func(t string) string { return "<h2>" + t + "</h2>" },
		bold:    func(t string) string { return "<b>" + t + "</b>" },
		link: func(t, u string) string {
			if u == "" {
				return t
			}
			return `<a href="` + html.EscapeString(u) + `">` + t + "</a>"
		},
		code:       func(t string) string { return "<code>" + t + "</code>" },
		line:       func(t string) string { return "<div>" + t + "</div>" },
		blockOpen:  `<pre style="background:#f6f8fa;padding:8px;overflow:auto">`,
		blockClose: "</pre>",
		join:       "\n",
	}
}

// block renders the log tail lines as a block.
func (s *syntax) block(lines []string) []string {
	out := make([]string, 0, len(lines)+2)
	esc := s.blockEsc
	if esc == nil {
		esc = s.esc
	}
	if s.blockOpen != "" {
		out = append(out, s.blockOpen)
	}
	for _, l := range lines {
		if s.fenced {
			// A fence inside the tail would end the block early.
			l = strings.ReplaceAll(l, "```", "'''")
		}
		out = append(out, s.blockLine+esc(l))
	}
	if s.blockClose != "" {
		out = append(out, s.blockClose)
	}
	if s.blockOpen != "" && !s.fenced && len(out) > 2 {
		// <pre> wants its lines joined, not wrapped.
		return []string{out[0] + strings.Join(out[1:len(out)-1], "\n") + out[len(out)-1]}
	}
	return out
}

// cut shortens text to at most limit bytes at a line boundary (a rune
// boundary when one line is longer than the room), keeps a code fence
// closed and ends with marker. limit <= 0 means no limit.
func cut(text string, limit int, fenced bool, marker string) string {
	if limit <= 0 || len(text) <= limit {
		return text
	}
	const closeFence = "\n```"
	tail := "\n" + marker
	room := limit - len(tail)
	if fenced {
		room -= len(closeFence)
	}
	if room <= 0 {
		return TruncateBytes(text, limit, "")
	}
	kept := TruncateBytes(text, room, "")
	if i := strings.LastIndexByte(kept, '\n'); i > 0 {
		kept = kept[:i]
	}
	if fenced && openFence(kept) {
		// An opening fence with nothing after it is dropped, not closed.
		if i := strings.LastIndexByte(kept, '\n'); strings.HasPrefix(kept[i+1:], "```") {
			kept = kept[:max(i, 0)]
		} else {
			kept += closeFence
		}
	}
	return kept + tail
}

// openFence reports whether text ends inside a ``` code block.
func openFence(text string) bool {
	open := false
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			open = !open
		}
	}
	return open
}

// DefuseMarkup makes text from a build (commit titles, branches, names,
// log lines) unable to form links, <font> tags or <@id> mentions in chat
// markdown that has no escapes (WeCom, DingTalk and Feishu render a
// backslash literally): the "<" that opens a tag or mention and the "]"
// that ends a link's text become look-alikes; every other character stays,
// so "[Makefile:14] Error 1" and "a < b" read as they were.
func DefuseMarkup(s string) string {
	if !strings.ContainsAny(s, "<]") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		next := byte(0)
		if i+1 < len(s) {
			next = s[i+1]
		}
		switch {
		case c == '<' && (next == '/' || next == '@' || next == '!' || next|0x20 >= 'a' && next|0x20 <= 'z'):
			b.WriteString("＜")
		case c == ']' && (next == '(' || next == '['):
			b.WriteString("］")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
