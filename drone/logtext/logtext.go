// Package logtext prepares build log lines for chat: it strips terminal
// escape sequences, masks secrets and spots lines that look like errors.
package logtext

import (
	"regexp"
	"strings"
)

// errorWord finds words that usually mean trouble; each hit is then checked
// against the harmless uses around it ("0 errors", "-Werror").
var errorWord = regexp.MustCompile(`(?i)\b(errors?|fail(?:ed|ure|s)?|fatal)\b`)

// errorMarkers are substrings that mean trouble wherever they appear.
var errorMarkers = []string{
	"panic:", "Exception", "npm ERR!", "Traceback (most recent call last)",
	"command not found", "Segmentation fault", "segmentation fault",
	"Permission denied", "No such file or directory",
}

// exitCode finds non-zero exit statuses: "exit status 2", "exit code 1",
// "exited with code 137", "returned a non-zero code: 1".
var exitCode = regexp.MustCompile(`(?i)(?:exit status|exit code|exited with code|non-zero code:?)\s*([1-9][0-9]*)`)

// harmlessBefore are word endings that make an error word a non-error.
var harmlessBefore = []string{"0 ", "no ", "without ", "-w", "-wno-", "-werror=", "ignore ", "ignoring "}

// IsErrorLine reports whether line looks like an error message.
func IsErrorLine(line string) bool {
	// apt's "E: " and pytest's "E   " assertion lines.
	if strings.HasPrefix(line, "E: ") || strings.HasPrefix(line, "E   ") {
		return true
	}
	for _, m := range errorMarkers {
		if strings.Contains(line, m) {
			return true
		}
	}
	if exitCode.MatchString(line) {
		return true
	}
	lower := strings.ToLower(line)
	for _, loc := range errorWord.FindAllStringIndex(lower, -1) {
		if !harmlessWord(lower, loc[0], loc[1]) {
			return true
		}
	}
	return false
}

// harmlessWord reports whether the error word at lower[start:end] is a
// counter at zero, a compiler flag or a file name.
func harmlessWord(lower string, start, end int) bool {
	before := lower[:start]
	for _, h := range harmlessBefore {
		if strings.HasSuffix(before, h) {
			return true
		}
	}
	after := lower[end:]
	// "error.go", "errors.ts": a file name, not a message.
	if len(after) > 1 && after[0] == '.' && after[1] >= 'a' && after[1] <= 'z' {
		return true
	}
	// "errors: 0", "failed=0", "failures: 0,".
	rest := strings.TrimLeft(after, " :=")
	return len(rest) < len(after) && strings.HasPrefix(rest, "0") && (len(rest) == 1 || !isDigit(rest[1]))
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
