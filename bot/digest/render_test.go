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

Totals: 4 repositories, 12 runs, 5 failed, 1 other, success rate 54.5%, 2 red now, 1 flaky candidate
Not watched, so builds may be missing: secret/*

Repository  Runs  Failed  Success  Median    P90
octo/api       7       4    33.3%      2m     5m
octo/cli       0       0        –       –      –
octo/web       4       1    75.0%     10m    12m
octo/docs      1       0   100.0%   1m30s  1m30s

octo/api
  - red now: main since 2024-05-07 10:00, failing step lint, 3 failures in a row
  - fails most: test ×2, lint ×1
  - flaky? b2b2b2b2 on main: #11 failed, #12 passed

octo/cli
  - red now: main since 2024-05-01 18:05, failing step deploy

octo/web
  - fails most: build ×1

Passed and failed builds per day
Date        Passed  Failed
2024-05-06       3       1
2024-05-07       3       3
2024-05-08       0       1

Sent by dronebot.
`

const wantTextZH = `构建摘要：daily
2024-05-06 09:00 至 2024-05-08 09:00（Asia/Shanghai）

总计：4 个仓库，12 次构建，5 次失败，1 次其他，成功率 54.5%，2 个分支当前失败，1 个疑似不稳定提交
以下仓库未被监视，构建记录可能缺失：secret/*

仓库       构建  失败  成功率  耗时中位数  耗时 P90
octo/api      7     4   33.3%          2m        5m
octo/cli      0     0       –           –         –
octo/web      4     1   75.0%         10m       12m
octo/docs     1     0  100.0%       1m30s     1m30s

octo/api
  - 当前失败：main，自 2024-05-07 10:00 起，失败步骤 lint，连续失败 3 次
  - 最常失败的步骤：test ×2，lint ×1
  - 疑似不稳定：b2b2b2b2（main）#11 失败，#12 通过

octo/cli
  - 当前失败：main，自 2024-05-01 18:05 起，失败步骤 deploy

octo/web
  - 最常失败的步骤：build ×1

每日通过与失败的构建数
日期        通过  失败
2024-05-06     3     1
2024-05-07     3     3
2024-05-08     0     1

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
	quiet := Compute(Spec{Name: "q", Schedule: "0 * * * *"}, r.Since, r.Until, nil, nil, nil)
	if got := Subject(quiet, "en"); got != "Build digest q: 0 runs, 0 failed, – success" {
		t.Errorf("quiet: %q", got)
	}
	if got := RenderText(quiet, "en"); !strings.Contains(got, "No builds were recorded in this period.") {
		t.Errorf("quiet text:\n%s", got)
	}
}

func TestRenderMarkdown(t *testing.T) {
	r := newScenario(t).report()
	full := RenderMarkdown(r, "en", 0)
	want := []string{
		"2024-05-06 09:00 – 2024-05-08 09:00 (Asia/Shanghai)",
		"**Totals**: 4 repositories · 12 runs · 5 failed · 1 other · success rate 54.5% · 2 red now · 1 flaky candidate",
		"Not watched, so builds may be missing: secret/*",
		"- **octo/api**: 7 runs, 4 failed, success rate 33.3%, median 2m, p90 5m",
		"  - red now: main since 2024-05-07 10:00, failing step lint, 3 failures in a row",
		"  - fails most: test ×2, lint ×1",
		"  - flaky? b2b2b2b2 on main: #11 failed, #12 passed",
		"- **octo/cli**: 0 runs, 0 failed, success rate –, median –, p90 –",
		"  - red now: main since 2024-05-01 18:05, failing step deploy",
		"- **octo/web**: 4 runs, 1 failed, success rate 75.0%, median 10m, p90 12m",
		"  - fails most: build ×1",
		"- **octo/docs**: 1 run, 0 failed, success rate 100.0%, median 1m30s, p90 1m30s",
	}
	if full != strings.Join(want, "\n") {
		t.Fatalf("markdown:\n%s", full)
	}

	// Too long: the least bad repositories go, counted, within the limit.
	limit := len(strings.Join(want[:9], "\n")) + 40
	cut := RenderMarkdown(r, "en", limit)
	if len(cut) > limit || !strings.HasSuffix(cut, "\n… and 2 more repositories") || !strings.Contains(cut, "**octo/cli**") {
		t.Fatalf("cut to %d (%d bytes):\n%s", limit, len(cut), cut)
	}
	tiny := RenderMarkdown(r, "zh", 50)
	if len(tiny) > 50 || !utf8.ValidString(tiny) {
		t.Fatalf("tiny: %q", tiny)
	}

	n := Notice(r, "zh")
	if n.Title != "构建摘要：daily" || n.Level != notify.LevelWarning || len(n.Text) > MarkdownLimit ||
		!strings.Contains(n.Text, "- **octo/api**：7 次构建，4 次失败，成功率 33.3%，中位数 2m，P90 5m") {
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
	cases := map[string]string{"0s": "–", "400ms": "–", "2m": "2m", "90s": "1m30s", "3725s": "1h2m5s", "2h0m1s": "2h1s", "59.6s": "1m"}
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
