package digest

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/dronebot/dronebot/notify"
)

// RenderText is the plain-text digest: the email's text part and what the
// command line prints. It holds the whole report, the charts' numbers as
// a table.
func RenderText(r *Report, lang string) string {
	p := phrasesFor(lang)
	var b strings.Builder
	fmt.Fprintf(&b, p.title+"\n%s\n\n", r.Name, r.periodText(p))
	fmt.Fprintf(&b, "%s%s%s\n", p.totals, p.colon, totalsLine(r, p, ""))
	fmt.Fprintf(&b, "%s%s%s\n", r.trendTitle(p), p.colon, trendLine(r, p, p.listSeparator))
	if s := recoveryText(r.Totals, p); s != "" {
		fmt.Fprintf(&b, "%s\n", s)
	}
	for _, s := range sourcesText(r, p) {
		fmt.Fprintf(&b, "%s\n", s)
	}
	if len(r.Repos) == 0 {
		fmt.Fprintf(&b, "\n%s\n", p.nothing)
		return b.String()
	}

	rows := [][]string{{p.colRepo, p.colRuns, p.colFailed, p.colKilled, p.colRate, p.colMedian, p.colP90}}
	for _, rs := range r.Repos {
		rows = append(rows, []string{rs.Repo, strconv.Itoa(rs.Runs), strconv.Itoa(rs.Failed), strconv.Itoa(rs.Killed + rs.Other),
			formatRate(rs.Counts, p), formatDuration(rs.Median, p), formatDuration(rs.P90, p)})
	}
	b.WriteString("\n")
	writeTable(&b, rows)

	section := func(title string, lines []string) {
		if len(lines) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s\n", title)
		for _, l := range lines {
			fmt.Fprintf(&b, "%s\n", l)
		}
	}
	var failures, breaks []string
	for _, rs := range r.Repos {
		if len(rs.Failures) > 0 {
			failures = append(failures, fmt.Sprintf("%s (%d)", rs.Repo, len(rs.Failures)))
			for _, f := range rs.Failures {
				failures = append(failures, "  - "+withURL(failureText(f, p), f.Link))
			}
		}
		for _, br := range rs.Breaks {
			broke, fixed := breakParts(br, r.Location, p)
			breaks = append(breaks, "  - "+rs.Repo+" "+br.Branch+p.colon+broke+p.listSeparator+fixed)
		}
	}
	section(p.failedBuilds, failures)
	section(p.breaks, breaks)
	var flaky, slow []string
	for _, f := range r.FlakySteps {
		flaky = append(flaky, "  - "+flakyStepText(f, p))
	}
	for _, sl := range r.Slowest {
		slow = append(slow, "  - "+withURL(slowText(sl, p), sl.Longest.Link))
	}
	section(p.flakySteps, flaky)
	section(p.slowest, slow)

	for _, rs := range r.Repos {
		var lines []string
		for _, d := range repoDetails(rs, r, p) {
			lines = append(lines, "  - "+d)
		}
		section(withURL(rs.Repo, rs.Link), lines)
	}

	title, col, layout := p.perDay, p.colDate, dateLayout
	if r.Hourly {
		title, col, layout = p.perHour, p.colHour, timeLayout
	}
	table := [][]string{{col, p.colPassed, p.colFailedDay, p.colOther, p.colMedian, p.colP90}}
	for _, k := range r.Buckets {
		if r.Hourly && k.Passed+k.Failed+k.Other == 0 {
			continue // 48 rows of mostly nothing say less than the chart
		}
		table = append(table, []string{k.Start.Format(layout), strconv.Itoa(k.Passed), strconv.Itoa(k.Failed),
			strconv.Itoa(k.Other), formatDuration(k.P50, p), formatDuration(k.P90, p)})
	}
	fmt.Fprintf(&b, "\n%s\n", title)
	writeTable(&b, table)
	fmt.Fprintf(&b, "\n%s\n", p.footer)
	return b.String()
}

// withURL is s followed by the link in angle brackets, for plain text.
func withURL(s, link string) string {
	if link == "" {
		return s
	}
	return s + " <" + link + ">"
}

// repoDetails are the lines under a repository: red lines, the steps that
// fail most, flaky candidates.
func repoDetails(rs RepoStats, r *Report, p *phrases) []string {
	var out []string
	for _, l := range rs.Red {
		out = append(out, redText(l, r.Location, p))
	}
	if len(rs.FailingSteps) > 0 {
		out = append(out, stepsText(rs.FailingSteps, p))
	}
	for _, f := range rs.Flaky {
		out = append(out, flakyText(f, p))
	}
	return out
}

