package slack

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/dronebot/dronebot/notify"
)

// labels are the fixed words of the Slack rendering, per language.
type labels struct {
	outcomes                             map[notify.Outcome]string
	stillFailing                         string // with the count
	colon                                string
	build, commit, author, failedSteps   string
	exit, buildError, cause, logOf, more string
	skipped                              string
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
			logOf: "%s 的日志（%d 行，共 %d 行）", skipped: "… 省略 %d 行 …", more: "…… 另有 %d 段",
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
		logOf: "Log of %s (%d of %d lines)", skipped: "… %d lines …", more: "… and %d more parts",
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

func plain(t string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.PlainTextType, t, true, false)
}

func header(t string) slackapi.Block {
	return slackapi.NewHeaderBlock(plain(cutRunes(t, MaxHeaderText)))
}

func section(mrkdwn string) slackapi.Block {
	return slackapi.NewSectionBlock(slackapi.NewTextBlockObject(slackapi.MarkdownType, mrkdwn, false, false), nil, nil)
}

// escape makes s safe as mrkdwn text: Slack reads &, < and > as markup.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// codeSafe makes s safe inside a code span or block.
func codeSafe(s string) string {
	return strings.ReplaceAll(escape(s), "`", "'")
}

// blockSafe makes s safe as a line of a code block: only a fence would end
// it, so single backquotes (`name' in compiler messages) stay.
func blockSafe(s string) string {
	return strings.ReplaceAll(escape(s), "```", "'''")
}

func link(text, u string) string {
	if u == "" {
		return escape(text)
	}
	u = strings.NewReplacer("|", "%7C", ">", "%3E", "<", "%3C").Replace(u)
	return "<" + u + "|" + escape(text) + ">"
}

// cutRunes cuts s to at most n characters, ending in "…" when it cut.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// cutLines cuts text to at most n characters at a line boundary.
func cutLines(text string, n int) string {
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	kept := string([]rune(text)[:n-2])
	if i := strings.LastIndexByte(kept, '\n'); i > 0 {
		kept = kept[:i]
	}
	return kept + "\n…"
}

// chunkLines packs lines into texts of at most n characters each; a line
// longer than n is cut.
func chunkLines(lines []string, n int) []string {
	var chunks []string
	cur, size := []string(nil), 0
	for _, l := range lines {
		l = cutRunes(l, n)
		ln := utf8.RuneCountInString(l)
		if len(cur) > 0 && size+1+ln > n {
			chunks = append(chunks, strings.Join(cur, "\n"))
			cur, size = nil, 0
		}
		if len(cur) > 0 {
			size++
		}
		cur, size = append(cur, l), size+ln
	}
	if len(cur) > 0 {
		chunks = append(chunks, strings.Join(cur, "\n"))
	}
	return chunks
}
