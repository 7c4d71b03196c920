package logtext

import (
	"regexp"
	"sort"
	"strings"
)

// Masked replaces every secret value.
const Masked = "****"

// minSecretLen is the shortest configured secret worth masking; shorter
// values would blank out ordinary words.
const minSecretLen = 6

// userinfoPattern finds user:pass@ in URLs; the password is group 2.
var userinfoPattern = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:)[^@\s/]+(@)`)

// secretPatterns capture a prefix to keep (group 1) and the value to hide.
var secretPatterns = []*regexp.Regexp{
	// Authorization headers and the like.
	regexp.MustCompile(`(?i)(\b(?:bearer|basic|token)\s+)[A-Za-z0-9._~+/=-]{6,}`),
	// key=value and key: value pairs, also quoted as in JSON or YAML.
	regexp.MustCompile(`(?i)((?:password|passwd|pwd|secret|token|api[_-]?key|apikey|private[_-]?key)["']?\s*[=:]\s*["']?)[^\s"'&,;]+`),
	// Secret query parameters in URLs.
	regexp.MustCompile(`(?i)([?&](?:key|token|access_token|sig|sign|signature)=)[^&\s#"']+`),
	// AWS access key ids.
	regexp.MustCompile(`()\bAKIA[0-9A-Z]{16}\b`),
	// A private key written on one line (escaped newlines in JSON, for example).
	regexp.MustCompile(`(-----BEGIN [A-Z ]*PRIVATE KEY-----).*?-----END [A-Z ]*PRIVATE KEY-----`),
}

var (
	keyBegin = regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`)
	keyEnd   = regexp.MustCompile(`-----END [A-Z ]*PRIVATE KEY-----`)
)

// Masker hides secrets in log lines. It is safe for concurrent use.
type Masker struct {
	secrets []string // longest first, so a secret containing another is masked whole
}

// NewMasker returns a Masker that also hides the given values (the bot's own
// tokens). Values shorter than 6 bytes are ignored.
func NewMasker(secrets ...string) *Masker {
	m := &Masker{}
	for _, s := range secrets {
		if len(s) >= minSecretLen {
			m.secrets = append(m.secrets, s)
		}
	}
	sort.Slice(m.secrets, func(i, j int) bool { return len(m.secrets[i]) > len(m.secrets[j]) })
	return m
}

// Mask returns line with known secrets and secret-looking values replaced by
// "****". A private key spread over several lines needs MaskLines.
func (m *Masker) Mask(line string) string {
	for _, s := range m.secrets {
		line = strings.ReplaceAll(line, s, Masked)
	}
	line = userinfoPattern.ReplaceAllString(line, "${1}"+Masked+"${2}")
	for _, p := range secretPatterns {
		line = p.ReplaceAllString(line, "${1}"+Masked)
	}
	return line
}

// MaskLines masks each line and hides the body of private-key blocks that
// span lines, from the BEGIN line through the END line. A block with no END
// is hidden to the last line.
func (m *Masker) MaskLines(lines []string) []string {
	out := make([]string, len(lines))
	inKey := false
	for i, line := range lines {
		if inKey {
			if loc := keyEnd.FindStringIndex(line); loc != nil {
				inKey = false
				out[i] = Masked + line[loc[0]:loc[1]] + m.Mask(line[loc[1]:])
			} else {
				out[i] = Masked
			}
			continue
		}
		masked := m.Mask(line)
		if loc := keyBegin.FindStringIndex(masked); loc != nil && !keyEnd.MatchString(masked[loc[1]:]) {
			inKey = true
			masked = masked[:loc[1]] + " " + Masked
		}
		out[i] = masked
	}
	return out
}
