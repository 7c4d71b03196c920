package notify

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestMarkdownSingleFull(t *testing.T) {
	a := sampleAlert(3)
	a.MentionAuthor = true
	got := Markdown(&Message{Alerts: []*Alert{a}}, 4096, MarkdownOptions{
		Mention: func(a *Alert) string { return "<@" + a.Mentions.WeCom + ">" },
	})
	for _, want := range []string{
		"## [❌ octo/demo #42 failed at test · main](https://drone.test/octo/demo/42)",
		"**Build**: [#42](https://drone.test/octo/demo/42) · push · main · 3m4s",
		"**Commit**: `abc1234` Fix the parser",
		"**Author**: <@zhangsan>",
		"- default/test: exit 2, 1m2s",
		"**Log of test (6 of 1200 lines)**",
		"```\n… 868 lines …\n 869  === RUN   TestParse\n 870      main_test.go:12: error: want 2, got 3\n 871  --- FAIL: TestParse (0.00s)\n" +
			"… 326 lines …\n1198  line 001 of the test output\n1199  line 002 of the test output\n1200  line 003 of the test output\n```",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

func TestMarkdownChinese(t *testing.T) {
	a := sampleAlert(2)
	a.Lang = "zh"
	a.Outcome, a.FailCount = OutcomeStillFailing, 3
	a.Title = "修复解析器中的错误"
	got := Markdown(&Message{Alerts: []*Alert{a}}, 0, MarkdownOptions{})
	for _, want := range []string{"## [🔁 octo/demo #42 仍然失败（连续第 3 次）于 test · main](https://drone.test/octo/demo/42)", "**提交**: `abc1234` 修复解析器中的错误", "**作者**: Pan (pan)", "退出码 2", "test 的日志（5 行，共 1200 行）", "… 省略 868 行 …"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

func TestMarkdownLimits(t *testing.T) {
	cjk := sampleAlert(60)
	for i := range cjk.Log.Lines {
		cjk.Log.Lines[i] = fmt.Sprintf("第 %d 行：构建日志中的中文内容，用来测试按字节截断", i)
	}
	hugeError := sampleAlert(0)
	hugeError.Log = nil
	hugeError.BuildError = strings.Repeat("yaml: 无效的配置 ", 200)
	tests := []struct {
		name     string
		alert    *Alert
		limit    int
		wantLast string // this log line must survive
		wantTail bool
	}{
		{"fits", sampleAlert(30), 4096, "line 030 of the test output", true},
		{"tail shortened", sampleAlert(300), 4096, "line 300 of the test output", true},
		{"small limit keeps the excerpt", sampleAlert(30), 520, "error: want 2, got 3", true},
		{"limit below head drops tail", sampleAlert(30), 300, "", false},
		{"cjk tail", cjk, 2048, "第 59 行", true},
		{"cjk odd limit", cjk, 1001, "第 59 行", true},
		{"huge build error", hugeError, 1000, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Markdown(&Message{Alerts: []*Alert{tt.alert}}, tt.limit, MarkdownOptions{})
			if len(got) > tt.limit {
				t.Fatalf("len %d > limit %d", len(got), tt.limit)
			}
			if !utf8.ValidString(got) {
				t.Fatal("not valid UTF-8")
			}
			if countFences(got)%2 != 0 {
				t.Fatalf("unclosed fence:\n%s", got)
			}
			if !strings.Contains(got, "octo/demo #42") {
				t.Errorf("title lost:\n%s", got)
			}
			if tt.wantLast != "" && !strings.Contains(got, tt.wantLast) {
				t.Errorf("newest log line %q lost:\n%s", tt.wantLast, got)
			}
			if tt.wantTail != strings.Contains(got, "```") {
				t.Errorf("tail present = %v, want %v:\n%s", !tt.wantTail, tt.wantTail, got)
			}
		})
	}
}

func TestMarkdownTailKeepsNewestLines(t *testing.T) {
	got := Markdown(&Message{Alerts: []*Alert{sampleAlert(300)}}, 2000, MarkdownOptions{})
	if strings.Contains(got, "line 001 ") {
		t.Error("oldest line kept while cutting")
	}
	if !strings.Contains(got, "line 300 ") || !strings.Contains(got, " of 1200 lines)") || !strings.Contains(got, "want 2, got 3") {
		t.Errorf("tail end or excerpt lost:\n%s", got)
	}
}

// TestMarkdownTrimsTheTailFirst: when room runs out the tail goes, oldest
// line first, before any line of the blocks that explain the failure.
func TestMarkdownTrimsTheTailFirst(t *testing.T) {
	a := sampleAlert(30)
	full := Markdown(&Message{Alerts: []*Alert{a}}, 0, MarkdownOptions{})
	prevTail := 31
	for limit := len(full); limit > 300; limit -= 37 {
		got := Markdown(&Message{Alerts: []*Alert{a}}, limit, MarkdownOptions{})
		if len(got) > limit {
			t.Fatalf("limit %d: %d bytes", limit, len(got))
		}
		tail := strings.Count(got, " of the test output")
		if tail > prevTail {
			t.Errorf("limit %d: tail grew to %d", limit, tail)
		}
		prevTail = tail
		if tail > 0 && !strings.Contains(got, "want 2, got 3") {
			t.Errorf("limit %d: the excerpt went before the tail:\n%s", limit, got)
		}
		if tail > 0 && !strings.Contains(got, "line 030 of the test output") {
			t.Errorf("limit %d: the newest line went first:\n%s", limit, got)
		}
	}
}

func TestCut(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		limit  int
		fenced bool
		want   string
	}{
		{"no cut", "a\nb", 10, false, "a\nb"},
		{"line boundary", "aaaa\nbbbb\ncccc", 12, false, "aaaa\n…"},
		{"empty fence dropped", "x\n```\n1\n2\n3\n4\n```", 14, true, "x\n…"},
		{"fence closed", "x\n```\n1\n2\n3\n4\n```", 16, true, "x\n```\n1\n```\n…"},
		{"rune boundary in one line", "构建构建构建构建", 10, false, "构建\n…"},
		{"unlimited", "abc", 0, false, "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cut(tt.text, tt.limit, tt.fenced, "…")
			if got != tt.want {
				t.Errorf("cut = %q, want %q", got, tt.want)
			}
			if tt.limit > 0 && len(got) > tt.limit {
				t.Errorf("len %d > %d", len(got), tt.limit)
			}
		})
	}
}

func burstOf(n int) []*Alert {
	var alerts []*Alert
	base := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	for i := range n {
		a := sampleAlert(8)
		a.Build = int64(100 + i)
		a.Repo = fmt.Sprintf("octo/service-%02d", i)
		a.BuildLink = fmt.Sprintf("https://drone.test/%s/%d", a.Repo, a.Build)
		a.At = base.Add(time.Duration(i) * 5 * time.Second)
		if i == 3 {
			a.Outcome, a.FailCount = OutcomeStillFailing, 4
		}
		alerts = append(alerts, a)
	}
	return alerts
}

func TestMarkdownBurst(t *testing.T) {
	for _, limit := range []int{0, 4096, 1500, 700, 300} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			alerts := burstOf(7)
			got := Markdown(&Message{Alerts: alerts}, limit, MarkdownOptions{})
			if limit > 0 && len(got) > limit {
				t.Fatalf("len %d > %d", len(got), limit)
			}
			if !strings.HasPrefix(got, "## 7 builds failed in the last minute") {
				t.Errorf("title: %q", strings.SplitN(got, "\n", 2)[0])
			}
			if limit == 0 || limit >= 700 {
				for _, a := range alerts {
					if !strings.Contains(got, fmt.Sprintf("%s #%d", a.Repo, a.Build)) {
						t.Errorf("%s #%d not named:\n%s", a.Repo, a.Build, got)
					}
				}
			}
			// Worst first: the still-failing build leads.
			if i := strings.Index(got, "octo/service-03"); i < 0 || i > strings.Index(got, "octo/service-00") && strings.Contains(got, "octo/service-00") {
				t.Errorf("still_failing build not first:\n%s", got)
			}
			if countFences(got)%2 != 0 {
				t.Errorf("unclosed fence:\n%s", got)
			}
		})
	}
}

