package digest

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dronebot/dronebot/notify"
)

const wantTextEN = `Build digest: daily
2024-05-06 09:00 – 2024-05-08 09:00 (Asia/Shanghai)

Totals: 4 repositories, 12 runs, 5 failed, 1 killed, success rate 54.5%, 2 red now, 1 flaky candidate
Trend vs the 2 days before: runs 12 ▲ +8 vs 4, failure rate 45.5% ▲ +20.5 pts vs 25.0%, median 4m ▲ +2m vs 2m
Time to recovery: median 1h over 3 fixed lines
Not watched, so builds may be missing: secret/*

Repository  Runs  Failed  Killed/other  Success  Median    P90
octo/api       7       4             1    33.3%      2m     5m
octo/cli       0       0             0        –       –      –
octo/web       4       1             0    75.0%     10m    12m
octo/docs      1       0             0   100.0%   1m30s  1m30s

Failed builds
octo/api (4)
  - #15 main "Change d4d4d4d4d4" (pan), step lint <https://drone.example.com/octo/api/15>
  - #14 main c3c3c3c3 (pan) <https://drone.example.com/octo/api/14>
  - #13 main "Change c3c3c3c3c3" (pan), step test <https://drone.example.com/octo/api/13>
  - #11 main "Change b2b2b2b2b2" (pan), step test <https://drone.example.com/octo/api/11>
octo/web (1)
  - #3 main "Change w3" (li), step build <https://drone.example.com/octo/web/3>

Broken and fixed
  - octo/api main: broken by #9 (pan) at 2024-05-06 08:59, fixed by #10 (pan) after 1h1m
  - octo/api main: broken by #11 (pan) at 2024-05-06 11:00, fixed by #12 (pan) after 1h
  - octo/api main: broken by #13 (pan) at 2024-05-07 10:00, still red (3 failed)
  - octo/web main: broken by #3 (li) at 2024-05-07 16:00, fixed by #4 (li) after 1h

Flaky steps
  - octo/api test: 1 failure on 1 commit that then passed

Slowest pipelines
  - octo/web: median 10m, p90 12m, longest #2 (12m) <https://drone.example.com/octo/web/2>
  - octo/api: median 2m, p90 5m, longest #12 (5m) <https://drone.example.com/octo/api/12>
  - octo/docs: median 1m30s, p90 1m30s, longest #7 (1m30s) <https://drone.example.com/octo/docs/7>

octo/api <https://drone.example.com/octo/api>
  - red now: main since 2024-05-07 10:00, failing step lint, 3 failures in a row
  - fails most: test ×2, lint ×1
  - flaky? b2b2b2b2 on main: #11 failed, #12 passed

octo/cli <https://drone.example.com/octo/cli>
  - red now: main since 2024-05-01 18:05, failing step deploy

octo/web <https://drone.example.com/octo/web>
  - fails most: build ×1

Builds per hour
Hour              Passed  Failed  Other  Median    P90
2024-05-06 10:00       1       0      0      4m     4m
2024-05-06 11:00       0       1      0      2m     2m
2024-05-06 12:00       1       0      0      5m     5m
2024-05-06 15:00       1       0      0     10m    10m
2024-05-07 09:00       1       0      0   1m30s  1m30s
2024-05-07 10:00       0       2      0      3m     3m
2024-05-07 15:00       1       0      0     12m    12m
2024-05-07 16:00       0       1      0      8m     8m
2024-05-07 17:00       1       0      0     11m    11m
2024-05-08 08:00       0       1      1     30s     1m

Sent by dronebot.
`

