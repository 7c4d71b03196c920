package digest

import (
	"fmt"
	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/lang"
	"math"
	"strconv"
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
	killed        string
	other         string
	success       string
	median        string
	p90           string
	redNow        string
	redLine       string // %s branch, %s since
	redBranches   string // %s branches
	failingStep   string // %s step
	inARow        string // %d failures in a row
	failsMost     string
	flakyCommit   string // %s commit, %s branch, %s failed builds, %d passed build
	perDay        string
	perHour       string
	chartAlt      string
	chartLegend   string
	durationAlt   string
	durationNote  string
	nothing       string
	unwatched     string // %s globs
	fromDrone     string // %s: n builds
	missing       string // %s spans, %s why
	more          string // %s: n repositories
	footer        string
	subject       string // %s name, %d runs, %d failed, %s rate
	subjectRed    string // %d red lines, appended
	noRate        string
	listSeparator string
	colon         string
	// the trend
	trend       string // %s: the length of the period
	trendRuns   string
	trendRate   string
	trendMedian string
	versus      string // %s previous value
	points      string // unit of a rate difference
	noPrevious  string
	// sections
	failedBuilds, breaks, flakySteps, slowest, worst string
	brokeBy                                          string // %s build, %s who
	fixedBy                                          string // %s build, %s who, %s recovery
	fixedByOnly                                      string // %s build, %s who: the break is not known
	stillRed                                         string // %d failures
	brokeBefore                                      string
	byAuthor                                         string // %s author
	stepName                                         string // %s step
	recovery                                         string // %s median, %d lines
	flakyStep                                        string // %d failures, %d commits
	slowRepo                                         string // %s median, %s p90; the longest build follows
	allGreen                                         string
	// table headers
	colRepo, colRuns, colFailed, colKilled, colRate, colMedian, colP90, colRed string
	colFailRate, colDate, colHour, colPassed, colFailedDay, colOther           string
	colBuild, colBranch, colCommit, colAuthor, colStep                         string
	// singular and plural nouns after a count (the same in Chinese)
	repoOne, repoMany, runOne, runMany, flakyOne, flakyMany string
	hourOne, hourMany, dayOne, dayMany, fixedOne, fixedMany string
	failureOne, failureMany, commitOne, commitMany          string
	moreOne, moreMany, buildOne, buildMany                  string
}

