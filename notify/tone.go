package notify

import "strings"

// Tone is how a message should look, which each platform spells as a
// colour.
type Tone int

const (
	ToneInfo    Tone = iota // a notice
	ToneGood                // fixed, passed
	ToneWarning             // a warning notice
	ToneBad                 // failed, an error notice
	ToneMuted               // killed
)

// ToneOf is m's tone: the worst of its alerts', or its notice's level.
func ToneOf(m *Message) Tone {
	if m.Notice != nil {
		switch m.Notice.Level {
		case LevelError:
			return ToneBad
		case LevelWarning:
			return ToneWarning
		}
		return ToneInfo
	}
	tone := ToneGood
	for _, a := range m.Alerts {
		switch {
		case a.Outcome.Failed():
			return ToneBad
		case a.Outcome == OutcomeKilled:
			tone = ToneMuted
		}
	}
	return tone
}

// Heading splits a Markdown rendering into its heading's text, without
// the "## " and the link around it, and the rest: for platforms that show
// the heading as a title of their own.
func Heading(md string) (title, rest string) {
	first, rest, _ := strings.Cut(md, "\n")
	t, ok := strings.CutPrefix(first, "## ")
	if !ok {
		return "", md
	}
	if text, _, linked := strings.Cut(strings.TrimPrefix(t, "["), "]("); linked && strings.HasPrefix(t, "[") {
		return text, rest
	}
	return t, rest
}