func TestTextAndHTML(t *testing.T) {
	a := sampleAlert(2)
	a.Title = "<script>alert(1)</script>"
	m := &Message{Alerts: []*Alert{a}}
	text := Text(m, 0)
	if !strings.Contains(text, "Build: #42 <https://drone.test/octo/demo/42>") || strings.Contains(text, "```") || !strings.Contains(text, "    1200  line 002 of the test output") {
		t.Errorf("plain text:\n%s", text)
	}
	h := HTML(m)
	if strings.Contains(h, "<script>") || !strings.Contains(h, "&lt;script&gt;") {
		t.Errorf("HTML not escaped:\n%s", h)
	}
	if !strings.Contains(h, "<pre") || !strings.Contains(h, "1199  line 001 of the test output\n1200  line 002") {
		t.Errorf("HTML tail:\n%s", h)
	}
	if got := Subject(m); got != "❌ octo/demo #42 failed at test · main · <script>alert(1)</script>" {
		t.Errorf("Subject = %q", got)
	}
}

func TestNotice(t *testing.T) {
	m := &Message{Notice: &Notice{Title: "dronebot test", Text: "line one\nline two", Level: LevelInfo}, Lang: "zh"}
	if got := Markdown(m, 0, MarkdownOptions{}); got != "## dronebot test\nline one\nline two" {
		t.Errorf("got %q", got)
	}
	if got := Subject(m); got != "dronebot test" {
		t.Errorf("Subject = %q", got)
	}
}

