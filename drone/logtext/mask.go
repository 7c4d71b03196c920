package logtext

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Masked replaces every secret value.
const Masked = "****"

// minSecretLen is the shortest configured secret worth masking; shorter
// values would blank out ordinary words.
const minSecretLen = 6

// shape is one kind of secret. In a match, the group named v is the secret
// and is replaced by Masked; the rest of the match stays, so that a reader
// still sees which key or header it was. A quoted value keeps its quotes.
type shape struct {
	name string
	// when, if set, must match the line for the shape to apply: a bare
	// 40-character string is an AWS secret key only beside a key id.
	when *regexp.Regexp
	re   *regexp.Regexp
	// random, if set, says whether a value is random enough to be a
	// secret rather than a word ("Bearer authentication failed").
	random func(v string) bool
}

// passwordKeys are the parts of a key name that make its value a secret.
const passwordKeys = `password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key`

// shapes is every kind of secret the masker knows, applied in this order.
// Private-key blocks are not here: they span lines (see KeyTracker).
var shapes = []shape{
	{name: "authorization header", re: regexp.MustCompile(
		`(?i)\b(?:proxy-)?authorization\s*:\s*(?:(?:bearer|basic|token|digest|negotiate|apikey|key)\s+)?(?P<v>[^\s'"]+)`)},
	{name: "api key header", re: regexp.MustCompile(
		`(?i)\b(?:x-api-key|api-key|x-auth-token|private-token|job-token|x-gitlab-token|x-vault-token|x-amz-security-token|x-goog-api-key)\s*:\s*(?P<v>[^\s'"]+)`)},
	{name: "cookie header", re: regexp.MustCompile(`(?i)\b(?:set-)?cookie\s*:\s*(?P<v>[^'"\r\n]+)`)},
	{name: "bearer token", re: regexp.MustCompile(`(?i)\bbearer\s+(?P<v>[A-Za-z0-9._~+/-]{12,}=*)`), random: notAWord},
	{name: "slack token", re: regexp.MustCompile(`\b(?P<v>x(?:ox[abposr]|app)-[A-Za-z0-9-]{10,})`)},
	{name: "github token", re: regexp.MustCompile(`\b(?P<v>gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})`)},
	{name: "gitlab token", re: regexp.MustCompile(`\b(?P<v>gl(?:pat|dt|rt|ptt|cbt|soat|ft|imt)-[A-Za-z0-9_-]{20,})`)},
	{name: "jwt", re: regexp.MustCompile(`\b(?P<v>eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)`)},
	{name: "aws secret key beside its id", when: awsKeyID, re: regexp.MustCompile(
		`(?:^|[^A-Za-z0-9/+=])(?P<v>[A-Za-z0-9/+]{40})(?:$|[^A-Za-z0-9/+=])`)},
	{name: "aws access key id", re: awsKeyID},
	{name: "mysql -p", re: regexp.MustCompile(
		`\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mysqlpump|mysqlsh|mariadb|mariadb-dump|mariadb-admin)\b[^|;&\n]*?\s-p(?P<v>'[^']*'|"[^"]*"|[^\s'"]+)`)},
	{name: "password-like key", re: regexp.MustCompile(
		`(?i)(?:` + passwordKeys + `)[\w-]*["']?\s*[=:]\s*(?P<v>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'&,;]+)`)},
	{name: "url userinfo", re: regexp.MustCompile(`\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@'"]*:(?P<v>[^@\s/'"]+)@`)},
	{name: "url query secret", re: regexp.MustCompile(
		`(?i)[?&](?:key|token|access_token|auth|sig|sign|signature|secret|client_secret|password|api_key|apikey|x-amz-signature|x-amz-credential|x-amz-security-token)=(?P<v>[^&\s#"']+)`)},
}

// awsKeyID matches AWS access key ids (long-term AKIA, temporary ASIA).
var awsKeyID = regexp.MustCompile(`\b(?P<v>(?:AKIA|ASIA)[0-9A-Z]{16})\b`)

// Masker hides secrets in log lines. It is safe for concurrent use.
type Masker struct {
	secrets []string // longest first, so a secret containing another is masked whole
}

