package commands

import (
	"fmt"
	"github.com/dronebot/dronebot/lang"
)

// msgID names one fixed sentence or word of a reply; the zero value is the
// empty text (a usage error without a message).
type msgID int

const (
	msgNone msgID = iota
	// Run and its one-sentence errors.
	msgInternal
	msgNotAllowed
	msgNotAllowedOn
	msgUnknownCommand
	msgUnknownDidYouMean
	msgUsage
	msgUsageAfter
	// Drone's errors.
	msgUnreachable
	msgTimedOut
	msgConnRefused
	msgHostNotFound
	msgTLSError
	msgConnClosed
	msgNoAnswer
	msgGateway
	msgPartTimeout
	msgCancelled
	msgUnauthorized
	msgForbidden
	msgNotOnEdition
	msgNothingTriggered
	msgLogNotReady
	msgNotFound
	msgConflict
	msgBadRequestWhy
	msgBadRequest
	msgServerStatus
	msgServer
	msgInvalid
	// Arguments.
	msgNotRepo
	msgNotRepoGlob
	msgBadGlob
	msgNotBuildNumber
	msgNeedBuildNumber
	msgUnexpected
	msgUnexpectedAfterNumber
	msgNotBranch
	msgNotBranchGlob
	msgOneTarget
	msgNotTarget
	msgOneCommand
	msgOneStep
	msgOneFilter
	msgQuoteNotClosed
	msgLinesNeeded
	msgUnknownOption
	msgLinesPositive
	msgLinesMax
	msgLineNeeded
	msgLineNumber
	msgGrepNeeded
	msgLogOneMode
	msgUnknownRepo
	msgNoSuchBuild
	// Write commands.
	msgStarted
	msgReran
	msgOnBranch
	msgRerunWhy
	msgPeriod
	msgParameters
	msgNoBuildToRerun
	msgCannotBuildBranch
	msgRestarted
	msgPromoted
	msgPromoteNotOnEdition
	msgAlreadyFinished
	msgV08NoCancelQueued
	msgCancelledBuild
	msgNotBlocked
	msgApproved
	msgDeclined
	msgAlreadyActive
	msgActivated
	msgDeactivated
	// Reading builds and logs.
	msgBranch
	msgEvent
	msgCommit
	msgAuthor
	msgTarget
	msgDuration
	msgExitCode
	msgErrorPrefix
	msgNoStageYet
	msgNoDefaultBuild
	msgButtonRestart
	msgButtonLogs
	msgStepRunning
	msgStepNotStarted
	msgStepSkipped
	msgLogNotReadyFor
	msgNoStoredLog
	msgLogEmpty
	msgLogLastOf
	msgLogWholeOne
	msgLogWhole
	msgLogExcerpt
	msgLogNoFailure
	msgLogAround
	msgLogPastEnd
	msgLogGrep
	msgLogGrepFirst
	msgLogGrepNone
	msgLogSkipped
	msgErroredBeforeSteps
	msgNoStepsYet
	msgNoStep
	msgAmbiguousStep
	msgNoSteps
	msgStepFailed
	msgBuildFinished
	// Lists.
	msgReposActive
	msgReposAll
	msgNoActive
	msgNoRepos
	msgNoActiveMatch
	msgNoReposMatch
	msgAllHint
	msgMoreRepos
	msgRepoInactive
	msgRepoActive
	msgRepoNoBuild
	msgRepoBuild
	// Help.
	msgHelpTitle
	msgHelpFooter
	// Subscriptions.
	msgCannotReceive
	msgSubscribed
	msgSubsHeld
	msgAnd
	msgEveryBranch
	msgBranches
	msgOnBranchWhat
	msgNoSubscriptionTo
	msgRemovedOne
	msgRemovedMany
	msgNoSubscriptions
	msgSubscriptionLine
	msgSubscriptionsTitle
	msgListSep
	msgDeployOff
	// Build lists.
	msgValueNeeded
	msgNotStatus
	msgNotEvent
	msgBuildsMax
	msgBuildsTitle
	msgBuildsTitleOne
	msgNoBuilds
	msgNoBuildsMatch
	msgAgo
	msgNoBranchBuild
	msgUnknownRepoDidYouMean
	msgUnknownRepoName
	msgRepoAmbiguous
	// Singular forms of counted phrases.
	msgReposActiveOne
	msgReposAllOne
	msgSubscriptionsTitleOne
	msgLogSkippedOne
	msgLogGrepOne
	msgMoreReposOne
	// Repository state and rights.
	msgAlreadyInactive
	msgNeedsRead
	msgNeedsWrite
	msgNeedsDeploy
	msgAskContact
	msgAskOperator
	msgOpenBuild

	msgCount // keep last
)

