package commands

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Args are a command's arguments after parsing.
type Args struct {
	Positional []string
	Params     map[string]string // KEY=VALUE arguments (build parameters)
	Lines      int               // -n N; 0 when not given
	All        bool              // --all
	Tail       bool              // --tail: the plain end of a log
	Around     int               // --around LINE; 0 when not given
	Grep       string            // --grep TEXT
	Status     string            // --status S
	Event      string            // --event E
}

// maxLinesFlag bounds -n so a typo cannot ask Drone for a huge log.
const maxLinesFlag = 100000

var paramKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// token is one word of the command text; quoted is set when it began with a
// quote, which keeps "a=b" or "--all" an ordinary positional argument.
type token struct {
	text   string
	quoted bool
}

// closing maps each opening quote to its closing one; Slack and phones
// often turn straight quotes into typographic ones.
var closing = map[rune]rune{'"': '"', '\'': '\'', '“': '”', '‘': '’', '„': '“'}

// Parse reads chat text such as `/drone logs octo/demo #42 -n 50`. "/drone
// X", "/X" and a bare "X" (WeCom) mean the same; the name is lowercased and
// an empty text is "help". On a syntax error the name is still returned
// when it could be read, so the caller can show that command's usage.
func Parse(text string) (name string, args Args, err error) {
	toks, err := tokenize(text)
	name, toks = commandName(toks)
	if err != nil {
		return name, Args{}, err
	}
	args, err = classify(toks)
	return name, args, err
}

func commandName(toks []token) (string, []token) {
	name := func(t token) string {
		s := t.text
		if !t.quoted {
			s = strings.TrimPrefix(s, "/")
		}
		return strings.ToLower(s)
	}
	if len(toks) == 0 {
		return "help", nil
	}
	first := name(toks[0])
	toks = toks[1:]
	if first == "drone" {
		if len(toks) == 0 {
			return "help", nil
		}
		first = name(toks[0])
		toks = toks[1:]
	}
	if first == "" {
		first = "help"
	}
	return first, toks
}

func tokenize(text string) ([]token, error) {
	var (
		toks    []token
		cur     strings.Builder
		inTok   bool
		quoted  bool
		closeBy rune // the closing quote while inside quotes, else 0
		escaped bool
	)
	flush := func() {
		if inTok {
			toks = append(toks, token{text: cur.String(), quoted: quoted})
		}
		cur.Reset()
		inTok, quoted = false, false
	}
	for _, r := range text {
		switch {
		case closeBy != 0:
			switch {
			case escaped:
				if r != '"' && r != '\\' {
					cur.WriteRune('\\')
				}
				cur.WriteRune(r)
				escaped = false
			case r == '\\' && closeBy == '"':
				escaped = true
			case r == closeBy:
				closeBy = 0
			default:
				cur.WriteRune(r)
			}
		case unicode.IsSpace(r):
			flush()
		case closing[r] != 0:
			if !inTok {
				quoted = true
			}
			inTok = true
			closeBy = closing[r]
		default:
			inTok = true
			cur.WriteRune(r)
		}
	}
	if closeBy != 0 {
		return toks, usagef(msgQuoteNotClosed)
	}
	flush()
	return toks, nil
}

