package notify

import (
	"fmt"
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
	LogOf        string // step, kept lines, total lines
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
}

var phraseBook = map[string]*Phrases{
	lang.English: {
		Outcome: map[Outcome]string{
			OutcomeFailure: "❌ failure", OutcomeStillFailing: "🔁 still failing",
			OutcomeFixed: "✅ fixed", OutcomeSuccess: "✅ success", OutcomeKilled: "⛔ killed",
		},
		Colon:        ": ",
		StillFailing: "🔁 still failing (%d in a row)",
		Build:        "Build", Commit: "Commit", Author: "Author",
		FailedSteps: "Failed steps", Exit: "exit %d", BuildError: "Build error",
		Cause: "First error (line %d)", LogOf: "Log of %s (last %d of %d lines)",
		LogOmitted:  "(log tail left out: too long for this channel)",
		BurstFailed: "%d builds failed", BurstMixed: "%d build alerts, %d failed",
		LastMinute: " in the last minute", LastMinutes: " in the last %d minutes",
		More: "… and %d more", MoreParts: "… and %d more parts", Cut: "… (cut)",
		Restart: "Restart", ShowLogs: "Show logs", OpenBuild: "Open build", TakeALook: "⬆️ please take a look: ",
	},
	lang.Chinese: {
		Outcome: map[Outcome]string{
			OutcomeFailure: "❌ 构建失败", OutcomeStillFailing: "🔁 仍然失败",
			OutcomeFixed: "✅ 已修复", OutcomeSuccess: "✅ 构建成功", OutcomeKilled: "⛔ 已取消",
		},
		Colon:        "：",
		StillFailing: "🔁 仍然失败（连续 %d 次）",
		Build:        "构建", Commit: "提交", Author: "作者",
		FailedSteps: "失败步骤", Exit: "退出码 %d", BuildError: "构建错误",
		Cause: "首个错误（第 %d 行）", LogOf: "%s 的日志（最后 %d 行，共 %d 行）",
		LogOmitted:  "（日志过长，未附上）",
		BurstFailed: "%d 个构建失败", BurstMixed: "%d 条构建通知，其中 %d 个失败",
		LastMinute: "（最近一分钟）", LastMinutes: "（最近 %d 分钟）",
		More: "…… 另有 %d 个", MoreParts: "…… 另有 %d 段", Cut: "……（已截断）",
		Restart: "重新构建", ShowLogs: "查看日志", OpenBuild: "查看构建", TakeALook: "⬆️ 请查看：",
	},
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

// Subject is a one-line summary of m, e.g. "[failure] octo/demo #42 (main)",
// for mail subjects and notification previews.
func Subject(m *Message) string {
	p := PhrasesFor(m.Language())
	switch {
	case m.Notice != nil:
		return m.Notice.Title
	case len(m.Alerts) == 1:
		a := m.Alerts[0]
		return fmt.Sprintf("[%s] %s", a.Outcome, buildName(a))
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
