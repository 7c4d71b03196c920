package commands

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

// verb is one fmt verb of a format string, with an optional argument index.
var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*[a-zA-Z]`)

func TestEveryPhraseHasBothLanguages(t *testing.T) {
	en, zh := english(), chinese()
	for id := msgNone + 1; id < msgCount; id++ {
		if en.says[id] == "" || zh.says[id] == "" {
			t.Errorf("phrase %d: en %q, zh %q: both must be set", id, en.says[id], zh.says[id])
			continue
		}
		if ne, nz := len(verb.FindAllString(en.says[id], -1)), len(verb.FindAllString(zh.says[id], -1)); ne != nz {
			t.Errorf("phrase %d: en %q has %d verbs, zh %q has %d", id, en.says[id], ne, zh.says[id], nz)
		}
	}
	for _, c := range builtins() {
		if en.help[c.Name] == "" || zh.help[c.Name] == "" || c.Help != en.help[c.Name] {
			t.Errorf("/%s: help en %q, zh %q, command %q", c.Name, en.help[c.Name], zh.help[c.Name], c.Help)
		}
	}
	if len(en.help) != len(builtins()) || len(zh.help) != len(builtins()) {
		t.Errorf("help sentences: en %d, zh %d, commands %d", len(en.help), len(zh.help), len(builtins()))
	}
}

func TestPhrasesFor(t *testing.T) {
	for lang, want := range map[string]string{"zh": "用法：%s", "zh-CN": "用法：%s", "ZH_tw": "用法：%s",
		"": "usage: %s", "en": "usage: %s", "fr": "usage: %s", "zhx": "usage: %s"} {
		if got := phrasesFor(lang).says[msgUsage]; got != want {
			t.Errorf("phrasesFor(%q) usage = %q, want %q", lang, got, want)
		}
	}
}

// inLang replaces e's registry by one answering in lang, with the same deps.
func inLang(e *testEnv, lang string) *testEnv {
	d := e.reg.deps
	d.Lang = lang
	e.reg = NewRegistry(d)
	return e
}

func TestChineseErrorSentences(t *testing.T) {
	forBoth(t, func(t *testing.T, e *testEnv) {
		inLang(e, "zh").seed(t)
		tests := []struct {
			who  Identity
			text string
			want string
		}{
			{reader, "/stauts octo/demo", "未知命令 /stauts，是不是想用 /status？（发送 /help 查看所有命令）"},
			{reader, "/frobnicate", "未知命令 /frobnicate，发送 /help 查看所有命令。"},
			{reader, "/help frobnicate", "未知命令 /frobnicate，发送 /help 查看所有命令。"},
			{writer, "/build", "用法：/build owner/name [branch] [KEY=VALUE ...]"},
			{writer, "/restart octo/demo", "缺少构建编号；用法：/restart owner/name N [KEY=VALUE ...]"},
			{writer, "/restart octo/demo abc", `"abc" 不是构建编号；用法：/restart owner/name N [KEY=VALUE ...]`},
			{reader, "/status octo/../admin", `"octo/../admin" 不是仓库（请写成 owner/name）；用法：/status owner/name [N | branch]`},
			{reader, `/logs "octo/demo 2`, "引号没有闭合；用法：/logs owner/name [N] [step | stage/step] [--tail | -n LINES | --around LINE | --grep TEXT]"},
			{reader, "/logs octo/demo 2 -n", "-n 后面需要行数；用法：/logs owner/name [N] [step | stage/step] [--tail | -n LINES | --around LINE | --grep TEXT]"},
			{reader, "/restart octo/demo 2", "没有权限执行 /restart（octo/demo）。可请机器人的管理员开通权限。"},
			{reader, "/subscriptions", "没有权限执行 /subscriptions。可请机器人的管理员开通权限。"},
			{reader, "/status octo/nope", "未知仓库 octo/nope（/repos --all 会从代码托管平台同步仓库列表）。"},
			{reader, "/status octo/demo 99", "构建不存在：octo/demo 没有构建 #99。"},
			{writer, "/cancel octo/demo 99", "构建不存在：octo/demo 没有构建 #99。"},
			{writer, "/cancel octo/demo 1", "octo/demo #1 已经结束（success），无需取消。"},
			{writer, "/approve octo/demo 1", "octo/demo #1 不在等待审批（当前状态：success）。"},
			{reader, "/status octo/other", e.pick("octo/other 的默认分支还没有构建。",
				"octo/other 的默认分支还没有 push 流水线（Woodpecker 在此只计 push；带编号的 /status 可查看任意流水线）。")},
			{reader, "/logs octo/demo 3", "日志暂不可用：步骤 build/compile 仍在运行。"},
			{reader, "/logs octo/demo 2 nope", "构建 #2 没有步骤 nope；现有步骤：build/clone, build/compile, build/notify, lint/vet。"},
		}
		for _, tt := range tests {
			r := e.run(t, tt.who, tt.text)
			if r.Text != tt.want || !r.Err {
				t.Errorf("%s:\n got %q (Err=%v)\nwant %q", tt.text, r.Text, r.Err, tt.want)
			}
		}
		e.srv.SetDown(true)
		if r := e.run(t, reader, "/status octo/demo"); !r.Err || !strings.HasPrefix(r.Text, e.named("Drone 无法连接（")) {
			t.Errorf("Drone down: %q", r.Text)
		}
	})
}