// writeTable aligns columns by display width (CJK characters take two
// cells): the first column left, the others right.
func writeTable(b *strings.Builder, rows [][]string) {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(cell))
		}
	}
	for _, row := range rows {
		var line strings.Builder
		for i, cell := range row {
			pad := strings.Repeat(" ", widths[i]-displayWidth(cell))
			if i == 0 {
				line.WriteString(cell + pad)
			} else {
				line.WriteString("  " + pad + cell)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r), r >= 0x3000 && r <= 0x303f, r >= 0xff00 && r <= 0xffef:
			w += 2
		default:
			w++
		}
	}
	return w
}

// MarkdownLimit keeps the chat version within the smallest chat limit
// (WeCom app messages, 2048 bytes) with room for the title.
const MarkdownLimit = 1800

// maxChatRepos is how many of the worst repositories a chat digest names.
const maxChatRepos = 5

// RenderMarkdown is the chat version of at most limit bytes (0:
// MarkdownLimit): the headline numbers with their trend and the worst
// repositories, with links to Drone; the mail has the rest. Repositories
// that do not fit are counted, not shown.
func RenderMarkdown(r *Report, lang string, limit int) string {
	if limit <= 0 {
		limit = MarkdownLimit
	}
	p := phrasesFor(lang)
	runs := mdLink(count(r.Totals.Runs, p.runOne, p.runMany), r.DroneURL)
	head := []string{r.periodText(p),
		"**" + p.totals + "**" + p.colon + runs + p.listSeparator + headline(r, p),
		"**" + r.trendTitle(p) + "**" + p.colon + trendLine(r, p, " · ")}
	if s := recoveryText(r.Totals, p); s != "" {
		head = append(head, s)
	}
	head = append(head, sourcesText(r, p)...)
	if len(r.Repos) == 0 {
		head = append(head, p.nothing)
	}
	var bad []RepoStats
	for _, rs := range r.Repos {
		if rs.Failed > 0 || len(rs.Red) > 0 {
			bad = append(bad, rs)
		}
	}
	if len(r.Repos) > 0 && len(bad) == 0 {
		head = append(head, p.allGreen)
	}
	items := make([]string, len(bad))
	for i, rs := range bad {
		items[i] = markdownRepo(rs, p)
	}
	if len(items) > 0 {
		head = append(head, "**"+p.worst+"**")
	}
	for shown := min(len(items), maxChatRepos); shown >= 0; shown-- {
		lines := append(append([]string(nil), head...), items[:shown]...)
		if shown < len(items) {
			lines = append(lines, fmt.Sprintf(p.more, count(len(items)-shown, p.moreOne, p.moreMany)))
		}
		if text := strings.Join(lines, "\n"); len(text) <= limit {
			return text
		}
	}
	// Even the head is too long: cut it at a rune boundary.
	return notify.TruncateBytes(strings.Join(head, "\n"), limit, "…")
}

// headline is the totals after the runs: failed, killed, rate, red, flaky.
func headline(r *Report, p *phrases) string {
	t := r.Totals
	parts := []string{fmt.Sprintf("%d %s", t.Failed, p.failed)}
	if t.Killed > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", t.Killed, p.killed))
	}
	parts = append(parts, p.success+" "+formatRate(t.Counts, p), fmt.Sprintf("%d %s", t.Red, p.redNow))
	if t.Flaky > 0 {
		parts = append(parts, count(t.Flaky, p.flakyOne, p.flakyMany))
	}
	return strings.Join(parts, p.listSeparator)
}

// markdownRepo is one repository in a chat digest: its numbers, its red
// lines and its newest failure, linked.
func markdownRepo(rs RepoStats, p *phrases) string {
	parts := []string{
		count(rs.Runs, p.runOne, p.runMany),
		fmt.Sprintf("%d %s", rs.Failed, p.failed),
		p.success + " " + formatRate(rs.Counts, p),
	}
	s := "- " + mdLink("**"+rs.Repo+"**", rs.Link) + p.colon + strings.Join(parts, p.listSeparator)
	if len(rs.Red) > 0 {
		branches := make([]string, len(rs.Red))
		for i, l := range rs.Red {
			branches[i] = l.Branch
		}
		s += p.listSeparator + fmt.Sprintf(p.redBranches, strings.Join(branches, ", "))
	}
	if len(rs.Failures) > 0 {
		f := rs.Failures[0]
		s += "\n  - " + mdLink(fmt.Sprintf("#%d", f.Number), f.Link) + strings.TrimPrefix(failureText(f, p), fmt.Sprintf("#%d", f.Number))
	}
	return s
}

// mdLink is [text](link), or text without a link.
func mdLink(text, link string) string {
	if link == "" {
		return text
	}
	return "[" + text + "](" + link + ")"
}

// Notice is the chat version of the report for the digest's chat sinks.
func Notice(r *Report, lang string) *notify.Notice {
	level := notify.LevelInfo
	if r.Totals.Red > 0 {
		level = notify.LevelWarning
	}
	return &notify.Notice{
		Title: fmt.Sprintf(phrasesFor(lang).title, r.Name),
		Text:  RenderMarkdown(r, lang, MarkdownLimit),
		Level: level,
	}
}
