package digest

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/dronebot/dronebot/notify"
)

// RenderText is the plain-text digest: the email's text part and what the
// command line prints. The per-day table holds the chart's numbers.
func RenderText(r *Report, lang string) string {
	p := phrasesFor(lang)
	var b strings.Builder
	fmt.Fprintf(&b, p.title+"\n%s\n\n", r.Name, r.periodText(p))
	fmt.Fprintf(&b, "%s%s%s\n", p.totals, p.colon, totalsLine(r, p, ""))
	if len(r.Unwatched) > 0 {
		fmt.Fprintf(&b, "%s\n", fmt.Sprintf(p.unwatched, strings.Join(r.Unwatched, ", ")))
	}
	if len(r.Repos) == 0 {
		fmt.Fprintf(&b, "\n%s\n", p.nothing)
		return b.String()
	}

	rows := [][]string{{p.colRepo, p.colRuns, p.colFailed, p.colRate, p.colMedian, p.colP90}}
	for _, rs := range r.Repos {
		rows = append(rows, []string{rs.Repo, strconv.Itoa(rs.Runs), strconv.Itoa(rs.Failed),
			formatRate(rs.Counts, p), formatDuration(rs.Median, p), formatDuration(rs.P90, p)})
	}
	b.WriteString("\n")
	writeTable(&b, rows)

	for _, rs := range r.Repos {
		details := repoDetails(rs, r, p)
		if len(details) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s\n", rs.Repo)
		for _, d := range details {
			fmt.Fprintf(&b, "  - %s\n", d)
		}
	}

	fmt.Fprintf(&b, "\n%s\n", p.perDay)
	days := [][]string{{p.colDate, p.colPassed, p.colFailedDay}}
	for _, d := range r.Days {
		days = append(days, []string{d.Date.Format(dateLayout), strconv.Itoa(d.Passed), strconv.Itoa(d.Failed)})
	}
	writeTable(&b, days)
	fmt.Fprintf(&b, "\n%s\n", p.footer)
	return b.String()
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

// RenderMarkdown is the compact chat version of at most limit bytes
// (0: MarkdownLimit). Repositories that do not fit are counted, not shown;
// the least bad go first since the list is worst first.
func RenderMarkdown(r *Report, lang string, limit int) string {
	if limit <= 0 {
		limit = MarkdownLimit
	}
	p := phrasesFor(lang)
	head := []string{r.periodText(p), "**" + p.totals + "**" + p.colon + totalsLine(r, p, " · ")}
	if len(r.Unwatched) > 0 {
		head = append(head, fmt.Sprintf(p.unwatched, strings.Join(r.Unwatched, ", ")))
	}
	if len(r.Repos) == 0 {
		head = append(head, p.nothing)
	}
	items := make([]string, len(r.Repos))
	for i, rs := range r.Repos {
		items[i] = markdownRepo(rs, r, p)
	}
	for shown := len(items); shown >= 0; shown-- {
		lines := append(append([]string(nil), head...), items[:shown]...)
		if shown < len(items) {
			lines = append(lines, fmt.Sprintf(p.more, len(items)-shown))
		}
		if text := strings.Join(lines, "\n"); len(text) <= limit {
			return text
		}
	}
	// Even the head is too long: cut it at a rune boundary.
	return notify.TruncateBytes(strings.Join(head, "\n"), limit, "…")
}

func markdownRepo(rs RepoStats, r *Report, p *phrases) string {
	s := "- **" + rs.Repo + "**" + p.colon + strings.Join([]string{
		count(rs.Runs, p.runOne, p.runMany),
		fmt.Sprintf("%d %s", rs.Failed, p.failed),
		p.success + " " + formatRate(rs.Counts, p),
		p.median + " " + formatDuration(rs.Median, p),
		p.p90 + " " + formatDuration(rs.P90, p),
	}, p.listSeparator)
	for _, d := range repoDetails(rs, r, p) {
		s += "\n  - " + d
	}
	return s
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
