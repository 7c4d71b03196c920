package digest

import (
	"fmt"
	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/lang"
	"strings"
	"time"
)

// phrases are the words of one language; numbers and dates are formatted
// the same way in both.
type phrases struct {
	htmlLang      string
	title         string // %s: digest name
	period        string // %s, %s, %s: from, to, zone
	totals        string
	failed        string
	other         string
	success       string
	median        string
	p90           string
	redNow        string
	redLine       string // %s branch, %s since
	failingStep   string // %s step
	inARow        string // %d failures in a row
	failsMost     string
	flakyCommit   string // %s commit, %s branch, %s failed builds, %d passed build
	perDay        string
	chartAlt      string
	chartLegend   string
	nothing       string
	unwatched     string // %s globs
	more          string // %d more repositories
	footer        string
	subject       string // %s name, %d runs, %d failed, %s rate
	subjectRed    string // %d red lines, appended
	noRate        string
	listSeparator string
	colon         string
	// table headers
	colRepo, colRuns, colFailed, colRate, colMedian, colP90, colRed string
	colDate, colPassed, colFailedDay                                string
	// singular and plural nouns after a count (the same in Chinese)
	repoOne, repoMany, runOne, runMany, flakyOne, flakyMany string
}

// english and chinese are built per call: no shared mutable tables.
func english() *phrases {
	return &phrases{
		htmlLang:      "en",
		title:         "Build digest: %s",
		period:        "%s – %s (%s)",
		totals:        "Totals",
		failed:        "failed",
		other:         "other",
		success:       "success rate",
		median:        "median",
		p90:           "p90",
		redNow:        "red now",
		redLine:       "red now: %s since %s",
		failingStep:   "failing step %s",
		inARow:        "%d failures in a row",
		failsMost:     "fails most",
		flakyCommit:   "flaky? %s on %s: %s failed, #%d passed",
		perDay:        "Passed and failed builds per day",
		chartAlt:      "Chart of passed and failed builds per day",
		chartLegend:   "green: passed, red: failed",
		nothing:       "No builds were recorded in this period.",
		unwatched:     "Not watched, so builds may be missing: %s",
		more:          "… and %d more repositories",
		footer:        "Sent by dronebot.",
		subject:       "Build digest %s: %d runs, %d failed, %s success",
		subjectRed:    ", %d red now",
		noRate:        "–",
		listSeparator: ", ",
		colon:         ": ",
		colRepo:       "Repository", colRuns: "Runs", colFailed: "Failed", colRate: "Success",
		colMedian: "Median", colP90: "P90", colRed: "Red now",
		colDate: "Date", colPassed: "Passed", colFailedDay: "Failed",
		repoOne: "repository", repoMany: "repositories", runOne: "run", runMany: "runs",
		flakyOne: "flaky candidate", flakyMany: "flaky candidates",
	}
}

func chinese() *phrases {
	return &phrases{
		htmlLang:      "zh-CN",
		title:         "构建摘要：%s",
		period:        "%s 至 %s（%s）",
		totals:        "总计",
		failed:        "次失败",
		other:         "次其他",
		success:       "成功率",
		median:        "中位数",
		p90:           "P90",
		redNow:        "个分支当前失败",
		redLine:       "当前失败：%s，自 %s 起",
		failingStep:   "失败步骤 %s",
		inARow:        "连续失败 %d 次",
		failsMost:     "最常失败的步骤",
		flakyCommit:   "疑似不稳定：%s（%s）%s 失败，#%d 通过",
		perDay:        "每日通过与失败的构建数",
		chartAlt:      "每日通过与失败的构建数图表",
		chartLegend:   "绿色：通过，红色：失败",
		nothing:       "本期没有记录到构建。",
		unwatched:     "以下仓库未被监视，构建记录可能缺失：%s",
		more:          "……另有 %d 个仓库",
		footer:        "由 dronebot 发送。",
		subject:       "构建摘要 %s：%d 次构建，%d 次失败，成功率 %s",
		subjectRed:    "，%d 个分支当前失败",
		noRate:        "–",
		listSeparator: "，",
		colon:         "：",
		colRepo:       "仓库", colRuns: "构建", colFailed: "失败", colRate: "成功率",
		colMedian: "耗时中位数", colP90: "耗时 P90", colRed: "当前失败",
		colDate: "日期", colPassed: "通过", colFailedDay: "失败",
		repoOne: "个仓库", repoMany: "个仓库", runOne: "次构建", runMany: "次构建",
		flakyOne: "个疑似不稳定提交", flakyMany: "个疑似不稳定提交",
	}
}

