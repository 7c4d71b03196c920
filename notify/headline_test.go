package notify

import (
	"strings"
	"testing"
)

func TestHeadline(t *testing.T) {
	pay := func(o Outcome, build int64, fails int, steps ...string) *Alert {
		a := &Alert{Outcome: o, Repo: "octo/pay", Build: build, Branch: "main", Title: "Round charges to cents\n\nLonger body", FailCount: fails}
		for _, s := range steps {
			a.FailedSteps = append(a.FailedSteps, FailedStep{Stage: "default", Name: s, ExitCode: 1})
		}
		return a
	}
	cases := []struct {
		lang string
		a    *Alert
		want string
	}{
		{"en", pay(OutcomeFailure, 42, 1, "test"), "❌ octo/pay #42 failed at test · main · Round charges to cents"},
		{"zh", pay(OutcomeFailure, 42, 1, "test"), "❌ octo/pay #42 在 test 失败 · main · Round charges to cents"},
		{"en", pay(OutcomeFailure, 42, 1), "❌ octo/pay #42 failed · main · Round charges to cents"},
		{"en", pay(OutcomeFailure, 42, 1, "lint", "test", "test", "vet", "race"), "❌ octo/pay #42 failed at lint, test, vet +1 more · main · Round charges to cents"},
		{"zh", pay(OutcomeFailure, 42, 1, "lint", "test", "vet", "race"), "❌ octo/pay #42 在 lint、test、vet 及另 1 步 失败 · main · Round charges to cents"},
		{"en", pay(OutcomeStillFailing, 44, 3, "test"), "🔁 octo/pay #44 still failing (3rd in a row) at test · main · Round charges to cents"},
		{"zh", pay(OutcomeStillFailing, 44, 3, "test"), "🔁 octo/pay #44 仍然失败（连续第 3 次）于 test · main · Round charges to cents"},
		{"en", pay(OutcomeStillFailing, 44, 2), "🔁 octo/pay #44 still failing (2nd in a row) · main · Round charges to cents"},
		{"en", pay(OutcomeStillFailing, 44, 0, "test"), "🔁 octo/pay #44 still failing · main · Round charges to cents"},
		{"en", pay(OutcomeFixed, 43, 0), "✅ octo/pay main fixed by #43 · Round charges to cents"},
		{"zh", pay(OutcomeFixed, 43, 0), "✅ octo/pay main 已由 #43 修复 · Round charges to cents"},
		{"en", pay(OutcomeSuccess, 45, 0), "✅ octo/pay #45 passed · main · Round charges to cents"},
		{"zh", pay(OutcomeKilled, 46, 0), "⛔ octo/pay #46 已取消 · main · Round charges to cents"},
	}
	for _, c := range cases {
		if got := PhrasesFor(c.lang).Headline(c.a); got != c.want {
			t.Errorf("%s %s:\n got %q\nwant %q", c.lang, c.a.Outcome, got, c.want)
		}
	}
}

func TestOrdinal(t *testing.T) {
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 102: "102nd", 111: "111th"} {
		if got := englishOrdinal(n); got != want {
			t.Errorf("englishOrdinal(%d) = %q, want %q", n, got, want)
		}
	}
}

// A commit title or branch full of markup and line breaks stays one line
// and keeps its words, so no mail header or preview can be broken.
func TestHeadlineOneLine(t *testing.T) {
	a := &Alert{Outcome: OutcomeFailure, Repo: "octo/pay", Build: 7, Branch: "feat/x\r\nBcc: evil@example.com",
		Title:       "[click](https://evil.example) <font color=\"red\">x</font> <@all>\u2028more",
		FailedSteps: []FailedStep{{Name: "te\nst"}}}
	for _, l := range []string{"en", "zh"} {
		got := Subject(&Message{Alerts: []*Alert{a}, Lang: l})
		if strings.ContainsAny(got, "\r\n\u2028") {
			t.Errorf("%s: subject breaks the line: %q", l, got)
		}
		if !strings.Contains(got, "Bcc: evil@example.com") || !strings.Contains(got, "<font color=\"red\">") {
			t.Errorf("%s: subject lost words: %q", l, got)
		}
	}
	long := &Alert{Outcome: OutcomeFailure, Repo: "octo/pay", Build: 7, Title: strings.Repeat("长", 200)}
	if got := Subject(&Message{Alerts: []*Alert{long}}); len(got) > 150 || !strings.HasSuffix(got, "…") {
		t.Errorf("long title not cut: %d bytes %q", len(got), got)
	}
}
