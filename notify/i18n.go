package notify

import (
	"fmt"
	"strconv"
	"time"

	"github.com/dronebot/dronebot/lang"
)

// Phrases are the fixed words of every alert rendering, per language: each
// sink takes its labels from here, none writes its own.
type Phrases struct {
	Outcome      map[Outcome]string
	Colon        string
	StillFailing string // with the count
	Build        string
	Commit       string
	Author       string
	FailedSteps  string
	Exit         string // with the code
	BuildError   string
	Cause        string // with the line number
	LogOf        string // step, shown lines, total lines
	Skipped      string // lines left out of a log
	LogOmitted   string
	BurstFailed  string // count
	BurstMixed   string // count, failed count
	LastMinute   string
	LastMinutes  string // minutes
	More         string // count
	MoreParts    string // count
	Cut          string
	Restart      string // button
	ShowLogs     string // button
	OpenBuild    string // button
	TakeALook    string // before the mentions of the authors

	// Headline phrases (see Headline): the build's name first, then the news.
	FailedAt       string // name, steps
	Failed         string // name
	StillFailingAt string // name, ordinal, steps
	StillFailingN  string // name, ordinal
	StillFailing1  string // name
	FixedBy        string // repo, branch, build number
	FixedBuild     string // name
	Passed         string // name
	Killed         string // name
	StepJoin       string // between step names
	MoreSteps      string // count of steps not named
	// ordinal spells n as "3rd" or "3".
	ordinal func(n int) string
}

// phraseBook holds each language's Phrases, built from one table in which
// every phrase stands with its translation.
var phraseBook = map[string]*Phrases{
	lang.English: phrasesIn(func(en, _ string) string { return en }),
	lang.Chinese: phrasesIn(func(_, zh string) string { return zh }),
}

// phrasesIn fills Phrases with say(English, Chinese) of every phrase.
func phrasesIn(say func(en, zh string) string) *Phrases {
	return &Phrases{
		Outcome: map[Outcome]string{
			OutcomeFailure:      say("❌ failure", "❌ 构建失败"),
			OutcomeStillFailing: say("🔁 still failing", "🔁 仍然失败"),
			OutcomeFixed:        say("✅ fixed", "✅ 已修复"),
			OutcomeSuccess:      say("✅ success", "✅ 构建成功"),
			OutcomeKilled:       say("⛔ killed", "⛔ 已取消"),
		},
		Colon:        say(": ", "："),
		StillFailing: say("🔁 still failing (%d in a row)", "🔁 仍然失败（连续 %d 次）"),
		Build:        say("Build", "构建"),
		Commit:       say("Commit", "提交"),
		Author:       say("Author", "作者"),
		FailedSteps:  say("Failed steps", "失败步骤"),
		Exit:         say("exit %d", "退出码 %d"),
		BuildError:   say("Build error", "构建错误"),
		Cause:        say("First error (line %d)", "首个错误（第 %d 行）"),
		LogOf:        say("Log of %s (%d of %d lines)", "%s 的日志（%d 行，共 %d 行）"),
		Skipped:      say("… %d lines …", "… 省略 %d 行 …"),
		LogOmitted:   say("(log tail left out: too long for this channel)", "（日志过长，未附上）"),
		BurstFailed:  say("%d builds failed", "%d 个构建失败"),
		BurstMixed:   say("%d build alerts, %d failed", "%d 条构建通知，其中 %d 个失败"),
		LastMinute:   say(" in the last minute", "（最近一分钟）"),
		LastMinutes:  say(" in the last %d minutes", "（最近 %d 分钟）"),
		More:         say("… and %d more", "…… 另有 %d 个"),
		MoreParts:    say("… and %d more parts", "…… 另有 %d 段"),
		Cut:          say("… (cut)", "……（已截断）"),
		Restart:      say("Restart", "重新构建"),
		ShowLogs:     say("Show logs", "查看日志"),
		OpenBuild:    say("Open build", "查看构建"),
		TakeALook:    say("⬆️ please take a look: ", "⬆️ 请查看："),

		FailedAt:       say("❌ %s failed at %s", "❌ %s 在 %s 失败"),
		Failed:         say("❌ %s failed", "❌ %s 失败"),
		StillFailingAt: say("🔁 %s still failing (%s in a row) at %s", "🔁 %s 仍然失败（连续第 %s 次）于 %s"),
		StillFailingN:  say("🔁 %s still failing (%s in a row)", "🔁 %s 仍然失败（连续第 %s 次）"),
		StillFailing1:  say("🔁 %s still failing", "🔁 %s 仍然失败"),
		FixedBy:        say("✅ %s %s fixed by #%d", "✅ %s %s 已由 #%d 修复"),
		FixedBuild:     say("✅ %s fixed", "✅ %s 已修复"),
		Passed:         say("✅ %s passed", "✅ %s 构建成功"),
		Killed:         say("⛔ %s killed", "⛔ %s 已取消"),
		StepJoin:       say(", ", "、"),
		MoreSteps:      say(" +%d more", " 及另 %d 步"),
		ordinal:        map[string]func(int) string{"en": englishOrdinal, "zh": strconv.Itoa}[say("en", "zh")],
	}
}

// englishOrdinal is 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st.
func englishOrdinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

// PhrasesFor is the phrase book of a language tag (see lang.Normalize).
func PhrasesFor(tag string) *Phrases { return phraseBook[lang.Normalize(tag)] }

// OutcomeLabel is the emoji and word for a's outcome.
func (p *Phrases) OutcomeLabel(a *Alert) string {
	if a.Outcome == OutcomeStillFailing && a.FailCount > 1 {
		return fmt.Sprintf(p.StillFailing, a.FailCount)
	}
	if s, ok := p.Outcome[a.Outcome]; ok {
		return s
	}
	return "ℹ️ " + string(a.Outcome)
}

// window describes how long a burst took, "" when unknown.
func (p *Phrases) window(alerts []*Alert) string {
	var first, last time.Time
	n := 0
	for _, a := range alerts {
		if a.At.IsZero() {
			continue
		}
		n++
		if first.IsZero() || a.At.Before(first) {
			first = a.At
		}
		if a.At.After(last) {
			last = a.At
		}
	}
	if n < 2 {
		return ""
	}
	span := last.Sub(first)
	if span <= time.Minute {
		return p.LastMinute
	}
	return fmt.Sprintf(p.LastMinutes, int((span+time.Minute-1)/time.Minute))
}

// Subject is a one-line summary of m, for mail subjects, notification
// previews and card titles: the alert's Headline, a burst's count, or the
// notice's title.
func Subject(m *Message) string {
	p := PhrasesFor(m.Language())
	switch {
	case m.Notice != nil:
		return oneLine(m.Notice.Title)
	case len(m.Alerts) == 1:
		return p.Headline(m.Alerts[0])
	case len(m.Alerts) > 1:
		return burstTitle(p, m.Alerts)
	}
	return ""
}

func buildName(a *Alert) string {
	s := fmt.Sprintf("%s #%d", a.Repo, a.Build)
	if a.Branch != "" {
		s += " (" + a.Branch + ")"
	}
	return s
}

func burstTitle(p *Phrases, alerts []*Alert) string {
	failed := 0
	for _, a := range alerts {
		if a.Outcome.Failed() {
			failed++
		}
	}
	if failed == len(alerts) {
		return fmt.Sprintf(p.BurstFailed, failed) + p.window(alerts)
	}
	return fmt.Sprintf(p.BurstMixed, len(alerts), failed) + p.window(alerts)
}
