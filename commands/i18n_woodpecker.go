package commands

import (
	"strings"

	"github.com/dronebot/dronebot/lang"
)

// woodpeckerPhrases are the replies for a Woodpecker server: the same
// sentences naming Woodpecker, and those where Woodpecker works otherwise
// in its own words.
func woodpeckerPhrases(tag string) *phrases {
	p := phrasesFor(tag)
	out := &phrases{help: p.help}
	for id, text := range p.says {
		out.says[id] = strings.ReplaceAll(text, "Drone", "Woodpecker")
	}
	own := map[msgID]string{
		msgNothingTriggered:  "Woodpecker started no pipeline: no workflow matched, or the branch has no .woodpecker.yaml.",
		msgCannotBuildBranch: "Woodpecker could not start a pipeline on branch %s of %s (unknown branch, or the repository is not active).",
		msgNoDefaultBuild:    "%s has no push pipeline on its default branch yet (Woodpecker counts only pushes there; /status with a number shows any pipeline).",
		msgNoBranchBuild:     "%s has no push pipeline on branch %s yet (Woodpecker counts only pushes there; /builds lists every pipeline).",
	}
	if lang.Normalize(tag) == lang.Chinese {
		own = map[msgID]string{
			msgNothingTriggered:  "Woodpecker 没有启动任何流水线：没有匹配的 workflow，或分支上没有 .woodpecker.yaml。",
			msgCannotBuildBranch: "Woodpecker 无法在 %[2]s 的分支 %[1]s 上启动流水线（分支不存在，或仓库未激活）。",
			msgNoDefaultBuild:    "%s 的默认分支还没有 push 流水线（Woodpecker 在此只计 push；带编号的 /status 可查看任意流水线）。",
			msgNoBranchBuild:     "%s 的分支 %s 还没有 push 流水线（Woodpecker 在此只计 push；/builds 列出所有流水线）。",
		}
	}
	for id, text := range own {
		out.says[id] = text
	}
	return out
}
