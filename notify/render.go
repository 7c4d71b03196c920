package notify

import (
	"fmt"
	"strings"
	"time"
)

// MaxLogLineBytes bounds one log line in a rendering; minified bundles and
// base64 blobs would otherwise eat the whole message. A build tool's one
// long error line (Maven's) still fits.
const MaxLogLineBytes = 1000

// burstTailLines is how many log lines each alert of a burst may show.
const burstTailLines = 5

// MarkdownOptions adapt the markdown rendering to one platform.
type MarkdownOptions struct {
	// Mention returns the @-mention of a's author in the platform's syntax,
	// or "" when it cannot or should not mention. Called only when
	// a.MentionAuthor is set.
	Mention func(a *Alert) string
	// NoCodeBlocks is for platforms without fenced code blocks (WeCom
	// markdown v1): the log tail is quoted line by line instead.
	NoCodeBlocks bool
	// Defuse turns markup in text from the build into look-alikes (see
	// DefuseMarkup), for platforms whose markdown has no escapes.
	Defuse bool
}

// Markdown renders m as markdown of at most limit UTF-8 bytes (0: no limit).
// When too long, the log tail loses its oldest lines first; then the text is
// cut at a line and rune boundary with code fences kept closed. A merged
// burst names every build, worst first, with tails only when they fit.
func Markdown(m *Message, limit int, opts MarkdownOptions) string {
	return render(m, limit, markdownSyntax(!opts.NoCodeBlocks, opts.Defuse), opts.Mention)
}

// Text renders m as plain text of at most limit bytes (0: no limit), for
// email bodies and terminals.
func Text(m *Message, limit int) string {
	return render(m, limit, plainSyntax(), nil)
}

// HTML renders m as an HTML fragment (no size limit), for email.
func HTML(m *Message) string {
	return render(m, 0, htmlSyntax(), nil)
}

// renderer carries one rendering's settings.
type renderer struct {
	s       *syntax
	p       *Phrases
	mention func(*Alert) string
}

func render(m *Message, limit int, s *syntax, mention func(*Alert) string) string {
	r := &renderer{s: s, p: PhrasesFor(m.Language()), mention: mention}
	switch {
	case m.Notice != nil:
		return cut(r.notice(m.Notice), limit, s.fenced, r.p.Cut)
	case len(m.Alerts) == 1:
		return r.single(m.Alerts[0], limit)
	case len(m.Alerts) > 1:
		return r.burst(m.Alerts, limit)
	}
	return ""
}

func (r *renderer) join(lines []string) string { return strings.Join(lines, r.s.join) }

func (r *renderer) notice(n *Notice) string {
	lines := []string{r.s.line(r.s.heading(r.s.esc(n.Title)))}
	for _, l := range strings.Split(strings.TrimRight(n.Text, "\n"), "\n") {
		lines = append(lines, r.s.line(r.s.esc(l)))
	}
	return r.join(lines)
}

// single renders one alert. The log excerpt is shortened to fit limit: the
// tail loses its oldest lines first, then the blocks their last lines.
func (r *renderer) single(a *Alert, limit int) string {
	head := r.head(a)
	if a.Log == nil || len(a.Log.Lines)+a.Log.blockLines() == 0 {
		return cut(r.join(head), limit, r.s.fenced, r.p.Cut)
	}
	text := func(v LogView) string { return r.join(append(head, r.logPart(a.Log, v)...)) }
	if limit <= 0 {
		return text(a.Log.FullView())
	}
	if v, ok := FitLog(a.Log, func(v LogView) bool { return len(text(v)) <= limit }); ok && v != (LogView{}) {
		return text(v)
	}
	withNote := r.join(append(head, r.s.line(r.s.esc(r.p.LogOmitted))))
	return cut(withNote, limit, r.s.fenced, r.p.Cut)
}

// logPart is the header and block of the log lines in view v.
func (r *renderer) logPart(log *LogExcerpt, v LogView) []string {
	lines, shown := log.Numbered(v, r.p.Skipped, MaxLogLineBytes)
	header := fmt.Sprintf(r.p.LogOf, log.Step, shown, max(log.Total, len(log.Lines)))
	out := []string{r.s.line(r.s.bold(r.s.esc(header)))}
	if len(lines) == 0 {
		lines = []string{""}
	}
	return append(out, r.s.block(lines)...)
}

// head is everything of a single alert but the log tail.
func (r *renderer) head(a *Alert) []string {
	s, p := r.s, r.p
	title := p.heading(a)
	lines := []string{s.line(s.heading(s.link(s.esc(title), a.BuildLink)))}
	buildLine := s.bold(s.esc(p.Build)) + ": " + s.link(s.esc(fmt.Sprintf("#%d", a.Build)), a.BuildLink)
	var facts []string
	for _, f := range []string{a.Event, a.Branch} {
		if f != "" {
			facts = append(facts, s.esc(f))
		}
	}
	if d := a.Duration(); d > 0 {
		facts = append(facts, fmt.Sprint(d.Round(time.Second)))
	}
	if len(facts) > 0 {
		buildLine += " · " + strings.Join(facts, " · ")
	}
	lines = append(lines, s.line(buildLine))
	if a.Commit != "" || a.Title != "" {
		c := s.bold(s.esc(p.Commit)) + ": "
		if a.Commit != "" {
			c += s.code(s.esc(a.ShortCommit())) + " "
		}
		lines = append(lines, s.line(c+s.esc(TruncateBytes(firstLine(a.Title), 200, "…"))))
	}
	if who := r.author(a); who != "" {
		lines = append(lines, s.line(s.bold(s.esc(p.Author))+": "+who))
	}
	if len(a.FailedSteps) > 0 {
		lines = append(lines, s.line(s.bold(s.esc(p.FailedSteps))+":"))
		for _, st := range a.FailedSteps {
			lines = append(lines, s.line("- "+s.esc(r.stepText(st))))
		}
	}
	if a.BuildError != "" {
		lines = append(lines, s.line(s.bold(s.esc(p.BuildError))+": "+s.code(s.esc(TruncateBytes(a.BuildError, 500, "…")))))
	}
	return lines
}