// phrases holds every fixed text of the replies in one language: format
// strings indexed by msgID, and each command's help sentence by name.
type phrases struct {
	says [msgCount]string
	help map[string]string
}

// phrasesFor is the table for lang: Chinese for "zh" and "zh-…", else English.
func phrasesFor(tag string) *phrases {
	if lang.Normalize(tag) == lang.Chinese {
		return chinese()
	}
	return english()
}

// n formats the phrase for count: one when count is 1, else many; count
// is the first argument.
func (p *phrases) n(count int, one, many msgID, args ...any) string {
	id := many
	if count == 1 {
		id = one
	}
	return p.f(id, append([]any{count}, args...)...)
}

// f formats phrase id with args.
func (p *phrases) f(id msgID, args ...any) string {
	if len(args) == 0 {
		return p.says[id]
	}
	return fmt.Sprintf(p.says[id], args...)
}

// message is a phrase with its arguments, put into words once the asker's
// language is known; an argument that is itself a message is phrased too.
type message struct {
	id   msgID
	args []any
}

func say(id msgID, args ...any) message { return message{id: id, args: args} }

func (m message) in(p *phrases) string {
	args := make([]any, len(m.args))
	for i, a := range m.args {
		if sub, ok := a.(message); ok {
			a = sub.in(p)
		}
		args[i] = a
	}
	return p.f(m.id, args...)
}