// phrasesIn fills the table with tr(English, Chinese) of every phrase, so
// that each stands beside its translation.
func phrasesIn(tr func(en, zh string) string) *phrases {
	return &phrases{
		htmlLang:      tr("en", "zh-CN"),
		title:         tr("Build digest: %s", "构建摘要：%s"),
		period:        tr("%s – %s (%s)", "%s 至 %s（%s）"),
		totals:        tr("Totals", "总计"),
		failed:        tr("failed", "次失败"),
		killed:        tr("killed", "次取消"),
		other:         tr("other", "次其他"),
		success:       tr("success rate", "成功率"),
		median:        tr("median", "中位数"),
		p90:           tr("p90", "P90"),
		redNow:        tr("red now", "个分支当前失败"),
		redLine:       tr("red now: %s since %s", "当前失败：%s，自 %s 起"),
		redBranches:   tr("red now: %s", "当前失败：%s"),
		failingStep:   tr("failing step %s", "失败步骤 %s"),
		inARow:        tr("%d failures in a row", "连续失败 %d 次"),
		failsMost:     tr("fails most", "最常失败的步骤"),
		flakyCommit:   tr("flaky? %s on %s: %s failed, #%d passed", "疑似不稳定：%s（%s）%s 失败，#%d 通过"),
		perDay:        tr("Builds per day", "每日构建数"),
		perHour:       tr("Builds per hour", "每小时构建数"),
		chartAlt:      tr("Chart of passed, failed and other builds over the period", "本期通过、失败与其他构建数图表"),
		chartLegend:   tr("Blue: passed, orange: failed, grey: killed and other.", "蓝色（passed）：通过；橙色（failed）：失败；灰色（killed, other）：取消及其他。"),
		durationAlt:   tr("Chart of the median and p90 build duration over the period", "本期构建耗时中位数与 P90 图表"),
		durationNote:  tr("Build duration: p50 (solid), p90 (dashed).", "构建耗时：实线 p50，虚线 p90。"),
		nothing:       tr("No builds in this period.", "本期没有构建。"),
		unwatched:     tr("Not watched, so builds may be missing: %s", "以下仓库未被监视，构建记录可能缺失：%s"),
		fromDrone:     tr("%s from the times the bot was not watching were read from Drone.", "机器人未在监视期间的 %s已从 Drone 读取。"),
		missing:       tr("Builds may be missing for %s: %s", "%s 的构建可能缺失：%s"),
		more:          tr("… and %s", "……另有 %s"),
		footer:        tr("Sent by dronebot.", "由 dronebot 发送。"),
		subject:       tr("Build digest %s: %d runs, %d failed, %s success", "构建摘要 %s：%d 次构建，%d 次失败，成功率 %s"),
		subjectRed:    tr(", %d red now", "，%d 个分支当前失败"),
		noRate:        tr("–", "–"),
		listSeparator: tr(", ", "，"),
		colon:         tr(": ", "："),
		trend:         tr("Trend vs the %s before", "与之前 %s相比"),
		trendRuns:     tr("runs", "构建"),
		trendRate:     tr("failure rate", "失败率"),
		trendMedian:   tr("median", "耗时中位数"),
		versus:        tr("vs %s", "之前 %s"),
		points:        tr(" pts", " 个百分点"),
		noPrevious:    tr("no builds before", "之前没有构建"),
		failedBuilds:  tr("Failed builds", "失败的构建"),
		breaks:        tr("Broken and fixed", "失败与修复"),
		flakySteps:    tr("Flaky steps", "不稳定的步骤"),
		slowest:       tr("Slowest pipelines", "最慢的流水线"),
		worst:         tr("Worst repositories", "最差的仓库"),
		brokeBy:       tr("broken by %[2]s%[3]s at %[1]s", "%[1]s 由 %[2]s%[3]s引入失败"),
		fixedBy:       tr("fixed by %s%s after %s", "由 %s%s修复，用时 %s"),
		fixedByOnly:   tr("fixed by %s%s", "由 %s%s修复"),
		stillRed:      tr("still red (%d failed)", "仍失败（%d 次失败）"),
		brokeBefore:   tr("red since %[2]s%[3]s at %[1]s or before", "至迟自 %[1]s 起失败（%[2]s%[3]s）"),
		byAuthor:      tr(" (%s)", "（%s）"),
		stepName:      tr("step %s", "步骤 %s"),
		recovery:      tr("Time to recovery: median %s over %s", "恢复用时：中位数 %s，共 %s"),
		flakyStep:     tr("%s on %s that then passed", "%s，涉及 %s随后通过"),
		slowRepo:      tr("median %s, p90 %s, longest", "中位数 %s，P90 %s，最长"),
		allGreen:      tr("Nothing failed.", "没有失败。"),
		colRepo:       tr("Repository", "仓库"), colRuns: tr("Runs", "构建"), colFailed: tr("Failed", "失败"), colKilled: tr("Killed/other", "取消/其他"), colRate: tr("Success", "成功率"),
		colMedian: tr("Median", "耗时中位数"), colP90: tr("P90", "耗时 P90"), colRed: tr("Red now", "当前失败"), colFailRate: tr("Failure rate", "失败率"),
		colDate: tr("Date", "日期"), colHour: tr("Hour", "小时"), colPassed: tr("Passed", "通过"), colFailedDay: tr("Failed", "失败"), colOther: tr("Other", "其他"),
		colBuild: tr("Build", "构建"), colBranch: tr("Branch", "分支"), colCommit: tr("Commit", "提交"), colAuthor: tr("Author", "作者"), colStep: tr("Step", "步骤"),
		repoOne: tr("repository", "个仓库"), repoMany: tr("repositories", "个仓库"), runOne: tr("run", "次构建"), runMany: tr("runs", "次构建"),
		flakyOne: tr("flaky candidate", "个疑似不稳定提交"), flakyMany: tr("flaky candidates", "个疑似不稳定提交"),
		hourOne: tr("hour", "小时"), hourMany: tr("hours", "小时"), dayOne: tr("day", "天"), dayMany: tr("days", "天"), fixedOne: tr("fixed line", "个修复的分支"), fixedMany: tr("fixed lines", "个修复的分支"),
		moreOne: tr("more repository", "个仓库"), moreMany: tr("more repositories", "个仓库"), buildOne: tr("build", "次构建"), buildMany: tr("builds", "次构建"),
		failureOne: tr("failure", "次失败"), failureMany: tr("failures", "次失败"), commitOne: tr("commit", "个提交"), commitMany: tr("commits", "个提交"),
	}
}

