package slack

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/dronebot/dronebot/notify"
)

// maxLogLine bounds one log line so a minified blob cannot fill the
// section.
const maxLogLine = notify.MaxLogLineBytes

// ButtonValue is the value of an alert's buttons: "owner/name#N".
func ButtonValue(a *notify.Alert) string { return fmt.Sprintf("%s#%d", a.Repo, a.Build) }

// Rendered is a message as Slack takes it: blocks and the plain fallback
// shown in notifications.
type Rendered struct {
	Blocks []slackapi.Block
	Text   string
}

// Render turns m into Block Kit within Slack's limits.
func Render(m *notify.Message) Rendered {
	p := notify.PhrasesFor(m.Language())
	var blocks []slackapi.Block
	switch {
	case m.Notice != nil:
		blocks = noticeBlocks(m.Notice)
	case len(m.Alerts) == 1:
		blocks = alertBlocks(m.Alerts[0], p)
	case len(m.Alerts) > 1:
		blocks = burstBlocks(m, p)
	}
	return Rendered{Blocks: blocks, Text: fallback(m)}
}

// fallback is the notification text: the subject and, for a burst, every
// build's name.
func fallback(m *notify.Message) string {
	text := notify.Subject(m)
	if len(m.Alerts) > 1 {
		names := make([]string, len(m.Alerts))
		for i, a := range m.Alerts {
			names[i] = fmt.Sprintf("%s #%d", a.Repo, a.Build)
		}
		text += ": " + strings.Join(names, ", ")
	}
	return CutRunes(Escape(text), MaxFallbackText)
}

func noticeBlocks(n *notify.Notice) []slackapi.Block {
	blocks := []slackapi.Block{Header(n.Title)}
	for _, chunk := range ChunkLines(strings.Split(Escape(strings.TrimRight(n.Text, "\n")), "\n"), MaxSectionText) {
		if len(blocks) == MaxBlocks {
			break
		}
		if strings.TrimSpace(chunk) == "" {
			continue // Slack refuses an empty section
		}
		blocks = append(blocks, Section(chunk))
	}
	return blocks
}

func alertBlocks(a *notify.Alert, p *notify.Phrases) []slackapi.Block {
	blocks := []slackapi.Block{Header(p.Headline(a))}
	blocks = append(blocks, Section(CutLines(facts(a, p), MaxSectionText)))
	if a.Log != nil && len(a.Log.Lines)+len(a.Log.Blocks) > 0 {
		blocks = append(blocks, Section(logExcerpt(a.Log, p, MaxSectionText)))
	}
	if a.Outcome.Failed() {
		v := ButtonValue(a)
		blocks = append(blocks, slackapi.NewActionBlock("build-actions",
			slackapi.NewButtonBlockElement(ActionRestart, v, Plain(p.Restart)),
			slackapi.NewButtonBlockElement(ActionLogs, v, Plain(p.ShowLogs))))
	}
	return blocks
}

// facts is the mrkdwn body of one alert: build, commit, author, failed
// steps, build error and the first error line.
func facts(a *notify.Alert, p *notify.Phrases) string {
	var lines []string
	b := "*" + p.Build + "*: " + Link(fmt.Sprintf("#%d", a.Build), a.BuildLink)
	for _, f := range []string{a.Event, a.Branch} {
		if f != "" {
			b += " · " + Escape(f)
		}
	}
	if d := a.Duration(); d > 0 {
		b += " · " + d.Round(time.Second).String()
	}
	lines = append(lines, b)
	if a.Commit != "" || a.Title != "" {
		c := "*" + p.Commit + "*: "
		if a.Commit != "" {
			c += "`" + Escape(a.ShortCommit()) + "` "
		}
		title, _, _ := strings.Cut(a.Title, "\n")
		lines = append(lines, c+Escape(notify.TruncateBytes(strings.TrimSpace(title), 200, "…")))
	}
	if who := author(a); who != "" {
		lines = append(lines, "*"+p.Author+"*: "+who)
	}
	if len(a.FailedSteps) > 0 {
		lines = append(lines, "*"+p.FailedSteps+"*:")
		for _, st := range a.FailedSteps {
			lines = append(lines, "• "+Escape(stepText(st, p)))
		}
	}
	if a.BuildError != "" {
		lines = append(lines, "*"+p.BuildError+"*: `"+CodeSafe(notify.TruncateBytes(a.BuildError, 500, "…"))+"`")
	}
	return strings.Join(lines, "\n")
}