func phrasesFor(tag string) *phrases {
	if lang.Normalize(tag) == lang.Chinese {
		return chinese()
	}
	return english()
}

// Formats shared by every rendering.
const (
	timeLayout = "2006-01-02 15:04"
	dateLayout = "2006-01-02"
)

func formatRate(c Counts, p *phrases) string {
	pct, ok := c.Rate()
	if !ok {
		return p.noRate
	}
	return fmt.Sprintf("%.1f%%", pct)
}

// formatDuration rounds to the second and leaves out zero units: "4m",
// "1m30s", "1h5m"; none is a dash.
func formatDuration(d time.Duration, p *phrases) string {
	d = d.Round(time.Second)
	if d <= 0 {
		return p.noRate
	}
	h, m, sec := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	var b strings.Builder
	for _, part := range []struct {
		n    int
		unit string
	}{{h, "h"}, {m, "m"}, {sec, "s"}} {
		if part.n > 0 {
			fmt.Fprintf(&b, "%d%s", part.n, part.unit)
		}
	}
	return b.String()
}

// count is "1 run", "2 runs".
func count(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func shortCommit(sha string) string {
	if len(sha) > 8 {
		return sha[:8]
	}
	return sha
}

func buildList(numbers []int64) string {
	parts := make([]string, len(numbers))
	for i, n := range numbers {
		parts[i] = fmt.Sprintf("#%d", n)
	}
	return strings.Join(parts, ",")
}

// zoneName names a location for people: its IANA name, or the offset.
func zoneName(t time.Time) string {
	if name := t.Location().String(); name != "" && name != "Local" {
		return name
	}
	return t.Format("MST -07:00")
}

func (r *Report) periodText(p *phrases) string {
	since, until := r.Since.In(r.Location), r.Until.In(r.Location)
	return fmt.Sprintf(p.period, since.Format(timeLayout), until.Format(timeLayout), zoneName(until))
}

// Subject is the one-line summary used as the email subject.
func Subject(r *Report, lang string) string {
	p := phrasesFor(lang)
	s := fmt.Sprintf(p.subject, r.Name, r.Totals.Runs, r.Totals.Failed, formatRate(r.Totals.Counts, p))
	if r.Totals.Red > 0 {
		s += fmt.Sprintf(p.subjectRed, r.Totals.Red)
	}
	return s
}

// totalsLine is the totals in one sentence-like line; sep "" is the
// language's list separator.
func totalsLine(r *Report, p *phrases, sep string) string {
	if sep == "" {
		sep = p.listSeparator
	}
	t := r.Totals
	parts := []string{
		count(t.Repos, p.repoOne, p.repoMany),
		count(t.Runs, p.runOne, p.runMany),
		fmt.Sprintf("%d %s", t.Failed, p.failed),
	}
	if t.Other > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", t.Other, p.other))
	}
	parts = append(parts, fmt.Sprintf("%s %s", p.success, formatRate(t.Counts, p)))
	parts = append(parts, fmt.Sprintf("%d %s", t.Red, p.redNow))
	if t.Flaky > 0 {
		parts = append(parts, count(t.Flaky, p.flakyOne, p.flakyMany))
	}
	return strings.Join(parts, sep)
}

// redText describes one red line.
func redText(l store.Line, loc *time.Location, p *phrases) string {
	s := fmt.Sprintf(p.redLine, l.Branch, l.Since.In(loc).Format(timeLayout))
	if l.FailingStep != "" {
		s += p.listSeparator + fmt.Sprintf(p.failingStep, l.FailingStep)
	}
	if l.FailCount > 1 {
		s += p.listSeparator + fmt.Sprintf(p.inARow, l.FailCount)
	}
	return s
}

func stepsText(steps []StepCount, p *phrases) string {
	parts := make([]string, len(steps))
	for i, s := range steps {
		parts[i] = fmt.Sprintf("%s ×%d", s.Step, s.Count)
	}
	return p.failsMost + p.colon + strings.Join(parts, p.listSeparator)
}

func flakyText(f Flaky, p *phrases) string {
	return fmt.Sprintf(p.flakyCommit, shortCommit(f.Commit), f.Branch, buildList(f.Failed), f.Passed)
}