// english and chinese are built per call: no shared mutable tables.
func english() *phrases { return phrasesIn(func(en, _ string) string { return en }) }

func chinese() *phrases { return phrasesIn(func(_, zh string) string { return zh }) }

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

// formatDuration rounds to the second (from an hour on, to the minute)
// and leaves out zero units: "4m", "1m30s", "1h5m"; none is a dash.
func formatDuration(d time.Duration, p *phrases) string {
	d = d.Round(time.Second)
	if d >= time.Hour {
		d = d.Round(time.Minute)
	}
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
	if t.Killed > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", t.Killed, p.killed))
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

// Trend marks: up, down, level.
const (
	arrowUp   = "▲"
	arrowDown = "▼"
	level     = "="
)

// trendItem is one compared number: the value now, the change with its
// arrow, and the previous value. Worse says the change is for the worse.
type trendItem struct {
	Label, Now, Change, Before string
	Worse, Better              bool
}

// trendItems compare runs, failure rate and median duration with the
// previous period; nil when it had no builds.
func trendItems(r *Report, p *phrases) []trendItem {
	now, before := r.Totals, r.Previous
	if before.Runs == 0 {
		return nil
	}
	runs := trendItem{Label: p.trendRuns, Now: strconv.Itoa(now.Runs), Before: strconv.Itoa(before.Runs),
		Change: signed(now.Runs-before.Runs, strconv.Itoa(abs(now.Runs-before.Runs)))}
	items := []trendItem{runs}

	rate := trendItem{Label: p.trendRate, Now: formatPct(now.FailureRate()), Before: formatPct(before.FailureRate())}
	nr, nok := now.FailureRate()
	br, bok := before.FailureRate()
	if nok && bok {
		diff := roundTenth(nr) - roundTenth(br)
		rate.Change = signedFloat(diff, fmt.Sprintf("%.1f%s", abs(diff), p.points))
		rate.Worse, rate.Better = diff > 0, diff < 0
	}
	if rate.Now == "" {
		rate.Now = p.noRate
	}
	if rate.Before == "" {
		rate.Before = p.noRate
	}
	items = append(items, rate)

	med := trendItem{Label: p.trendMedian, Now: formatDuration(now.Median, p), Before: formatDuration(before.Median, p)}
	if now.Median > 0 && before.Median > 0 {
		diff := now.Median.Round(time.Second) - before.Median.Round(time.Second)
		med.Change = signedFloat(float64(diff), formatDuration(absDuration(diff), p))
		med.Worse, med.Better = diff > 0, diff < 0
	}
	return append(items, med)
}

// trendText is one item as "failure rate 45.5% ▲ +12.2 pts vs 33.3%".
func (t trendItem) text(p *phrases) string {
	s := t.Label + " " + t.Now
	if t.Change != "" {
		s += " " + t.Change
	}
	return s + " " + fmt.Sprintf(p.versus, t.Before)
}

func trendLine(r *Report, p *phrases, sep string) string {
	items := trendItems(r, p)
	if items == nil {
		return p.noPrevious
	}
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = it.text(p)
	}
	return strings.Join(parts, sep)
}

func signed(diff int, magnitude string) string { return signedFloat(float64(diff), magnitude) }

func signedFloat(diff float64, magnitude string) string {
	switch {
	case diff > 0:
		return arrowUp + " +" + magnitude
	case diff < 0:
		return arrowDown + " −" + magnitude
	}
	return level
}

func roundTenth(v float64) float64 { return math.Round(v*10) / 10 }