// NewMasker returns a Masker that also hides the given values (the bot's own
// tokens and passwords), as they are and URL-encoded. Values shorter than 6
// bytes are ignored.
func NewMasker(secrets ...string) *Masker {
	seen := map[string]bool{}
	m := &Masker{}
	add := func(s string) {
		if len(s) >= minSecretLen && !seen[s] {
			seen[s] = true
			m.secrets = append(m.secrets, s)
		}
	}
	for _, s := range secrets {
		add(s)
		add(url.QueryEscape(s))
		add(url.PathEscape(s))
	}
	sort.Slice(m.secrets, func(i, j int) bool { return len(m.secrets[i]) > len(m.secrets[j]) })
	return m
}

// Mask returns one cleaned line with known secrets and secret-looking values
// replaced by "****". A private key on the line is masked between its BEGIN
// and END markers, and to the end of the line without END; a key spread over
// lines needs MaskFrom or MaskLines.
func (m *Masker) Mask(line string) string {
	out, _ := m.MaskFrom(line, false)
	return out
}

// MaskFrom masks line, which starts inside a private-key block when inKey,
// and reports whether a block is still open at its end.
func (m *Masker) MaskFrom(line string, inKey bool) (string, bool) {
	var b strings.Builder
	pos := 0
	for {
		start, end, found := findKeyMarker(line, pos, !inKey)
		if inKey {
			// Inside a block everything up to END is key material.
			if !found {
				b.WriteString(Masked)
				return b.String(), true
			}
			b.WriteString(Masked)
			b.WriteString(line[start:end])
			pos, inKey = end, false
			continue
		}
		if !found {
			if pos == 0 {
				return m.maskShapes(line), false
			}
			b.WriteString(m.maskShapes(line[pos:]))
			return b.String(), false
		}
		b.WriteString(m.maskShapes(line[pos:start]))
		b.WriteString(line[start:end])
		pos, inKey = end, true
	}
}

// MaskLines masks consecutive lines, hiding private-key blocks from the
// BEGIN line through the END line. A block with no END is hidden to the
// last line.
func (m *Masker) MaskLines(lines []string) []string { return m.MaskLinesFrom(lines, false) }

// MaskLinesFrom is MaskLines for lines whose first starts inside a
// private-key block when inKey.
func (m *Masker) MaskLinesFrom(lines []string, inKey bool) []string {
	out := make([]string, len(lines))
	in := inKey
	for i, line := range lines {
		out[i], in = m.MaskFrom(line, in)
	}
	return out
}

// Text cleans and masks text that may hold several lines (an error message,
// a build error), for showing or logging.
func (m *Masker) Text(s string) string {
	if !strings.ContainsAny(s, "\n\r\x1b") {
		return m.Mask(sanitize(s))
	}
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = Clean(l)
	}
	return strings.Join(m.MaskLines(lines), "\n")
}

// maskShapes applies the configured secrets, then every shape.
func (m *Masker) maskShapes(line string) string {
	for _, s := range m.secrets {
		if strings.Contains(line, s) {
			line = strings.ReplaceAll(line, s, Masked)
		}
	}
	for i := range shapes {
		line = shapes[i].mask(line)
	}
	return line
}

func (s *shape) mask(line string) string {
	if s.when != nil && !s.when.MatchString(line) {
		return line
	}
	v := s.re.SubexpIndex("v")
	matches := s.re.FindAllStringSubmatchIndex(line, -1)
	if matches == nil {
		return line
	}
	var b strings.Builder
	last := 0
	for _, loc := range matches {
		from, to := loc[2*v], loc[2*v+1]
		if from < 0 || s.random != nil && !s.random(line[from:to]) {
			continue
		}
		if to-from >= 2 && (line[from] == '"' || line[from] == '\'') && line[to-1] == line[from] {
			from, to = from+1, to-1 // keep the quotes, hide the whole quoted value
		}
		b.WriteString(line[last:from])
		b.WriteString(Masked)
		last = to
	}
	b.WriteString(line[last:])
	return b.String()
}

// notAWord reports whether v has a digit or is too long for a word.
func notAWord(v string) bool {
	return len(v) >= 24 || strings.ContainsAny(v, "0123456789")
}