const wantTextZH = `构建摘要：daily
2024-05-06 09:00 至 2024-05-08 09:00（Asia/Shanghai）

总计：4 个仓库，12 次构建，5 次失败，1 次取消，成功率 54.5%，2 个分支当前失败，1 个疑似不稳定提交
与之前 2 天相比：构建 12 ▲ +8 之前 4，失败率 45.5% ▲ +20.5 个百分点 之前 25.0%，耗时中位数 4m ▲ +2m 之前 2m
恢复用时：中位数 1h，共 3 个修复的分支
以下仓库未被监视，构建记录可能缺失：secret/*

仓库       构建  失败  取消/其他  成功率  耗时中位数  耗时 P90
octo/api      7     4          1   33.3%          2m        5m
octo/cli      0     0          0       –           –         –
octo/web      4     1          0   75.0%         10m       12m
octo/docs     1     0          0  100.0%       1m30s     1m30s

失败的构建
octo/api (4)
  - #15 main "Change d4d4d4d4d4"（pan），步骤 lint <https://drone.example.com/octo/api/15>
  - #14 main c3c3c3c3（pan） <https://drone.example.com/octo/api/14>
  - #13 main "Change c3c3c3c3c3"（pan），步骤 test <https://drone.example.com/octo/api/13>
  - #11 main "Change b2b2b2b2b2"（pan），步骤 test <https://drone.example.com/octo/api/11>
octo/web (1)
  - #3 main "Change w3"（li），步骤 build <https://drone.example.com/octo/web/3>

失败与修复
  - octo/api main：2024-05-06 08:59 由 #9（pan）引入失败，由 #10（pan）修复，用时 1h1m
  - octo/api main：2024-05-06 11:00 由 #11（pan）引入失败，由 #12（pan）修复，用时 1h
  - octo/api main：2024-05-07 10:00 由 #13（pan）引入失败，仍失败（3 次失败）
  - octo/web main：2024-05-07 16:00 由 #3（li）引入失败，由 #4（li）修复，用时 1h

不稳定的步骤
  - octo/api test：1 次失败，涉及 1 个提交随后通过

最慢的流水线
  - octo/web：中位数 10m，P90 12m，最长 #2 (12m) <https://drone.example.com/octo/web/2>
  - octo/api：中位数 2m，P90 5m，最长 #12 (5m) <https://drone.example.com/octo/api/12>
  - octo/docs：中位数 1m30s，P90 1m30s，最长 #7 (1m30s) <https://drone.example.com/octo/docs/7>

octo/api <https://drone.example.com/octo/api>
  - 当前失败：main，自 2024-05-07 10:00 起，失败步骤 lint，连续失败 3 次
  - 最常失败的步骤：test ×2，lint ×1
  - 疑似不稳定：b2b2b2b2（main）#11 失败，#12 通过

octo/cli <https://drone.example.com/octo/cli>
  - 当前失败：main，自 2024-05-01 18:05 起，失败步骤 deploy

octo/web <https://drone.example.com/octo/web>
  - 最常失败的步骤：build ×1

每小时构建数
小时              通过  失败  其他  耗时中位数  耗时 P90
2024-05-06 10:00     1     0     0          4m        4m
2024-05-06 11:00     0     1     0          2m        2m
2024-05-06 12:00     1     0     0          5m        5m
2024-05-06 15:00     1     0     0         10m       10m
2024-05-07 09:00     1     0     0       1m30s     1m30s
2024-05-07 10:00     0     2     0          3m        3m
2024-05-07 15:00     1     0     0         12m       12m
2024-05-07 16:00     0     1     0          8m        8m
2024-05-07 17:00     1     0     0         11m       11m
2024-05-08 08:00     0     1     1         30s        1m

由 dronebot 发送。
`

func TestRenderText(t *testing.T) {
	r := newScenario(t).report()
	for _, c := range []struct{ lang, want string }{{"en", wantTextEN}, {"", wantTextEN}, {"zh", wantTextZH}, {"zh-CN", wantTextZH}} {
		if got := RenderText(r, c.lang); got != c.want {
			t.Errorf("lang %q:\n%s\nwant:\n%s", c.lang, got, c.want)
		}
	}
}

func TestSubject(t *testing.T) {
	r := newScenario(t).report()
	cases := []struct{ lang, want string }{
		{"en", "Build digest daily: 12 runs, 5 failed, 54.5% success, 2 red now"},
		{"zh", "构建摘要 daily：12 次构建，5 次失败，成功率 54.5%，2 个分支当前失败"},
	}
	for _, c := range cases {
		if got := Subject(r, c.lang); got != c.want {
			t.Errorf("%s: %q, want %q", c.lang, got, c.want)
		}
	}
	quiet := Compute(Input{Spec: Spec{Name: "q", Schedule: "0 * * * *"}, Since: r.Since, Until: r.Until})
	if got := Subject(quiet, "en"); got != "Build digest q: 0 runs, 0 failed, – success" {
		t.Errorf("quiet: %q", got)
	}
	if got := RenderText(quiet, "en"); !strings.Contains(got, "No builds in this period.") {
		t.Errorf("quiet text:\n%s", got)
	}
}

