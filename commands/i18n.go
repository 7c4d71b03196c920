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

func english() *phrases {
	return &phrases{says: [msgCount]string{
		msgInternal:          "internal error: the command failed; the details are in the bot's log.",
		msgNotAllowed:        "you are not allowed to run /%s.",
		msgNotAllowedOn:      "you are not allowed to run /%s on %s.",
		msgUnknownCommand:    "unknown command /%s; /help lists every command.",
		msgUnknownDidYouMean: "unknown command /%s; did you mean /%s? (/help lists every command)",
		msgUsage:             "usage: %s",
		msgUsageAfter:        "%s; usage: %s",

		msgUnreachable:      "Drone is unreachable (%s).",
		msgTimedOut:         "timed out",
		msgConnRefused:      "connection refused",
		msgHostNotFound:     "host not found",
		msgTLSError:         "TLS error",
		msgConnClosed:       "connection closed",
		msgNoAnswer:         "no answer",
		msgGateway:          "Drone is not answering: HTTP %d %s from the server or its proxy.",
		msgPartTimeout:      "Drone began to answer but did not send the whole answer within %s.",
		msgCancelled:        "the command was cancelled.",
		msgUnauthorized:     "Drone refused the bot's token (unauthorized); an operator should check drone.token.",
		msgForbidden:        "Drone does not let the bot's account do that (forbidden).",
		msgNotOnEdition:     "not available on this Drone edition.",
		msgNothingTriggered: "Drone started no pipeline: nothing in .drone.yml matched this build.",
		msgLogNotReady:      "log not available yet.",
		msgNotFound:         "Drone answered: not found.",
		msgConflict:         "Drone refused: it conflicts with the current state.",
		msgBadRequestWhy:    "Drone refused the request (%s).",
		msgBadRequest:       "Drone refused the request.",
		msgServerStatus:     "Drone failed to answer (HTTP %d).",
		msgServer:           "Drone failed to answer.",
		msgInvalid:          "the request was not valid for Drone.",

		msgNotRepo:               "%q is not a repository (write owner/name)",
		msgNotRepoGlob:           "%q is not a repository or glob (write owner/name or owner/*)",
		msgBadGlob:               "%q is not a valid glob",
		msgNotBuildNumber:        "%q is not a build number",
		msgNeedBuildNumber:       "a build number is needed",
		msgUnexpected:            "unexpected %q",
		msgUnexpectedAfterNumber: "unexpected arguments after the build number",
		msgNotBranch:             "%q is not a branch name",
		msgNotBranchGlob:         "%q is not a branch or branch glob",
		msgOneTarget:             "one TARGET is needed",
		msgNotTarget:             "%q is not a target name",
		msgOneCommand:            "one command at a time",
		msgOneStep:               "one step at a time",
		msgOneFilter:             "one filter at a time",
		msgQuoteNotClosed:        "a quote is not closed",
		msgLinesNeeded:           "%s needs a number of lines",
		msgUnknownOption:         "unknown option %s",
		msgLinesPositive:         "-n wants a positive number of lines, not %q",
		msgLinesMax:              "-n is at most %d lines",
		msgLineNeeded:            "%s needs a line number",
		msgLineNumber:            "%s wants a line number, not %q",
		msgGrepNeeded:            "--grep needs the text to look for",
		msgLogOneMode:            "one of --tail/-n, --around and --grep at a time",
		msgUnknownRepo:           "unknown repository %s (/repos --all syncs the list from the forge).",
		msgNoSuchBuild:           "no such build: %s has no build #%d.",

		msgStarted:             "started %s #%d",
		msgReran:               "re-ran #%d (%s) as #%d",
		msgOnBranch:            " on %s",
		msgRerunWhy:            "; Drone 0.8 cannot start a new build, so the branch's latest one runs again.",
		msgPeriod:              ".",
		msgParameters:          "Parameters",
		msgNoBuildToRerun:      "branch %s has no build to re-run.",
		msgCannotBuildBranch:   "Drone could not build branch %s of %s (unknown branch, or no .drone.yml on it).",
		msgRestarted:           "restarted %s #%d as #%d.",
		msgPromoted:            "promoted %s #%d to %s as #%d.",
		msgPromoteNotOnEdition: "/promote is not available on this Drone edition.",
		msgAlreadyFinished:     "%s #%d already finished (%s); nothing to cancel.",
		msgV08NoCancelQueued:   "Drone 0.8 cannot cancel a queued build.",
		msgCancelledBuild:      "cancelled %s #%d.",
		msgNotBlocked:          "%s #%d is not waiting for approval (it is %s).",
		msgApproved:            "approved %s #%d.",
		msgDeclined:            "declined %s #%d.",
		msgAlreadyActive:       "%s is already active.",
		msgActivated:           "activated %s.",
		msgDeactivated:         "deactivated %s.",

		msgBranch: "Branch", msgEvent: "Event", msgCommit: "Commit", msgAuthor: "Author",
		msgTarget: "Target", msgDuration: "Duration",
		msgExitCode:           ", exit code %d",
		msgErrorPrefix:        "error: %s",
		msgNoStageYet:         "no stage has started yet.",
		msgNoDefaultBuild:     "%s has no build on its default branch yet.",
		msgDeployOff:          "Woodpecker refused the deployment: the repository must allow deployments (allow_deploy in its settings) and the bot's account needs push access.",
		msgButtonRestart:      "Restart",
		msgButtonLogs:         "Show logs",
		msgStepRunning:        "log not available yet: step %s is still running.",
		msgStepNotStarted:     "log not available yet: step %s has not started.",
		msgStepSkipped:        "step %s was skipped, so it has no log.",
		msgLogNotReadyFor:     "log not available yet for step %s.",
		msgNoStoredLog:        "Drone has no stored log for step %s.",
		msgLogEmpty:           "the log is empty.",
		msgLogLastOf:          "last %d of %d lines",
		msgLogWholeOne:        "the whole log (1 line)",
		msgLogWhole:           "the whole log (%d lines)",
		msgLogExcerpt:         "lines %s of %d: what explains the failure, then the end",
		msgLogNoFailure:       "lines %s of %d: the end (nothing in the log was recognised as the failure)",
		msgLogAround:          "lines %s of %d, around line %d",
		msgLogPastEnd:         "the log has %d lines, no line %d",
		msgLogGrep:            "%d lines match %q: lines %s of %d",
		msgLogGrepFirst:       "%d lines match %q, the first %d shown: lines %s of %d",
		msgLogGrepNone:        "no line of %d matches %q",
		msgLogSkipped:         "… %d lines …",
		msgErroredBeforeSteps: "build #%d errored before any step ran: %s",
		msgNoStepsYet:         "build #%d has no steps yet.",
		msgNoStep:             "build #%d has no step %s; its steps are %s.",
		msgAmbiguousStep:      "step %s is in more than one stage of build #%d; write stage/step (%s).",
		msgNoSteps:            "none",
		msgStepFailed:         "step %s/%s failed with exit code %d.",
		msgBuildFinished:      "build #%d finished: %s.",

		msgReposActive:   "%d active repositories",
		msgReposAll:      "%d repositories",
		msgNoActive:      "no active repositories",
		msgNoRepos:       "no repositories",
		msgNoActiveMatch: "no active repositories match %s",
		msgNoReposMatch:  "no repositories match %s",
		msgAllHint:       "; /repos --all lists inactive ones too",
		msgMoreRepos:     "… and %d more; narrow the list with a filter.",
		msgRepoInactive:  "%s (inactive)",
		msgRepoActive:    "%s (active)",
		msgRepoNoBuild:   "%s (no build yet)",
		msgRepoBuild:     "%s %s #%d %s on %s",

		msgHelpTitle:  "dronebot commands",
		msgHelpFooter: "/drone <command> works too. N may be written 42 or #42; owner/name may be the name alone when one active repository has it. /help <command> explains one command.",

		msgCannotReceive: "this conversation cannot receive alerts.",
		msgSubscribed:    "subscribed (#%d): this conversation gets the %s alerts of %s on %s.",
		msgSubsHeld: "the running dronebot holds the store, so subscriptions cannot be changed from here: " +
			"send %s in the chat conversation that should get the alerts, " +
			"or stop the bot first.",
		msgAnd:                " and ",
		msgEveryBranch:        "every branch",
		msgBranches:           "branch %s",
		msgOnBranchWhat:       "%s on branch %s",
		msgNoSubscriptionTo:   "this conversation has no subscription to %s; /subscriptions lists them.",
		msgRemovedOne:         "removed %d subscription to %s.",
		msgRemovedMany:        "removed %d subscriptions to %s.",
		msgNoSubscriptions:    "this conversation has no subscriptions; /subscribe owner/name adds one.",
		msgSubscriptionLine:   "#%d %s on %s: %s",
		msgSubscriptionsTitle: "%d subscriptions",
		msgListSep:            ", ",

		msgValueNeeded:           "%s needs a value",
		msgNotStatus:             "%q is not a build status (success, failure, error, running, pending, killed, skipped, blocked, declined)",
		msgNotEvent:              "%q is not a build event (push, pull_request, tag, promote, rollback, cron, custom)",
		msgBuildsMax:             "-n is at most %d builds",
		msgBuildsTitle:           "%s: the last %d builds",
		msgBuildsTitleOne:        "%s: the last build",
		msgNoBuilds:              "%s has no builds yet.",
		msgNoBuildsMatch:         "no recent build of %s matches.",
		msgAgo:                   "%s ago",
		msgNoBranchBuild:         "%s has no build on branch %s yet.",
		msgUnknownRepoDidYouMean: "unknown repository %s; did you mean %s?",
		msgUnknownRepoName:       "no active repository is named %s; write owner/name (/repos lists the active ones).",
		msgRepoAmbiguous:         "%s names more than one active repository (%s); write owner/name.",

		msgReposActiveOne:        "%d active repository",
		msgReposAllOne:           "%d repository",
		msgSubscriptionsTitleOne: "%d subscription",
		msgLogSkippedOne:         "… %d line …",
		msgLogGrepOne:            "%d line matches %q: line %s of %d",
		msgMoreReposOne:          "… and %d more; narrow the list with a filter.",
		msgAlreadyInactive:       "%s is not active; nothing to deactivate.",
		msgNeedsRead:             "Anyone who may read the repository may run it.",
		msgNeedsWrite:            "Only those allowed to change builds may run it.",
		msgNeedsDeploy:           "Only those allowed to deploy may run it.",
		msgAskContact:            " Ask %s for the right.",
		msgAskOperator:           " The bot's operator can grant the right.",
		msgOpenBuild:             "open in Drone",
	}, help: map[string]string{
		"help":          "Lists the commands, or explains one.",
		"repos":         "Lists active repositories with their last build; --all syncs from the forge and lists every repository the bot's token sees.",
		"activate":      "Enables the repository in Drone.",
		"deactivate":    "Disables the repository in Drone.",
		"build":         "Starts a build of the branch (default: the repository's default branch) and posts its outcome when it finishes; on Drone 0.8 it re-runs the branch's latest build.",
		"restart":       "Restarts build N.",
		"cancel":        "Stops build N.",
		"approve":       "Approves a build waiting for approval (every blocked stage).",
		"decline":       "Declines a build waiting for approval.",
		"promote":       "Deploys build N to TARGET (a promotion; on Drone 0.8 a deployment).",
		"builds":        "Lists the recent builds of the repository (default 10, at most 50), one line each; a branch, --status and --event narrow the list.",
		"status":        "Shows a build (default: the latest of the branch, or of the default branch) with each stage's and step's state, exit code and duration.",
		"logs":          "Shows what explains a step's failure and the end of its log (default: the latest build of the default branch; its first failed step, else the running step, else the last step); --tail or -n N the plain end, --around LINE the lines around one, --grep TEXT the lines holding TEXT.",
		"subscribe":     "Sends this conversation the alerts of those repositories: branches default to the repository's default branch (all branches for a glob), alerts to failures.",
		"unsubscribe":   "Stops this conversation's alerts for those repositories (and branch).",
		"subscriptions": "Lists this conversation's subscriptions.",
	}}
}

