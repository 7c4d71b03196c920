package logtext

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// ansiPattern matches CSI sequences (colours, cursor moves), OSC sequences
// (window titles, hyperlinks) and the remaining two-byte escapes.
var ansiPattern = regexp.MustCompile(`\x1b\[[0-9:;<=>?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]`)

// Replacement stands in for bytes that are not UTF-8 and for the
// noncharacters U+FFFE and U+FFFF.
const Replacement = "\uFFFD"

// Clean makes one raw log line safe to show: it strips ANSI escape
// sequences, keeps only what a terminal would show last of a line rewritten
// with carriage returns (progress bars), drops control characters (NUL, C0
// but tab, DEL, C1) and shows invalid UTF-8 and U+FFFE/U+FFFF as U+FFFD.
func Clean(line string) string {
	line = strings.TrimRight(line, "\r\n")
	if i := strings.LastIndexByte(line, '\r'); i >= 0 {
		line = line[i+1:]
	}
	if strings.IndexByte(line, 0x1b) >= 0 {
		line = ansiPattern.ReplaceAllString(line, "")
	}
	return sanitize(line)
}

// sanitize drops control characters and replaces what is not printable
// UTF-8. Most lines are plain ASCII and are returned as they are.
func sanitize(s string) string {
	i := 0
	for i < len(s) && (s[i] >= 0x20 && s[i] < 0x7f || s[i] == '\t') {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1, r == 0xFFFE, r == 0xFFFF:
			b.WriteString(Replacement)
		case r < 0x20 && r != '\t', r >= 0x7f && r <= 0x9f:
			// control characters say nothing to a reader
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