func TestRenderMarkdown(t *testing.T) {
	r := newScenario(t).report()
	full := RenderMarkdown(r, "en", 0)
	want := []string{
		"2024-05-06 09:00 – 2024-05-08 09:00 (Asia/Shanghai)",
		"**Totals**: [12 runs](https://drone.example.com), 5 failed, 1 killed, success rate 54.5%, 2 red now, 1 flaky candidate",
		"**Trend vs the 2 days before**: runs 12 ▲ +8 vs 4 · failure rate 45.5% ▲ +20.5 pts vs 25.0% · median 4m ▲ +2m vs 2m",
		"Time to recovery: median 1h over 3 fixed lines",
		"Not watched, so builds may be missing: secret/*",
		"**Worst repositories**",
		"- [**octo/api**](https://drone.example.com/octo/api): 7 runs, 4 failed, success rate 33.3%, red now: main",
		`  - [#15](https://drone.example.com/octo/api/15) main "Change d4d4d4d4d4" (pan), step lint`,
		"- [**octo/cli**](https://drone.example.com/octo/cli): 0 runs, 0 failed, success rate –, red now: main",
		"- [**octo/web**](https://drone.example.com/octo/web): 4 runs, 1 failed, success rate 75.0%",
		`  - [#3](https://drone.example.com/octo/web/3) main "Change w3" (li), step build`,
	}
	if full != strings.Join(want, "\n") {
		t.Fatalf("markdown:\n%s", full)
	}

	// Too long: the least bad repositories go, counted, within the limit.
	limit := len(strings.Join(want[:9], "\n")) + 40
	cut := RenderMarkdown(r, "en", limit)
	if len(cut) > limit || !strings.HasSuffix(cut, "\n… and 1 more repository") || !strings.Contains(cut, "**octo/cli**") {
		t.Fatalf("cut to %d (%d bytes):\n%s", limit, len(cut), cut)
	}
	tiny := RenderMarkdown(r, "zh", 50)
	if len(tiny) > 50 || !utf8.ValidString(tiny) {
		t.Fatalf("tiny: %q", tiny)
	}

	// Without failures the chat says so instead of listing repositories.
	in := newScenario(t).input()
	in.Builds, in.Lines = nil, nil
	for _, b := range newScenario(t).builds {
		if b.Repo == "octo/docs" {
			in.Builds = append(in.Builds, b)
		}
	}
	if green := RenderMarkdown(Compute(in), "en", 0); !strings.HasSuffix(green, "\nNothing failed.") {
		t.Fatalf("green:\n%s", green)
	}

	n := Notice(r, "zh")
	if n.Title != "构建摘要：daily" || n.Level != notify.LevelWarning || len(n.Text) > MarkdownLimit ||
		!strings.Contains(n.Text, "- [**octo/api**](https://drone.example.com/octo/api)：7 次构建，4 次失败，成功率 33.3%，当前失败：main") {
		t.Fatalf("notice %+v", n)
	}
	// The notify renderers take it as it is: one heading, then the text.
	msg := notify.Markdown(&notify.Message{Notice: n, Lang: "zh"}, 2048, notify.MarkdownOptions{})
	if len(msg) > 2048 || !strings.HasPrefix(msg, "## 构建摘要：daily\n") {
		t.Fatalf("rendered notice:\n%s", msg)
	}
}

func TestFormatDuration(t *testing.T) {
	p := english()
	cases := map[string]string{"0s": "–", "400ms": "–", "2m": "2m", "90s": "1m30s", "3725s": "1h2m", "3755s": "1h3m", "2h0m1s": "2h", "59.6s": "1m", "59m59.6s": "1h"}
	for in, want := range cases {
		d, err := time.ParseDuration(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := formatDuration(d, p); got != want {
			t.Errorf("formatDuration(%s) = %q, want %q", in, got, want)
		}
	}
}