func TestChineseDroneSentences(t *testing.T) {
	zh := chinese()
	tests := []struct {
		err  error
		want string
	}{
		{context.DeadlineExceeded, "Drone 无法连接（超时）。"},
		{&drone.Error{Kind: drone.KindUnreachable, Err: errors.New("dial tcp: connection refused")}, "Drone 无法连接（连接被拒绝）。"},
		{&drone.Error{Kind: drone.KindNotImplemented}, "当前 Drone 版本不支持此功能。"},
		{&drone.Error{Kind: drone.KindLogNotReady}, "日志暂不可用。"},
		{&drone.Error{Kind: drone.KindUnauthorized}, "Drone 拒绝了机器人的令牌（unauthorized），请运维检查 drone.token。"},
		{&drone.Error{Kind: drone.KindBadRequest, Message: "Cannot cancel a non-running build"}, "Drone 拒绝了请求（Cannot cancel a non-running build）。"},
		{&drone.Error{Kind: drone.KindServer, Status: 502}, "Drone 未能正常响应（HTTP 502）。"},
	}
	for _, tt := range tests {
		msg, known := droneSentence(tt.err)
		if got := msg.in(zh); !known || got != tt.want {
			t.Errorf("%v: got %q (known %v), want %q", tt.err, got, known, tt.want)
		}
	}
}

func TestChineseReplies(t *testing.T) {
	e := inLang(newEnv(t, drone.DialectV1), "zh-CN")
	e.seed(t)

	st := e.run(t, reader, "/status octo/demo 2")
	text := RenderText(st)
	mustContain(t, "status", text, "octo/demo #2: failure", "compile: failure，退出码 2", "分支: main", "提交: 2222222 break it", "作者: pan")
	mustNotContain(t, "status", text, "Branch", "exit code")
	if len(st.Buttons) != 2 || st.Buttons[0].Text != "重新构建" || st.Buttons[1].Text != "查看日志" || st.Buttons[0].Action != "restart" {
		t.Errorf("buttons = %+v", st.Buttons)
	}

	help := e.run(t, reader, "/help")
	mustContain(t, "help", help.Title, "dronebot 命令")
	mustContain(t, "help", help.Text, "/status owner/name [N | branch]\n    查看构建", "/help <command> 查看单个命令的说明。")
	if one := e.run(t, reader, "/help logs"); one.Title != "/logs owner/name [N] [step | stage/step] [--tail | -n LINES | --around LINE | --grep TEXT]" ||
		!strings.HasPrefix(one.Text, "查看说明步骤失败原因") || !strings.Contains(one.Text, "能查看该仓库的人都可以执行") {
		t.Errorf("/help logs = %+v", one)
	}

	if r := e.run(t, reader, "/repos"); r.Title != "2 个已启用的仓库" || !strings.Contains(r.Text, "octo/demo #3 running（分支 main）") {
		t.Errorf("/repos = %q / %q", r.Title, r.Text)
	}
	if r := e.run(t, reader, "/logs octo/demo 2 vet"); r.Text != "完整日志（1 行）" || r.Title != "octo/demo #2 · lint/vet: failure，退出码 1" {
		t.Errorf("/logs = %q / %q", r.Title, r.Text)
	}
	if r := e.run(t, writer, "/build octo/demo dev A=1"); r.Text != "已启动 octo/demo #4（分支 dev）。" || r.Fields[0].Name != "参数" {
		t.Errorf("/build = %q %+v", r.Text, r.Fields)
	}
	if r := e.run(t, writer, "/subscribe octo/* fixed"); r.Text != "已订阅（#1）：此会话将接收 octo/*（所有分支）的 failure 和 fixed 告警。" {
		t.Errorf("/subscribe = %q", r.Text)
	}
	if r := e.run(t, writer, "/unsubscribe octo/*"); r.Text != "已取消对 octo/* 的 1 个订阅。" {
		t.Errorf("/unsubscribe = %q", r.Text)
	}
	e.srv.SetOSS(true)
	if r := e.run(t, deployer, "/promote octo/demo 1 prod"); r.Text != "当前 Drone 版本不支持 /promote。" || !r.Err {
		t.Errorf("/promote on OSS = %q", r.Text)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := WaitBuildIn(ctx, e.client, "octo/demo", 2, time.Millisecond, "", "zh")
	if err != nil || out.Title != "octo/demo #2: failure" || out.Text != "步骤 build/compile 失败，退出码 2。" || out.Buttons[0].Text != "重新构建" {
		t.Errorf("WaitBuildIn = %+v, %v", out, err)
	}
	done, err := WaitBuildIn(ctx, e.client, "octo/demo", 1, time.Millisecond, "", "zh")
	if err != nil || done.Text != "构建 #1 已结束：success。" {
		t.Errorf("WaitBuildIn success = %q, %v", done.Text, err)
	}
}

func TestChineseRerunOn08(t *testing.T) {
	e := inLang(newEnv(t, drone.DialectV08), "zh")
	e.seed(t)
	r := e.run(t, writer, "/build octo/demo")
	want := "已重新运行 #3（3333333），新构建为 #4（分支 main）；Drone 0.8 无法新建构建，因此重新运行了该分支最近一次构建。"
	if r.Err || r.Text != want {
		t.Errorf("0.8 /build = %q, want %q", r.Text, want)
	}
	e.srv.UpdateBuild("octo/demo", 3, func(b *dronetest.BuildSpec) { b.Status = drone.StatusPending })
	if r := e.run(t, writer, "/cancel octo/demo 3"); r.Text != "Drone 0.8 无法取消排队中的构建。" {
		t.Errorf("0.8 cancel of a queued build = %q", r.Text)
	}
}