func classify(toks []token) (Args, error) {
	var a Args
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.quoted {
			a.Positional = append(a.Positional, t.text)
			continue
		}
		switch {
		case t.text == "--":
			for _, rest := range toks[i+1:] {
				a.Positional = append(a.Positional, rest.text)
			}
			return a, nil
		case t.text == "--all":
			a.All = true
		case t.text == "--tail":
			a.Tail = true
		case t.text == "--around":
			if i+1 >= len(toks) {
				return a, usagef(msgLineNeeded, t.text)
			}
			i++
			n, err := strconv.Atoi(toks[i].text)
			if err != nil || n < 1 {
				return a, usagef(msgLineNumber, t.text, toks[i].text)
			}
			a.Around = n
		case t.text == "--grep":
			if i+1 >= len(toks) || toks[i+1].text == "" {
				return a, usagef(msgGrepNeeded)
			}
			i++
			a.Grep = toks[i].text
		case t.text == "--status" || t.text == "--event":
			if i+1 >= len(toks) || toks[i+1].text == "" {
				return a, usagef(msgValueNeeded, t.text)
			}
			i++
			a.setFilter(t.text, toks[i].text)
		case strings.HasPrefix(t.text, "--status=") || strings.HasPrefix(t.text, "--event="):
			flag, v, _ := strings.Cut(t.text, "=")
			if v == "" {
				return a, usagef(msgValueNeeded, flag)
			}
			a.setFilter(flag, v)
		case t.text == "-n" || t.text == "--lines":
			if i+1 >= len(toks) {
				return a, usagef(msgLinesNeeded, t.text)
			}
			i++
			n, err := parseLines(toks[i].text)
			if err != nil {
				return a, err
			}
			a.Lines = n
		case strings.HasPrefix(t.text, "-n=") || strings.HasPrefix(t.text, "--lines="):
			_, v, _ := strings.Cut(t.text, "=")
			n, err := parseLines(v)
			if err != nil {
				return a, err
			}
			a.Lines = n
		case strings.HasPrefix(t.text, "-") && len(t.text) > 1:
			return a, usagef(msgUnknownOption, t.text)
		case paramKey.MatchString(t.text):
			k, v, _ := strings.Cut(t.text, "=")
			if a.Params == nil {
				a.Params = map[string]string{}
			}
			a.Params[k] = v
		default:
			a.Positional = append(a.Positional, t.text)
		}
	}
	return a, nil
}

func (a *Args) setFilter(flag, value string) {
	if flag == "--status" {
		a.Status = value
	} else {
		a.Event = value
	}
}

func parseLines(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, usagef(msgLinesPositive, s)
	}
	if n > maxLinesFlag {
		return 0, usagef(msgLinesMax, maxLinesFlag)
	}
	return n, nil
}

// Format writes a command back as text that Parse reads to the same name
// and arguments.
func Format(name string, a Args) string {
	var b strings.Builder
	b.WriteString("/drone ")
	b.WriteString(quoteIfNeeded(name, true))
	for _, p := range a.Positional {
		b.WriteByte(' ')
		b.WriteString(quoteIfNeeded(p, true))
	}
	keys := make([]string, 0, len(a.Params))
	for k := range a.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString(" " + k + "=" + quoteIfNeeded(a.Params[k], false))
	}
	if a.Lines > 0 {
		b.WriteString(" -n " + strconv.Itoa(a.Lines))
	}
	if a.All {
		b.WriteString(" --all")
	}
	if a.Tail {
		b.WriteString(" --tail")
	}
	if a.Around > 0 {
		b.WriteString(" --around " + strconv.Itoa(a.Around))
	}
	if a.Grep != "" {
		b.WriteString(" --grep " + quoteIfNeeded(a.Grep, true))
	}
	if a.Status != "" {
		b.WriteString(" --status " + quoteIfNeeded(a.Status, true))
	}
	if a.Event != "" {
		b.WriteString(" --event " + quoteIfNeeded(a.Event, true))
	}
	return b.String()
}

// quoteIfNeeded quotes s when Parse would otherwise split it or read it as
// something else; whole is set for stand-alone words, where a leading dash,
// slash or a KEY= prefix also needs quotes.
func quoteIfNeeded(s string, whole bool) string {
	plain := s != ""
	for _, r := range s {
		if unicode.IsSpace(r) || closing[r] != 0 || r == '\\' || r == '”' || r == '’' || r == '“' {
			plain = false
			break
		}
	}
	if whole && (strings.HasPrefix(s, "-") || strings.HasPrefix(s, "/") || paramKey.MatchString(s)) {
		plain = false
	}
	if plain {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
