package slack

import (
	"fmt"
	"sort"

	"github.com/dronebot/dronebot/notify"
)

// labels are the fixed words of the Slack rendering, per language.
type labels struct {
	outcomes                             map[notify.Outcome]string
	stillFailing                         string // with the count
	colon                                string
	build, commit, author, failedSteps   string
	exit, buildError, cause, logOf, more string
	restart, showLogs                    string
}

func labelsFor(lang string) *labels {
	if lang == "zh" {
		return &labels{
			outcomes: map[notify.Outcome]string{
				notify.OutcomeFailure: "❌ 构建失败", notify.OutcomeStillFailing: "🔁 仍然失败",
				notify.OutcomeFixed: "✅ 已修复", notify.OutcomeSuccess: "✅ 构建成功", notify.OutcomeKilled: "⛔ 已取消",
			},
			stillFailing: "🔁 仍然失败（连续 %d 次）", colon: "：",
			build: "构建", commit: "提交", author: "作者", failedSteps: "失败步骤",
			exit: "退出码 %d", buildError: "构建错误", cause: "首个错误（第 %d 行）",
			logOf: "%s 的日志（最后 %d 行，共 %d 行）", more: "…… 另有 %d 段",
			restart: "重新构建", showLogs: "查看日志",
		}
	}
	return &labels{
		outcomes: map[notify.Outcome]string{
			notify.OutcomeFailure: "❌ failure", notify.OutcomeStillFailing: "🔁 still failing",
			notify.OutcomeFixed: "✅ fixed", notify.OutcomeSuccess: "✅ success", notify.OutcomeKilled: "⛔ killed",
		},
		stillFailing: "🔁 still failing (%d in a row)", colon: ": ",
		build: "Build", commit: "Commit", author: "Author", failedSteps: "Failed steps",
		exit: "exit %d", buildError: "Build error", cause: "First error (line %d)",
		logOf: "Log of %s (last %d of %d lines)", more: "… and %d more parts",
		restart: "Restart", showLogs: "Show logs",
	}
}

func (p *labels) outcome(a *notify.Alert) string {
	if a.Outcome == notify.OutcomeStillFailing && a.FailCount > 1 {
		return fmt.Sprintf(p.stillFailing, a.FailCount)
	}
	if s, ok := p.outcomes[a.Outcome]; ok {
		return s
	}
	return "ℹ️ " + string(a.Outcome)
}

// severity orders outcomes worst first, as the other renderings do.
func severity(o notify.Outcome) int {
	switch o {
	case notify.OutcomeStillFailing:
		return 0
	case notify.OutcomeFailure:
		return 1
	case notify.OutcomeKilled:
		return 2
	case notify.OutcomeFixed:
		return 3
	}
	return 4
}

func sortedBySeverity(alerts []*notify.Alert) []*notify.Alert {
	out := append([]*notify.Alert(nil), alerts...)
	sort.SliceStable(out, func(i, j int) bool { return severity(out[i].Outcome) < severity(out[j].Outcome) })
	return out
}