func abs[T int | float64](v T) T {
	if v < 0 {
		return -v
	}
	return v
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func formatPct(pct float64, ok bool) string {
	if !ok {
		return ""
	}
	return fmt.Sprintf("%.1f%%", pct)
}

// periodLength names a period's length: "48 hours", "7 days".
func periodLength(d time.Duration, p *phrases) string {
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return count(int(d/(24*time.Hour)), p.dayOne, p.dayMany)
	}
	if d%time.Hour == 0 {
		return count(int(d/time.Hour), p.hourOne, p.hourMany)
	}
	return formatDuration(d, p)
}

func (r *Report) trendTitle(p *phrases) string {
	return fmt.Sprintf(p.trend, periodLength(r.Until.Sub(r.Since), p))
}

// recoveryText is the median time to recovery, "" when no line was fixed.
func recoveryText(t Totals, p *phrases) string {
	if t.Recoveries == 0 {
		return ""
	}
	return fmt.Sprintf(p.recovery, formatDuration(t.MedianRecovery, p), count(t.Recoveries, p.fixedOne, p.fixedMany))
}

// who is " (author)" or "".
func who(author string, p *phrases) string {
	if author == "" {
		return ""
	}
	return fmt.Sprintf(p.byAuthor, author)
}

// breakParts are the broke and fixed halves of a Break, without links.
func breakParts(b Break, loc *time.Location, p *phrases) (broke, fixed string) {
	format := p.brokeBy
	if b.Earlier {
		format = p.brokeBefore
	}
	broke = fmt.Sprintf(format, b.Broke.Finished.In(loc).Format(timeLayout), fmt.Sprintf("#%d", b.Broke.Number), who(b.Broke.Author, p))
	switch {
	case b.Fixed == nil:
		return broke, fmt.Sprintf(p.stillRed, b.Failures)
	case b.Recovery <= 0:
		return broke, fmt.Sprintf(p.fixedByOnly, fmt.Sprintf("#%d", b.Fixed.Number), who(b.Fixed.Author, p))
	}
	return broke, fmt.Sprintf(p.fixedBy, fmt.Sprintf("#%d", b.Fixed.Number), who(b.Fixed.Author, p), formatDuration(b.Recovery, p))
}

// failureText is one failed build in a line: `#15 main "Title" (pan), step lint`.
func failureText(f BuildRef, p *phrases) string {
	s := fmt.Sprintf("#%d %s", f.Number, f.Branch)
	if f.Title != "" {
		s += " " + strconv.Quote(f.Title)
	} else if f.Commit != "" {
		s += " " + shortCommit(f.Commit)
	}
	s += who(f.Author, p)
	if f.Step != "" {
		s += p.listSeparator + fmt.Sprintf(p.stepName, f.Step)
	}
	return s
}

func flakyStepText(f FlakyStep, p *phrases) string {
	return f.Repo + " " + f.Step + p.colon + fmt.Sprintf(p.flakyStep,
		count(f.Count, p.failureOne, p.failureMany), count(f.Commits, p.commitOne, p.commitMany))
}

func slowText(s Slow, p *phrases) string {
	return s.Repo + p.colon + fmt.Sprintf(p.slowRepo, formatDuration(s.Median, p), formatDuration(s.P90, p)) +
		fmt.Sprintf(" #%d (%s)", s.Longest.Number, formatDuration(s.Longest.Duration, p))
}

// sourcesText are the notes on where builds came from and what may be
// missing; none when the watcher had it all.
func sourcesText(r *Report, p *phrases) []string {
	var out []string
	if len(r.Unwatched) > 0 {
		out = append(out, fmt.Sprintf(p.unwatched, strings.Join(r.Unwatched, ", ")))
	}
	if r.Sources.FromDrone > 0 {
		out = append(out, fmt.Sprintf(p.fromDrone, count(r.Sources.FromDrone, p.buildOne, p.buildMany)))
	}
	if len(r.Sources.Missing) > 0 {
		spans := make([]string, len(r.Sources.Missing))
		for i, sp := range r.Sources.Missing {
			spans[i] = sp.Start.In(r.Location).Format(timeLayout) + " – " + sp.End.In(r.Location).Format(timeLayout)
		}
		out = append(out, fmt.Sprintf(p.missing, strings.Join(spans, ", "), r.Sources.Why))
	}
	return out
}
