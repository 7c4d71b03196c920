package notify

import (
	"fmt"
	"github.com/dronebot/dronebot/lang"
	"time"
)

// phrases holds every fixed text of the renderings, per language.
type phrases struct {
	outcome      map[Outcome]string
	colon        string
	stillFailing string // with the count
	build        string
	commit       string
	author       string
	failedSteps  string
	exit         string // with the code
	buildError   string
	cause        string // with the line number
	logOf        string // step, shown lines, total lines
	skipped      string // lines left out
	logOmitted   string
	burstFailed  string // count
	burstMixed   string // count, failed count
	lastMinute   string
	lastMinutes  string // minutes
	more         string // count
	cut          string
}

var phraseBook = map[string]*phrases{
	"en": {
		outcome: map[Outcome]string{
			OutcomeFailure: "❌ failure", OutcomeStillFailing: "🔁 still failing",
			OutcomeFixed: "✅ fixed", OutcomeSuccess: "✅ success", OutcomeKilled: "⛔ killed",
		},
		colon:        ": ",
		stillFailing: "🔁 still failing (%d in a row)",
		build:        "Build", commit: "Commit", author: "Author",
		failedSteps: "Failed steps", exit: "exit %d", buildError: "Build error",
		cause: "First error (line %d)", logOf: "Log of %s (%d of %d lines)", skipped: "… %d lines …",
		logOmitted:  "(log tail left out: too long for this channel)",
		burstFailed: "%d builds failed", burstMixed: "%d build alerts, %d failed",
		lastMinute: " in the last minute", lastMinutes: " in the last %d minutes",
		more: "… and %d more", cut: "… (cut)",
	},
	"zh": {
		outcome: map[Outcome]string{
			OutcomeFailure: "❌ 构建失败", OutcomeStillFailing: "🔁 仍然失败",
			OutcomeFixed: "✅ 已修复", OutcomeSuccess: "✅ 构建成功", OutcomeKilled: "⛔ 已取消",
		},
		colon:        "：",
		stillFailing: "🔁 仍然失败（连续 %d 次）",
		build:        "构建", commit: "提交", author: "作者",
		failedSteps: "失败步骤", exit: "退出码 %d", buildError: "构建错误",
		cause: "首个错误（第 %d 行）", logOf: "%s 的日志（%d 行，共 %d 行）", skipped: "… 省略 %d 行 …",
		logOmitted:  "（日志过长，未附上）",
		burstFailed: "%d 个构建失败", burstMixed: "%d 条构建通知，其中 %d 个失败",
		lastMinute: "（最近一分钟）", lastMinutes: "（最近 %d 分钟）",
		more: "…… 另有 %d 个", cut: "……（已截断）",
	},
}

func phrasesFor(tag string) *phrases { return phraseBook[lang.Normalize(tag)] }

// outcomeLabel is the emoji and word for a's outcome.
func (p *phrases) outcomeLabel(a *Alert) string {
	if a.Outcome == OutcomeStillFailing && a.FailCount > 1 {
		return fmt.Sprintf(p.stillFailing, a.FailCount)
	}
	if s, ok := p.outcome[a.Outcome]; ok {
		return s
	}
	return "ℹ️ " + string(a.Outcome)
}

// window describes how long a burst took, "" when unknown.
func (p *phrases) window(alerts []*Alert) string {
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
		return p.lastMinute
	}
	return fmt.Sprintf(p.lastMinutes, int((span+time.Minute-1)/time.Minute))
}

// Subject is a one-line summary of m, e.g. "[failure] octo/demo #42 (main)",
// for mail subjects and notification previews.
func Subject(m *Message) string {
	p := phrasesFor(m.Language())
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

func burstTitle(p *phrases, alerts []*Alert) string {
	failed := 0
	for _, a := range alerts {
		if a.Outcome.Failed() {
			failed++
		}
	}
	if failed == len(alerts) {
		return fmt.Sprintf(p.burstFailed, failed) + p.window(alerts)
	}
	return fmt.Sprintf(p.burstMixed, len(alerts), failed) + p.window(alerts)
}