func (r *renderer) stepText(st FailedStep) string {
	name := st.Name
	if st.Stage != "" && st.Stage != st.Name {
		name = st.Stage + "/" + st.Name
	}
	t := name + ": " + fmt.Sprintf(r.p.Exit, st.ExitCode)
	if st.Duration > 0 {
		t += ", " + st.Duration.Round(time.Second).String()
	}
	return t
}

// author is the mention when asked for and possible, else name and login.
func (r *renderer) author(a *Alert) string {
	if a.MentionAuthor && r.mention != nil {
		if m := r.mention(a); m != "" {
			return m
		}
	}
	switch {
	case a.AuthorName != "" && a.Author != "" && a.AuthorName != a.Author:
		return r.s.esc(a.AuthorName + " (" + a.Author + ")")
	case a.AuthorName != "":
		return r.s.esc(a.AuthorName)
	}
	return r.s.esc(a.Author)
}

// burst renders several alerts, worst first. It tries, in order: each alert
// with its cause and a short tail; one line per alert; names only.
func (r *renderer) burst(alerts []*Alert, limit int) string {
	sorted := WorstFirst(alerts)
	head := r.s.line(r.s.heading(r.s.esc(burstTitle(r.p, sorted))))
	detailed := []string{head}
	compact := []string{head}
	for _, a := range sorted {
		item := r.s.line("- " + r.burstItem(a))
		compact = append(compact, item)
		detailed = append(detailed, item)
		if a.Log != nil && a.Log.Cause != "" {
			detailed = append(detailed, r.s.line("  "+r.s.code(r.s.esc(TruncateBytes(a.Log.Cause, 200, "…")))))
		}
		if a.Log != nil && len(a.Log.Lines) > 0 {
			lines := a.Log.Lines[max(0, len(a.Log.Lines)-burstTailLines):]
			short := make([]string, len(lines))
			for i, l := range lines {
				short[i] = TruncateBytes(l, 200, "…")
			}
			detailed = append(detailed, r.s.block(short)...)
		}
	}
	if text := r.join(detailed); limit <= 0 || len(text) <= limit {
		return text
	}
	if text := r.join(compact); len(text) <= limit {
		return text
	}
	return r.burstNames(head, sorted, limit)
}

// burstItem is one alert of a burst: outcome, linked build, branch, steps.
func (r *renderer) burstItem(a *Alert) string {
	s := r.s
	label := r.p.OutcomeLabel(a)
	if i := strings.IndexByte(label, ' '); i > 0 {
		label = label[:i] // the emoji alone
	}
	t := label + " " + s.link(s.esc(fmt.Sprintf("%s #%d", a.Repo, a.Build)), a.BuildLink)
	if a.Branch != "" {
		t += " (" + s.esc(a.Branch) + ")"
	}
	var steps []string
	for _, st := range a.FailedSteps {
		steps = append(steps, r.stepText(st))
	}
	if len(steps) > 0 {
		t += " · " + s.esc(strings.Join(steps, "; "))
	} else if a.BuildError != "" {
		t += " · " + s.esc(TruncateBytes(a.BuildError, 80, "…"))
	}
	return t
}

// burstNames lists as many builds with links as fit, then the rest by name,
// so that every build is named whenever names alone fit.
func (r *renderer) burstNames(head string, sorted []*Alert, limit int) string {
	names := make([]string, len(sorted))
	for i, a := range sorted {
		names[i] = r.s.esc(fmt.Sprintf("%s #%d", a.Repo, a.Build))
	}
	for linked := len(sorted) - 1; linked >= 0; linked-- {
		lines := []string{head}
		for _, a := range sorted[:linked] {
			lines = append(lines, r.s.line("- "+r.burstItem(a)))
		}
		if linked < len(sorted) {
			lines = append(lines, r.s.line("- "+strings.Join(names[linked:], ", ")))
		}
		if text := r.join(lines); len(text) <= limit {
			return text
		}
	}
	// Not even the names fit: name as many as possible and count the rest.
	text := head
	for i, n := range names {
		more := fmt.Sprintf(r.p.More, len(names)-i-1)
		if len(text)+len(r.s.join)+len(n)+len(r.s.join)+len(more) > limit {
			return cut(text+r.s.join+r.s.line(fmt.Sprintf(r.p.More, len(names)-i)), limit, r.s.fenced, r.p.Cut)
		}
		text += r.s.join + r.s.line("- "+n)
	}
	return text
}