// author is the Slack mention when asked for and known, else the name.
func author(a *notify.Alert) string {
	if a.MentionAuthor && a.Mentions.Slack != "" {
		return "<@" + a.Mentions.Slack + ">"
	}
	switch {
	case a.AuthorName != "" && a.Author != "" && a.AuthorName != a.Author:
		return Escape(a.AuthorName + " (" + a.Author + ")")
	case a.AuthorName != "":
		return Escape(a.AuthorName)
	}
	return Escape(a.Author)
}

func stepText(st notify.FailedStep, p *notify.Phrases) string {
	name := st.Name
	if st.Stage != "" && st.Stage != st.Name {
		name = st.Stage + "/" + st.Name
	}
	t := name + ": " + fmt.Sprintf(p.Exit, st.ExitCode)
	if st.Duration > 0 {
		t += ", " + st.Duration.Round(time.Second).String()
	}
	return t
}

// logExcerpt is the log excerpt as a code block of at most limit
// characters: the tail loses its oldest lines first, then the blocks their
// last lines; a single line longer than the room loses its end.
func logExcerpt(log *notify.LogExcerpt, p *notify.Phrases, limit int) string {
	render := func(v notify.LogView) string {
		lines, shown := log.Numbered(v, p.Skipped, maxLogLine)
		for i, l := range lines {
			lines[i] = blockSafe(l)
		}
		head := "*" + fmt.Sprintf(p.LogOf, Escape(log.Step), shown, max(log.Total, len(log.Lines))) + "*\n"
		return head + "```\n" + strings.Join(lines, "\n") + "\n```"
	}
	fits := func(v notify.LogView) bool { return utf8.RuneCountInString(render(v)) <= limit }
	if v, ok := notify.FitLog(log, fits); ok && v != (notify.LogView{}) {
		return render(v)
	}
	// Not one whole line fits: the newest line, cut.
	one := notify.LogView{Tail: 1}
	if len(log.Lines) == 0 {
		one = notify.LogView{Blocks: 1}
	}
	text := render(one)
	return CutRunes(text[:len(text)-len("\n```")], limit-len("…\n```")) + "…\n```"
}

// blockSafe makes s safe as a line of a code block: only a fence would end
// it, so single backquotes (`name' in compiler messages) stay.
func blockSafe(s string) string {
	return strings.ReplaceAll(Escape(s), "```", "'''")
}

// burstBlocks lists every build of a merged burst, worst first, one line
// each; when the lines would need more blocks than Slack allows, names only.
func burstBlocks(m *notify.Message, p *notify.Phrases) []slackapi.Block {
	alerts := notify.WorstFirst(m.Alerts)
	head := Header(notify.Subject(m))
	items := make([]string, len(alerts))
	for i, a := range alerts {
		items[i] = burstItem(a, p)
	}
	chunks := ChunkLines(items, MaxSectionText)
	if len(chunks) > MaxBlocks-1 {
		names := make([]string, len(alerts))
		for i, a := range alerts {
			names[i] = Escape(fmt.Sprintf("%s #%d", a.Repo, a.Build))
		}
		chunks = ChunkLines([]string{strings.Join(names, ", ")}, MaxSectionText)
	}
	if len(chunks) > MaxBlocks-1 {
		chunks = append(chunks[:MaxBlocks-2], fmt.Sprintf(p.MoreParts, len(chunks)-(MaxBlocks-2)))
	}
	blocks := []slackapi.Block{head}
	for _, c := range chunks {
		blocks = append(blocks, Section(c))
	}
	return blocks
}

func burstItem(a *notify.Alert, p *notify.Phrases) string {
	label := p.OutcomeLabel(a)
	if i := strings.IndexByte(label, ' '); i > 0 {
		label = label[:i] // the emoji alone
	}
	t := "• " + label + " " + Link(fmt.Sprintf("%s #%d", a.Repo, a.Build), a.BuildLink)
	if a.Branch != "" {
		t += " (" + Escape(a.Branch) + ")"
	}
	var steps []string
	for _, st := range a.FailedSteps {
		steps = append(steps, stepText(st, p))
	}
	if len(steps) > 0 {
		t += " · " + Escape(strings.Join(steps, "; "))
	} else if a.BuildError != "" {
		t += " · " + Escape(notify.TruncateBytes(a.BuildError, 80, "…"))
	}
	if a.MentionAuthor && a.Mentions.Slack != "" {
		t += " <@" + a.Mentions.Slack + ">"
	}
	return CutRunes(t, MaxSectionText)
}