// phrasesIn fills the table with tr(English, Chinese) of every phrase, so
// that each stands beside its translation.
func phrasesIn(tr func(en, zh string) string) *phrases {
	return &phrases{says: [msgCount]string{
		msgInternal:          tr("internal error: the command failed; the details are in the bot's log.", "内部错误：命令执行失败，详情见机器人日志。"),
		msgNotAllowed:        tr("you are not allowed to run /%s.", "没有权限执行 /%s。"),
		msgNotAllowedOn:      tr("you are not allowed to run /%s on %s.", "没有权限执行 /%s（%s）。"),
		msgUnknownCommand:    tr("unknown command /%s; /help lists every command.", "未知命令 /%s，发送 /help 查看所有命令。"),
		msgUnknownDidYouMean: tr("unknown command /%s; did you mean /%s? (/help lists every command)", "未知命令 /%s，是不是想用 /%s？（发送 /help 查看所有命令）"),
		msgUsage:             tr("usage: %s", "用法：%s"),
		msgUsageAfter:        tr("%s; usage: %s", "%s；用法：%s"),

		msgUnreachable:      tr("Drone is unreachable (%s).", "Drone 无法连接（%s）。"),
		msgTimedOut:         tr("timed out", "超时"),
		msgConnRefused:      tr("connection refused", "连接被拒绝"),
		msgHostNotFound:     tr("host not found", "找不到主机"),
		msgTLSError:         tr("TLS error", "TLS 错误"),
		msgConnClosed:       tr("connection closed", "连接被断开"),
		msgNoAnswer:         tr("no answer", "无响应"),
		msgGateway:          tr("Drone is not answering: HTTP %d %s from the server or its proxy.", "Drone 没有正常响应：服务器或其代理返回 HTTP %d %s。"),
		msgPartTimeout:      tr("Drone began to answer but did not send the whole answer within %s.", "Drone 开始响应，但未在 %s 内发完。"),
		msgCancelled:        tr("the command was cancelled.", "命令已取消。"),
		msgUnauthorized:     tr("Drone refused the bot's token (unauthorized); an operator should check drone.token.", "Drone 拒绝了机器人的令牌（unauthorized），请运维检查 drone.token。"),
		msgForbidden:        tr("Drone does not let the bot's account do that (forbidden).", "Drone 不允许机器人的账号执行此操作（forbidden）。"),
		msgNotOnEdition:     tr("not available on this Drone edition.", "当前 Drone 版本不支持此功能。"),
		msgNothingTriggered: tr("Drone started no pipeline: nothing in .drone.yml matched this build.", "Drone 没有启动任何流水线：.drone.yml 中没有与此构建匹配的配置。"),
		msgLogNotReady:      tr("log not available yet.", "日志暂不可用。"),
		msgNotFound:         tr("Drone answered: not found.", "Drone 返回：未找到。"),
		msgConflict:         tr("Drone refused: it conflicts with the current state.", "Drone 拒绝了请求：与当前状态冲突。"),
		msgBadRequestWhy:    tr("Drone refused the request (%s).", "Drone 拒绝了请求（%s）。"),
		msgBadRequest:       tr("Drone refused the request.", "Drone 拒绝了请求。"),
		msgServerStatus:     tr("Drone failed to answer (HTTP %d).", "Drone 未能正常响应（HTTP %d）。"),
		msgServer:           tr("Drone failed to answer.", "Drone 未能正常响应。"),
		msgInvalid:          tr("the request was not valid for Drone.", "Drone 不接受这个请求（参数无效）。"),

		msgNotRepo:               tr("%q is not a repository (write owner/name)", "%q 不是仓库（请写成 owner/name）"),
		msgNotRepoGlob:           tr("%q is not a repository or glob (write owner/name or owner/*)", "%q 不是仓库或通配符（请写成 owner/name 或 owner/*）"),
		msgBadGlob:               tr("%q is not a valid glob", "%q 不是有效的通配符"),
		msgNotBuildNumber:        tr("%q is not a build number", "%q 不是构建编号"),
		msgNeedBuildNumber:       tr("a build number is needed", "缺少构建编号"),
		msgUnexpected:            tr("unexpected %q", "多余的参数 %q"),
		msgUnexpectedAfterNumber: tr("unexpected arguments after the build number", "构建编号后面有多余的参数"),
		msgNotBranch:             tr("%q is not a branch name", "%q 不是分支名"),
		msgNotBranchGlob:         tr("%q is not a branch or branch glob", "%q 不是分支名或分支通配符"),
		msgOneTarget:             tr("one TARGET is needed", "需要且只需要一个 TARGET"),
		msgNotTarget:             tr("%q is not a target name", "%q 不是目标环境名"),
		msgOneCommand:            tr("one command at a time", "一次只能查看一个命令"),
		msgOneStep:               tr("one step at a time", "一次只能查看一个步骤"),
		msgOneFilter:             tr("one filter at a time", "一次只能用一个过滤条件"),
		msgQuoteNotClosed:        tr("a quote is not closed", "引号没有闭合"),
		msgLinesNeeded:           tr("%s needs a number of lines", "%s 后面需要行数"),
		msgUnknownOption:         tr("unknown option %s", "未知选项 %s"),
		msgLinesPositive:         tr("-n wants a positive number of lines, not %q", "-n 需要正整数行数，而不是 %q"),
		msgLinesMax:              tr("-n is at most %d lines", "-n 最多 %d 行"),
		msgLineNeeded:            tr("%s needs a line number", "%s 后面需要行号"),
		msgLineNumber:            tr("%s wants a line number, not %q", "%s 需要行号，而不是 %q"),
		msgGrepNeeded:            tr("--grep needs the text to look for", "--grep 后面需要要查找的文字"),
		msgLogOneMode:            tr("one of --tail/-n, --around and --grep at a time", "--tail/-n、--around 和 --grep 一次只能用一个"),
		msgUnknownRepo:           tr("unknown repository %s (/repos --all syncs the list from the forge).", "未知仓库 %s（/repos --all 会从代码托管平台同步仓库列表）。"),
		msgNoSuchBuild:           tr("no such build: %s has no build #%d.", "构建不存在：%s 没有构建 #%d。"),

		msgStarted:             tr("started %s #%d", "已启动 %s #%d"),
		msgReran:               tr("re-ran #%d (%s) as #%d", "已重新运行 #%d（%s），新构建为 #%d"),
		msgOnBranch:            tr(" on %s", "（分支 %s）"),
		msgRerunWhy:            tr("; Drone 0.8 cannot start a new build, so the branch's latest one runs again.", "；Drone 0.8 无法新建构建，因此重新运行了该分支最近一次构建。"),
		msgPeriod:              tr(".", "。"),
		msgParameters:          tr("Parameters", "参数"),
		msgNoBuildToRerun:      tr("branch %s has no build to re-run.", "分支 %s 没有可重新运行的构建。"),
		msgCannotBuildBranch:   tr("Drone could not build branch %s of %s (unknown branch, or no .drone.yml on it).", "Drone 无法构建 %[2]s 的分支 %[1]s（分支不存在，或分支上没有 .drone.yml）。"),
		msgRestarted:           tr("restarted %s #%d as #%d.", "已重新构建 %s #%d，新构建为 #%d。"),
		msgPromoted:            tr("promoted %s #%d to %s as #%d.", "已将 %s #%d 发布到 %s，新构建为 #%d。"),
		msgPromoteNotOnEdition: tr("/promote is not available on this Drone edition.", "当前 Drone 版本不支持 /promote。"),
		msgAlreadyFinished:     tr("%s #%d already finished (%s); nothing to cancel.", "%s #%d 已经结束（%s），无需取消。"),
		msgV08NoCancelQueued:   tr("Drone 0.8 cannot cancel a queued build.", "Drone 0.8 无法取消排队中的构建。"),
		msgCancelledBuild:      tr("cancelled %s #%d.", "已取消 %s #%d。"),
		msgNotBlocked:          tr("%s #%d is not waiting for approval (it is %s).", "%s #%d 不在等待审批（当前状态：%s）。"),
		msgApproved:            tr("approved %s #%d.", "已批准 %s #%d。"),
		msgDeclined:            tr("declined %s #%d.", "已拒绝 %s #%d。"),
		msgAlreadyActive:       tr("%s is already active.", "%s 已经启用。"),
		msgActivated:           tr("activated %s.", "已启用 %s。"),
		msgDeactivated:         tr("deactivated %s.", "已停用 %s。"),

		msgBranch: tr("Branch", "分支"), msgEvent: tr("Event", "事件"), msgCommit: tr("Commit", "提交"), msgAuthor: tr("Author", "作者"),
		msgTarget: tr("Target", "目标环境"), msgDuration: tr("Duration", "耗时"),
		msgExitCode:           tr(", exit code %d", "，退出码 %d"),
		msgErrorPrefix:        tr("error: %s", "错误：%s"),
		msgNoStageYet:         tr("no stage has started yet.", "还没有阶段开始运行。"),
		msgNoDefaultBuild:     tr("%s has no build on its default branch yet.", "%s 的默认分支还没有构建。"),
		msgDeployOff:          tr("Woodpecker refused the deployment: the repository must allow deployments (allow_deploy in its settings) and the bot's account needs push access.", "Woodpecker 拒绝了部署：仓库须在设置中允许部署（allow_deploy），且机器人的账号需要推送权限。"),
		msgButtonRestart:      tr("Restart", "重新构建"),
		msgButtonLogs:         tr("Show logs", "查看日志"),
		msgStepRunning:        tr("log not available yet: step %s is still running.", "日志暂不可用：步骤 %s 仍在运行。"),
		msgStepNotStarted:     tr("log not available yet: step %s has not started.", "日志暂不可用：步骤 %s 尚未开始。"),
		msgStepSkipped:        tr("step %s was skipped, so it has no log.", "步骤 %s 已跳过，没有日志。"),
		msgLogNotReadyFor:     tr("log not available yet for step %s.", "步骤 %s 的日志暂不可用。"),
		msgNoStoredLog:        tr("Drone has no stored log for step %s.", "Drone 没有保存步骤 %s 的日志。"),
		msgLogEmpty:           tr("the log is empty.", "日志为空。"),
		msgLogLastOf:          tr("last %d of %d lines", "最后 %d 行（共 %d 行）"),
		msgLogWholeOne:        tr("the whole log (1 line)", "完整日志（1 行）"),
		msgLogWhole:           tr("the whole log (%d lines)", "完整日志（%d 行）"),
		msgLogExcerpt:         tr("lines %s of %d: what explains the failure, then the end", "第 %s 行（共 %d 行）：说明失败原因的部分，然后是结尾"),
		msgLogNoFailure:       tr("lines %s of %d: the end (nothing in the log was recognised as the failure)", "第 %s 行（共 %d 行）：结尾（日志中没有识别出失败原因）"),
		msgLogAround:          tr("lines %s of %d, around line %d", "第 %s 行（共 %d 行），第 %d 行前后"),
		msgLogPastEnd:         tr("the log has %d lines, no line %d", "日志共 %d 行，没有第 %d 行"),
		msgLogGrep:            tr("%d lines match %q: lines %s of %d", "%d 行包含 %q：第 %s 行（共 %d 行）"),
		msgLogGrepFirst:       tr("%d lines match %q, the first %d shown: lines %s of %d", "%d 行包含 %q，显示前 %d 行：第 %s 行（共 %d 行）"),
		msgLogGrepNone:        tr("no line of %d matches %q", "%d 行中没有包含 %q 的行"),
		msgLogSkipped:         tr("… %d lines …", "… 省略 %d 行 …"),
		msgErroredBeforeSteps: tr("build #%d errored before any step ran: %s", "构建 #%d 在任何步骤运行前就出错了：%s"),
		msgNoStepsYet:         tr("build #%d has no steps yet.", "构建 #%d 还没有步骤。"),
		msgNoStep:             tr("build #%d has no step %s; its steps are %s.", "构建 #%d 没有步骤 %s；现有步骤：%s。"),
		msgAmbiguousStep:      tr("step %s is in more than one stage of build #%d; write stage/step (%s).", "构建 #%[2]d 有多个阶段包含步骤 %[1]s，请写成 stage/step（%[3]s）。"),
		msgNoSteps:            tr("none", "无"),
		msgStepFailed:         tr("step %s/%s failed with exit code %d.", "步骤 %s/%s 失败，退出码 %d。"),
		msgBuildFinished:      tr("build #%d finished: %s.", "构建 #%d 已结束：%s。"),

		msgReposActive:   tr("%d active repositories", "%d 个已启用的仓库"),
		msgReposAll:      tr("%d repositories", "%d 个仓库"),
		msgNoActive:      tr("no active repositories", "没有已启用的仓库"),
		msgNoRepos:       tr("no repositories", "没有仓库"),
		msgNoActiveMatch: tr("no active repositories match %s", "没有与 %s 匹配的已启用仓库"),
		msgNoReposMatch:  tr("no repositories match %s", "没有与 %s 匹配的仓库"),
		msgAllHint:       tr("; /repos --all lists inactive ones too", "；/repos --all 可列出未启用的仓库"),
		msgMoreRepos:     tr("… and %d more; narrow the list with a filter.", "…… 另有 %d 个，可加过滤条件缩小范围。"),
		msgRepoInactive:  tr("%s (inactive)", "%s（未启用）"),
		msgRepoActive:    tr("%s (active)", "%s（已启用）"),
		msgRepoNoBuild:   tr("%s (no build yet)", "%s（尚无构建）"),
		msgRepoBuild:     tr("%s %s #%d %s on %s", "%s %s #%d %s（分支 %s）"),

		msgHelpTitle:  tr("dronebot commands", "dronebot 命令"),
		msgHelpFooter: tr("/drone <command> works too. N may be written 42 or #42; owner/name may be the name alone when one active repository has it. /help <command> explains one command.", "也可以写成 /drone <command>。N 可写作 42 或 #42；只有一个已启用仓库叫这个名字时，owner/name 可只写 name。/help <command> 查看单个命令的说明。"),

		msgCannotReceive: tr("this conversation cannot receive alerts.", "此会话无法接收告警。"),
		msgSubscribed:    tr("subscribed (#%d): this conversation gets the %s alerts of %s on %s.", "已订阅（#%d）：此会话将接收 %[3]s（%[4]s）的 %[2]s 告警。"),
		msgSubsHeld: tr("the running dronebot holds the store, so subscriptions cannot be changed from here: "+
			"send %s in the chat conversation that should get the alerts, or stop the bot first.",
			"正在运行的 dronebot 占用着存储，无法在这里修改订阅：请在要接收告警的聊天会话中发送 %s，或先停止机器人。"),
		msgAnd:                tr(" and ", " 和 "),
		msgEveryBranch:        tr("every branch", "所有分支"),
		msgBranches:           tr("branch %s", "分支 %s"),
		msgOnBranchWhat:       tr("%s on branch %s", "%s（分支 %s）"),
		msgNoSubscriptionTo:   tr("this conversation has no subscription to %s; /subscriptions lists them.", "此会话没有订阅 %s；/subscriptions 可查看已有订阅。"),
		msgRemovedOne:         tr("removed %d subscription to %s.", "已取消对 %[2]s 的 %[1]d 个订阅。"),
		msgRemovedMany:        tr("removed %d subscriptions to %s.", "已取消对 %[2]s 的 %[1]d 个订阅。"),
		msgNoSubscriptions:    tr("this conversation has no subscriptions; /subscribe owner/name adds one.", "此会话还没有订阅；用 /subscribe owner/name 添加。"),
		msgSubscriptionLine:   tr("#%d %s on %s: %s", "#%d %s（%s）：%s"),
		msgSubscriptionsTitle: tr("%d subscriptions", "%d 个订阅"),
		msgListSep:            tr(", ", "、"),

		msgValueNeeded:           tr("%s needs a value", "%s 后面需要一个值"),
		msgNotStatus:             tr("%q is not a build status (success, failure, error, running, pending, killed, skipped, blocked, declined)", "%q 不是构建状态（success、failure、error、running、pending、killed、skipped、blocked、declined）"),
		msgNotEvent:              tr("%q is not a build event (push, pull_request, tag, promote, rollback, cron, custom)", "%q 不是构建事件（push、pull_request、tag、promote、rollback、cron、custom）"),
		msgBuildsMax:             tr("-n is at most %d builds", "-n 最多 %d 个构建"),
		msgBuildsTitle:           tr("%s: the last %d builds", "%s：最近 %d 个构建"),
		msgBuildsTitleOne:        tr("%s: the last build", "%s：最近一个构建"),
		msgNoBuilds:              tr("%s has no builds yet.", "%s 还没有构建。"),
		msgNoBuildsMatch:         tr("no recent build of %s matches.", "%s 最近没有符合条件的构建。"),
		msgAgo:                   tr("%s ago", "%s前"),
		msgNoBranchBuild:         tr("%s has no build on branch %s yet.", "%s 的分支 %s 还没有构建。"),
		msgUnknownRepoDidYouMean: tr("unknown repository %s; did you mean %s?", "未知仓库 %s，是不是想用 %s？"),
		msgUnknownRepoName:       tr("no active repository is named %s; write owner/name (/repos lists the active ones).", "没有名为 %s 的已启用仓库；请写成 owner/name（/repos 列出已启用的仓库）。"),
		msgRepoAmbiguous:         tr("%s names more than one active repository (%s); write owner/name.", "有多个已启用的仓库名为 %s（%s），请写成 owner/name。"),

		msgReposActiveOne:        tr("%d active repository", "%d 个已启用的仓库"),
		msgReposAllOne:           tr("%d repository", "%d 个仓库"),
		msgSubscriptionsTitleOne: tr("%d subscription", "%d 个订阅"),
		msgLogSkippedOne:         tr("… %d line …", "… 省略 %d 行 …"),
		msgLogGrepOne:            tr("%d line matches %q: line %s of %d", "%d 行包含 %q：第 %s 行（共 %d 行）"),
		msgMoreReposOne:          tr("… and %d more; narrow the list with a filter.", "…… 另有 %d 个，可加过滤条件缩小范围。"),
		msgAlreadyInactive:       tr("%s is not active; nothing to deactivate.", "%s 未启用，无需停用。"),
		msgNeedsRead:             tr("Anyone who may read the repository may run it.", "能查看该仓库的人都可以执行。"),
		msgNeedsWrite:            tr("Only those allowed to change builds may run it.", "只有有权操作构建的人可以执行。"),
		msgNeedsDeploy:           tr("Only those allowed to deploy may run it.", "只有有权发布的人可以执行。"),
		msgAskContact:            tr(" Ask %s for the right.", "可联系 %s 开通权限。"),
		msgAskOperator:           tr(" The bot's operator can grant the right.", "可请机器人的管理员开通权限。"),
		msgOpenBuild:             tr("open in Drone", "在 Drone 中查看"),
	}, help: map[string]string{
		"help":          tr("Lists the commands, or explains one.", "列出所有命令，或说明某个命令。"),
		"repos":         tr("Lists active repositories with their last build; --all syncs from the forge and lists every repository the bot's token sees.", "列出已启用的仓库及其最近一次构建；--all 会先从代码托管平台同步，再列出机器人令牌可见的所有仓库。"),
		"activate":      tr("Enables the repository in Drone.", "在 Drone 中启用该仓库。"),
		"deactivate":    tr("Disables the repository in Drone.", "在 Drone 中停用该仓库。"),
		"build":         tr("Starts a build of the branch (default: the repository's default branch) and posts its outcome when it finishes; on Drone 0.8 it re-runs the branch's latest build.", "构建该分支（默认为仓库的默认分支），结束后发送构建结果；在 Drone 0.8 上会重新运行该分支最近一次构建。"),
		"restart":       tr("Restarts build N.", "重新运行构建 N。"),
		"cancel":        tr("Stops build N.", "停止构建 N。"),
		"approve":       tr("Approves a build waiting for approval (every blocked stage).", "批准一个等待审批的构建（所有被阻塞的阶段）。"),
		"decline":       tr("Declines a build waiting for approval.", "拒绝一个等待审批的构建。"),
		"promote":       tr("Deploys build N to TARGET (a promotion; on Drone 0.8 a deployment).", "将构建 N 发布到 TARGET（即 promotion；在 Drone 0.8 上为 deployment）。"),
		"builds":        tr("Lists the recent builds of the repository (default 10, at most 50), one line each; a branch, --status and --event narrow the list.", "列出仓库最近的构建（默认 10 个，最多 50 个），每个一行；可用分支、--status 和 --event 筛选。"),
		"status":        tr("Shows a build (default: the latest of the branch, or of the default branch) with each stage's and step's state, exit code and duration.", "查看构建（默认为该分支或默认分支的最近一次构建）及每个阶段和步骤的状态、退出码和耗时。"),
		"logs":          tr("Shows what explains a step's failure and the end of its log (default: the latest build of the default branch; its first failed step, else the running step, else the last step); --tail or -n N the plain end, --around LINE the lines around one, --grep TEXT the lines holding TEXT.", "查看说明步骤失败原因的日志片段和日志结尾（默认为默认分支的最近一次构建；其第一个失败的步骤，否则为正在运行的步骤，否则为最后一个步骤）；--tail 或 -n N 只看结尾，--around 行号 查看某行前后，--grep 文字 查看包含该文字的行。"),
		"subscribe":     tr("Sends this conversation the alerts of those repositories: branches default to the repository's default branch (all branches for a glob), alerts to failures.", "让此会话接收这些仓库的告警：分支默认为仓库的默认分支（通配符时为所有分支），告警默认只发失败。"),
		"unsubscribe":   tr("Stops this conversation's alerts for those repositories (and branch).", "停止此会话对这些仓库（及分支）的告警。"),
		"subscriptions": tr("Lists this conversation's subscriptions.", "列出此会话的订阅。"),
	}}
}

func english() *phrases { return phrasesIn(func(en, _ string) string { return en }) }

func chinese() *phrases { return phrasesIn(func(_, zh string) string { return zh }) }