func chinese() *phrases {
	return &phrases{says: [msgCount]string{
		msgInternal:          "内部错误：命令执行失败，详情见机器人日志。",
		msgNotAllowed:        "没有权限执行 /%s。",
		msgNotAllowedOn:      "没有权限执行 /%s（%s）。",
		msgUnknownCommand:    "未知命令 /%s，发送 /help 查看所有命令。",
		msgUnknownDidYouMean: "未知命令 /%s，是不是想用 /%s？（发送 /help 查看所有命令）",
		msgUsage:             "用法：%s",
		msgUsageAfter:        "%s；用法：%s",

		msgUnreachable:      "Drone 无法连接（%s）。",
		msgTimedOut:         "超时",
		msgConnRefused:      "连接被拒绝",
		msgHostNotFound:     "找不到主机",
		msgTLSError:         "TLS 错误",
		msgConnClosed:       "连接被断开",
		msgNoAnswer:         "无响应",
		msgGateway:          "Drone 没有正常响应：服务器或其代理返回 HTTP %d %s。",
		msgPartTimeout:      "Drone 开始响应，但未在 %s 内发完。",
		msgCancelled:        "命令已取消。",
		msgUnauthorized:     "Drone 拒绝了机器人的令牌（unauthorized），请运维检查 drone.token。",
		msgForbidden:        "Drone 不允许机器人的账号执行此操作（forbidden）。",
		msgNotOnEdition:     "当前 Drone 版本不支持此功能。",
		msgNothingTriggered: "Drone 没有启动任何流水线：.drone.yml 中没有与此构建匹配的配置。",
		msgLogNotReady:      "日志暂不可用。",
		msgNotFound:         "Drone 返回：未找到。",
		msgConflict:         "Drone 拒绝了请求：与当前状态冲突。",
		msgBadRequestWhy:    "Drone 拒绝了请求（%s）。",
		msgBadRequest:       "Drone 拒绝了请求。",
		msgServerStatus:     "Drone 未能正常响应（HTTP %d）。",
		msgServer:           "Drone 未能正常响应。",
		msgInvalid:          "Drone 不接受这个请求（参数无效）。",

		msgNotRepo:               "%q 不是仓库（请写成 owner/name）",
		msgNotRepoGlob:           "%q 不是仓库或通配符（请写成 owner/name 或 owner/*）",
		msgBadGlob:               "%q 不是有效的通配符",
		msgNotBuildNumber:        "%q 不是构建编号",
		msgNeedBuildNumber:       "缺少构建编号",
		msgUnexpected:            "多余的参数 %q",
		msgUnexpectedAfterNumber: "构建编号后面有多余的参数",
		msgNotBranch:             "%q 不是分支名",
		msgNotBranchGlob:         "%q 不是分支名或分支通配符",
		msgOneTarget:             "需要且只需要一个 TARGET",
		msgNotTarget:             "%q 不是目标环境名",
		msgOneCommand:            "一次只能查看一个命令",
		msgOneStep:               "一次只能查看一个步骤",
		msgOneFilter:             "一次只能用一个过滤条件",
		msgQuoteNotClosed:        "引号没有闭合",
		msgLinesNeeded:           "%s 后面需要行数",
		msgUnknownOption:         "未知选项 %s",
		msgLinesPositive:         "-n 需要正整数行数，而不是 %q",
		msgLinesMax:              "-n 最多 %d 行",
		msgLineNeeded:            "%s 后面需要行号",
		msgLineNumber:            "%s 需要行号，而不是 %q",
		msgGrepNeeded:            "--grep 后面需要要查找的文字",
		msgLogOneMode:            "--tail/-n、--around 和 --grep 一次只能用一个",
		msgUnknownRepo:           "未知仓库 %s（/repos --all 会从代码托管平台同步仓库列表）。",
		msgNoSuchBuild:           "构建不存在：%s 没有构建 #%d。",

		msgStarted:             "已启动 %s #%d",
		msgReran:               "已重新运行 #%d（%s），新构建为 #%d",
		msgOnBranch:            "（分支 %s）",
		msgRerunWhy:            "；Drone 0.8 无法新建构建，因此重新运行了该分支最近一次构建。",
		msgPeriod:              "。",
		msgParameters:          "参数",
		msgNoBuildToRerun:      "分支 %s 没有可重新运行的构建。",
		msgCannotBuildBranch:   "Drone 无法构建 %[2]s 的分支 %[1]s（分支不存在，或分支上没有 .drone.yml）。",
		msgRestarted:           "已重新构建 %s #%d，新构建为 #%d。",
		msgPromoted:            "已将 %s #%d 发布到 %s，新构建为 #%d。",
		msgPromoteNotOnEdition: "当前 Drone 版本不支持 /promote。",
		msgAlreadyFinished:     "%s #%d 已经结束（%s），无需取消。",
		msgV08NoCancelQueued:   "Drone 0.8 无法取消排队中的构建。",
		msgCancelledBuild:      "已取消 %s #%d。",
		msgNotBlocked:          "%s #%d 不在等待审批（当前状态：%s）。",
		msgApproved:            "已批准 %s #%d。",
		msgDeclined:            "已拒绝 %s #%d。",
		msgAlreadyActive:       "%s 已经启用。",
		msgActivated:           "已启用 %s。",
		msgDeactivated:         "已停用 %s。",

		msgBranch: "分支", msgEvent: "事件", msgCommit: "提交", msgAuthor: "作者",
		msgTarget: "目标环境", msgDuration: "耗时",
		msgExitCode:           "，退出码 %d",
		msgErrorPrefix:        "错误：%s",
		msgNoStageYet:         "还没有阶段开始运行。",
		msgNoDefaultBuild:     "%s 的默认分支还没有构建。",
		msgDeployOff:          "Woodpecker 拒绝了部署：仓库须在设置中允许部署（allow_deploy），且机器人的账号需要推送权限。",
		msgButtonRestart:      "重新构建",
		msgButtonLogs:         "查看日志",
		msgStepRunning:        "日志暂不可用：步骤 %s 仍在运行。",
		msgStepNotStarted:     "日志暂不可用：步骤 %s 尚未开始。",
		msgStepSkipped:        "步骤 %s 已跳过，没有日志。",
		msgLogNotReadyFor:     "步骤 %s 的日志暂不可用。",
		msgNoStoredLog:        "Drone 没有保存步骤 %s 的日志。",
		msgLogEmpty:           "日志为空。",
		msgLogLastOf:          "最后 %d 行（共 %d 行）",
		msgLogWholeOne:        "完整日志（1 行）",
		msgLogWhole:           "完整日志（%d 行）",
		msgLogExcerpt:         "第 %s 行（共 %d 行）：说明失败原因的部分，然后是结尾",
		msgLogNoFailure:       "第 %s 行（共 %d 行）：结尾（日志中没有识别出失败原因）",
		msgLogAround:          "第 %s 行（共 %d 行），第 %d 行前后",
		msgLogPastEnd:         "日志共 %d 行，没有第 %d 行",
		msgLogGrep:            "%d 行包含 %q：第 %s 行（共 %d 行）",
		msgLogGrepFirst:       "%d 行包含 %q，显示前 %d 行：第 %s 行（共 %d 行）",
		msgLogGrepNone:        "%d 行中没有包含 %q 的行",
		msgLogSkipped:         "… 省略 %d 行 …",
		msgErroredBeforeSteps: "构建 #%d 在任何步骤运行前就出错了：%s",
		msgNoStepsYet:         "构建 #%d 还没有步骤。",
		msgNoStep:             "构建 #%d 没有步骤 %s；现有步骤：%s。",
		msgAmbiguousStep:      "构建 #%[2]d 有多个阶段包含步骤 %[1]s，请写成 stage/step（%[3]s）。",
		msgNoSteps:            "无",
		msgStepFailed:         "步骤 %s/%s 失败，退出码 %d。",
		msgBuildFinished:      "构建 #%d 已结束：%s。",

		msgReposActive:   "%d 个已启用的仓库",
		msgReposAll:      "%d 个仓库",
		msgNoActive:      "没有已启用的仓库",
		msgNoRepos:       "没有仓库",
		msgNoActiveMatch: "没有与 %s 匹配的已启用仓库",
		msgNoReposMatch:  "没有与 %s 匹配的仓库",
		msgAllHint:       "；/repos --all 可列出未启用的仓库",
		msgMoreRepos:     "…… 另有 %d 个，可加过滤条件缩小范围。",
		msgRepoInactive:  "%s（未启用）",
		msgRepoActive:    "%s（已启用）",
		msgRepoNoBuild:   "%s（尚无构建）",
		msgRepoBuild:     "%s %s #%d %s（分支 %s）",

		msgHelpTitle:  "dronebot 命令",
		msgHelpFooter: "也可以写成 /drone <command>。N 可写作 42 或 #42；只有一个已启用仓库叫这个名字时，owner/name 可只写 name。/help <command> 查看单个命令的说明。",

		msgCannotReceive:      "此会话无法接收告警。",
		msgSubscribed:         "已订阅（#%d）：此会话将接收 %[3]s（%[4]s）的 %[2]s 告警。",
		msgSubsHeld:           "正在运行的 dronebot 占用着存储，无法在这里修改订阅：请在要接收告警的聊天会话中发送 %s，或先停止机器人。",
		msgAnd:                " 和 ",
		msgEveryBranch:        "所有分支",
		msgBranches:           "分支 %s",
		msgOnBranchWhat:       "%s（分支 %s）",
		msgNoSubscriptionTo:   "此会话没有订阅 %s；/subscriptions 可查看已有订阅。",
		msgRemovedOne:         "已取消对 %[2]s 的 %[1]d 个订阅。",
		msgRemovedMany:        "已取消对 %[2]s 的 %[1]d 个订阅。",
		msgNoSubscriptions:    "此会话还没有订阅；用 /subscribe owner/name 添加。",
		msgSubscriptionLine:   "#%d %s（%s）：%s",
		msgSubscriptionsTitle: "%d 个订阅",
		msgListSep:            "、",

		msgValueNeeded:           "%s 后面需要一个值",
		msgNotStatus:             "%q 不是构建状态（success、failure、error、running、pending、killed、skipped、blocked、declined）",
		msgNotEvent:              "%q 不是构建事件（push、pull_request、tag、promote、rollback、cron、custom）",
		msgBuildsMax:             "-n 最多 %d 个构建",
		msgBuildsTitle:           "%s：最近 %d 个构建",
		msgBuildsTitleOne:        "%s：最近一个构建",
		msgNoBuilds:              "%s 还没有构建。",
		msgNoBuildsMatch:         "%s 最近没有符合条件的构建。",
		msgAgo:                   "%s前",
		msgNoBranchBuild:         "%s 的分支 %s 还没有构建。",
		msgUnknownRepoDidYouMean: "未知仓库 %s，是不是想用 %s？",
		msgUnknownRepoName:       "没有名为 %s 的已启用仓库；请写成 owner/name（/repos 列出已启用的仓库）。",
		msgRepoAmbiguous:         "有多个已启用的仓库名为 %s（%s），请写成 owner/name。",

		msgReposActiveOne:        "%d 个已启用的仓库",
		msgReposAllOne:           "%d 个仓库",
		msgSubscriptionsTitleOne: "%d 个订阅",
		msgLogSkippedOne:         "… 省略 %d 行 …",
		msgLogGrepOne:            "%d 行包含 %q：第 %s 行（共 %d 行）",
		msgMoreReposOne:          "…… 另有 %d 个，可加过滤条件缩小范围。",
		msgAlreadyInactive:       "%s 未启用，无需停用。",
		msgNeedsRead:             "能查看该仓库的人都可以执行。",
		msgNeedsWrite:            "只有有权操作构建的人可以执行。",
		msgNeedsDeploy:           "只有有权发布的人可以执行。",
		msgAskContact:            "可联系 %s 开通权限。",
		msgAskOperator:           "可请机器人的管理员开通权限。",
		msgOpenBuild:             "在 Drone 中查看",
	}, help: map[string]string{
		"help":          "列出所有命令，或说明某个命令。",
		"repos":         "列出已启用的仓库及其最近一次构建；--all 会先从代码托管平台同步，再列出机器人令牌可见的所有仓库。",
		"activate":      "在 Drone 中启用该仓库。",
		"deactivate":    "在 Drone 中停用该仓库。",
		"build":         "构建该分支（默认为仓库的默认分支），结束后发送构建结果；在 Drone 0.8 上会重新运行该分支最近一次构建。",
		"restart":       "重新运行构建 N。",
		"cancel":        "停止构建 N。",
		"approve":       "批准一个等待审批的构建（所有被阻塞的阶段）。",
		"decline":       "拒绝一个等待审批的构建。",
		"promote":       "将构建 N 发布到 TARGET（即 promotion；在 Drone 0.8 上为 deployment）。",
		"builds":        "列出仓库最近的构建（默认 10 个，最多 50 个），每个一行；可用分支、--status 和 --event 筛选。",
		"status":        "查看构建（默认为该分支或默认分支的最近一次构建）及每个阶段和步骤的状态、退出码和耗时。",
		"logs":          "查看说明步骤失败原因的日志片段和日志结尾（默认为默认分支的最近一次构建；其第一个失败的步骤，否则为正在运行的步骤，否则为最后一个步骤）；--tail 或 -n N 只看结尾，--around 行号 查看某行前后，--grep 文字 查看包含该文字的行。",
		"subscribe":     "让此会话接收这些仓库的告警：分支默认为仓库的默认分支（通配符时为所有分支），告警默认只发失败。",
		"unsubscribe":   "停止此会话对这些仓库（及分支）的告警。",
		"subscriptions": "列出此会话的订阅。",
	}}
}