func TestMarkdownNoCodeBlocks(t *testing.T) {
	got := Markdown(&Message{Alerts: []*Alert{sampleAlert(2)}}, 0, MarkdownOptions{NoCodeBlocks: true})
	if strings.Contains(got, "```") || !strings.Contains(got, "> 1200  line 002 of the test output") {
		t.Errorf("got:\n%s", got)
	}
}

func BenchmarkMarkdownCut(b *testing.B) {
	m := &Message{Alerts: []*Alert{sampleAlert(500)}}
	b.ReportAllocs()
	for range b.N {
		_ = Markdown(m, 4096, MarkdownOptions{})
	}
}

// sampleAlert is a failed build with a block of three lines that explain
// the failure and a tail of n log lines.
func sampleAlert(n int) *Alert {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf("line %03d of the test output", i+1)
	}
	start := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	return &Alert{
		ID: "octo/demo#42:failure", Outcome: OutcomeFailure,
		Repo: "octo/demo", Build: 42, BuildLink: "https://drone.test/octo/demo/42",
		Status: "failure", Event: "push", Branch: "main", Ref: "refs/heads/main",
		Commit: "abc1234def5678abc1234def5678abc1234def56", Title: "Fix the parser",
		Author: "pan", AuthorName: "Pan", AuthorEmail: "pan@example.com",
		Mentions: Mentions{WeCom: "zhangsan", Email: "pan@example.com"},
		Started:  start, Finished: start.Add(3*time.Minute + 4*time.Second),
		FailedSteps: []FailedStep{{Stage: "default", Name: "test", ExitCode: 2, Duration: 62 * time.Second}},
		Log: &LogExcerpt{Step: "test", Lines: lines, Total: 1200,
			Blocks: []LogBlock{{First: 869, Lines: []string{"=== RUN   TestParse", "    main_test.go:12: error: want 2, got 3", "--- FAIL: TestParse (0.00s)"}}},
			Cause:  "main_test.go:12: error: want 2, got 3", CauseLine: 870},
		At: start.Add(3 * time.Minute),
	}
}

func countFences(s string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "```") {
			n++
		}
	}
	return n
}

func TestDefuseMarkup(t *testing.T) {
	cases := map[string]string{
		"[点我](https://evil.example)":     "[点我］(https://evil.example)",
		`<font color="warning">x</font>`: `＜font color="warning">x＜/font>`,
		"<@all> <@lisi>":                 "＜@all> ＜@lisi>",
		"<https://evil.example>":         "＜https://evil.example>",
		"[a][ref]":                       "[a］[ref]",
		"<!-- hidden -->":                "＜!-- hidden -->",
		// Text that is not markup stays as it was.
		"make: *** [Makefile:14: build/parser.o] Error 1": "make: *** [Makefile:14: build/parser.o] Error 1",
		"if a < b && c <= 3 ]":                            "if a < b && c <= 3 ]",
		"":                                                "",
	}
	for in, want := range cases {
		if got := DefuseMarkup(in); got != want {
			t.Errorf("DefuseMarkup(%q) = %q, want %q", in, got, want)
		}
	}
	// Fenced log lines are literal already and stay untouched.
	a := sampleAlert(2)
	a.Title = "[x](https://evil.example)"
	a.Log.Lines[1] = "<font>[y](https://evil.example)"
	got := Markdown(&Message{Alerts: []*Alert{a}}, 0, MarkdownOptions{Defuse: true})
	if !strings.Contains(got, "[x］(https://evil.example)") || !strings.Contains(got, "1200  <font>[y](https://evil.example)") {
		t.Errorf("defused:\n%s", got)
	}
}
