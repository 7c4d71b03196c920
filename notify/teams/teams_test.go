package teams_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dronebot/dronebot/bot/sinktest"
	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/teams"
	"github.com/dronebot/dronebot/notify/teams/teamstest"
)

const sig = "SECRETsig-4b1f9c"

func alert(outcome notify.Outcome, lines int, line string) *notify.Alert {
	a := &notify.Alert{
		ID: "octo/demo#42:failure", Outcome: outcome, Repo: "octo/demo", Build: 42,
		BuildLink: "https://drone.test/octo/demo/42", Status: "failure", Event: "push", Branch: "main",
		Commit: "abc1234def5678", Title: "fix the *parser* [again]", Author: "pan",
		FailedSteps: []notify.FailedStep{{Name: "test", ExitCode: 1}},
	}
	if lines > 0 {
		a.Log = &notify.LogExcerpt{Step: "test", Total: lines}
		for i := range lines {
			a.Log.Lines = append(a.Log.Lines, fmt.Sprintf("%s %d", line, i+1))
		}
	}
	return a
}

func msg(alerts ...*notify.Alert) *notify.Message { return &notify.Message{ID: "d1", Alerts: alerts} }

func newFake(t *testing.T) *teamstest.Server {
	t.Helper()
	fake := teamstest.NewServer()
	t.Cleanup(fake.Close)
	return fake
}

func newSink(t *testing.T, url string) *teams.Sink {
	t.Helper()
	s, err := teams.New(teams.Config{URL: url}, notify.Env{Name: "team-teams", HTTP: &http.Client{Timeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAlertCard(t *testing.T) {
	fake := newFake(t)
	s := newSink(t, fake.AddWorkflow("wf1", sig))
	if err := s.Send(context.Background(), msg(alert(notify.OutcomeFailure, 3, "--- FAIL: TestX *bold* - item"))); err != nil {
		t.Fatal(err)
	}
	if runs := fake.FailedRuns(); len(runs) != 0 {
		t.Fatalf("the flow could not post: %v", runs)
	}
	got := fake.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	m := got[0]
	if !strings.Contains(m.Title, "octo/demo #42") || m.Version != teams.CardVersion {
		t.Errorf("title %q, version %s", m.Title, m.Version)
	}
	if len(m.Monospace) != 3 || !strings.Contains(m.Monospace[2], "--- FAIL: TestX *bold* - item 3") {
		t.Errorf("log lines as runs: %q", m.Monospace)
	}
	if len(m.Links) != 1 || m.Links[0] != "https://drone.test/octo/demo/42" {
		t.Errorf("links %q", m.Links)
	}
	for _, text := range m.Texts {
		if strings.Contains(text, "```") || strings.HasPrefix(text, "## ") {
			t.Errorf("markdown Teams does not show: %q", text)
		}
	}
}

func TestNoticeBurstAndChinese(t *testing.T) {
	fake := newFake(t)
	s := newSink(t, fake.AddWorkflow("wf1", sig))
	notice := &notify.Message{Notice: &notify.Notice{Title: "dronebot test message", Text: "hello", Level: notify.LevelInfo}}
	var burst []*notify.Alert
	for i := range 7 {
		a := alert(notify.OutcomeFailure, 2, "boom")
		a.Build = int64(100 + i)
		burst = append(burst, a)
	}
	zh := msg(alert(notify.OutcomeFixed, 0, ""))
	zh.Lang = "zh"
	for _, m := range []*notify.Message{notice, msg(burst...), zh} {
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	if runs := fake.FailedRuns(); len(runs) != 0 {
		t.Fatalf("the flow could not post: %v", runs)
	}
	got := fake.Messages()
	if len(got) != 3 || got[0].Title != "dronebot test message" {
		t.Fatalf("messages %+v", got)
	}
	all := strings.Join(got[1].Texts, "\n")
	for i := range 7 {
		if !strings.Contains(all, fmt.Sprintf("octo/demo #%d", 100+i)) {
			t.Errorf("the burst does not name build %d:\n%s", 100+i, all)
		}
	}
	if label := "✅ octo/demo main 已由 #42 修复"; !strings.Contains(got[2].Title, label) {
		t.Errorf("zh title %q lacks %q", got[2].Title, label)
	}
}

func TestLongTailFitsTheCard(t *testing.T) {
	fake := newFake(t)
	s := newSink(t, fake.AddWorkflow("wf1", sig))
	if err := s.Send(context.Background(), msg(alert(notify.OutcomeFailure, 400, strings.Repeat("日志行\"<>\\", 60)))); err != nil {
		t.Fatal(err)
	}
	if runs := fake.FailedRuns(); len(runs) != 0 {
		t.Fatalf("the flow could not post: %v", runs)
	}
	m := fake.Messages()[0]
	if m.CardBytes > teamstest.MaxCardBytes || len(m.Monospace) < 5 {
		t.Errorf("card %d bytes with %d log lines", m.CardBytes, len(m.Monospace))
	}
	if last := m.Monospace[len(m.Monospace)-1]; !strings.HasSuffix(last, " 400") {
		t.Errorf("the newest line is not kept: %q", last)
	}
}

func TestErrorClasses(t *testing.T) {
	tests := []struct {
		name      string
		url       func(f *teamstest.Server) string
		fail      func(f *teamstest.Server)
		permanent bool
		after     time.Duration
		want      string
	}{
		{"wrong signature", func(f *teamstest.Server) string { f.AddWorkflow("wf1", sig); return f.URL("wf1", "SECRETwrong") },
			nil, true, 0, "HTTP 401"},
		{"unknown workflow", func(f *teamstest.Server) string { return f.URL("gone", sig) }, nil, true, 0, "HTTP 404"},
		{"throttled", func(f *teamstest.Server) string { return f.AddWorkflow("wf1", sig) },
			func(f *teamstest.Server) { f.FailNext(1, 429, 3*time.Second) }, false, 3 * time.Second, "HTTP 429"},
		{"unavailable", func(f *teamstest.Server) string { return f.AddWorkflow("wf1", sig) },
			func(f *teamstest.Server) { f.FailNext(1, 503, 0) }, false, 0, "HTTP 503"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake(t)
			s := newSink(t, tt.url(fake))
			if tt.fail != nil {
				tt.fail(fake)
			}
			err := s.Send(context.Background(), msg(alert(notify.OutcomeFailure, 1, "x")))
			switch {
			case err == nil:
				t.Fatal("no error")
			case notify.IsPermanent(err) != tt.permanent:
				t.Errorf("permanent = %v: %v", notify.IsPermanent(err), err)
			case !strings.Contains(err.Error(), tt.want):
				t.Errorf("err = %v, want %q", err, tt.want)
			case strings.Contains(err.Error(), "SECRET"):
				t.Errorf("the signature is in the error: %v", err)
			}
			if d, ok := notify.RetryDelay(err); tt.after > 0 && (!ok || d != tt.after) {
				t.Errorf("retry after %v %v, want %v", d, ok, tt.after)
			}
		})
	}
}

func TestFakeRefusesWhatTheTriggerRefuses(t *testing.T) {
	fake := newFake(t)
	url := fake.AddWorkflow("wf1", sig)
	for _, tt := range []struct{ body, want string }{
		{`{"type":"message"}`, "Required properties are missing from object: attachments"},
		{`{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{}}]}`, "contentUrl"},
		{`{"type":`, "InvalidRequestContent"},
	} {
		resp, err := http.Post(url, "application/json", strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		_, _ = fmt.Fprint(&b, resp.Status)
		buf := make([]byte, 2048)
		n, _ := resp.Body.Read(buf)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(buf[:n]), tt.want) {
			t.Errorf("%s: %s %s, want 400 %q", tt.body, b.String(), buf[:n], tt.want)
		}
	}
	// Accepted by the trigger, refused by the flow: 202, and a failed run.
	resp, err := http.Post(url, "application/json", strings.NewReader(
		`{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","contentUrl":null,"content":{"type":"MessageCard","body":[]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 202 || len(fake.FailedRuns()) != 1 || len(fake.Messages()) != 0 {
		t.Errorf("status %d, failed runs %v", resp.StatusCode, fake.FailedRuns())
	}
}

func TestRateWindow(t *testing.T) {
	fake := newFake(t)
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	fake.SetClock(func() time.Time { return now })
	s := newSink(t, fake.AddWorkflow("wf1", sig))
	for i := range teamstest.RateLimit {
		if err := s.Send(context.Background(), msg(alert(notify.OutcomeFailure, 0, ""))); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	err := s.Send(context.Background(), msg(alert(notify.OutcomeFailure, 0, "")))
	if d, ok := notify.RetryDelay(err); err == nil || notify.IsPermanent(err) || !ok || d != time.Second {
		t.Fatalf("the fifth in a second: %v (retry after %v)", err, d)
	}
	if l := s.Limits(); len(l) != 1 || l[0] != (notify.Window{N: teamstest.RateLimit, Per: teamstest.RateWindow}) {
		t.Errorf("Limits = %v, the fake's window is %d/%v", l, teamstest.RateLimit, teamstest.RateWindow)
	}
}

func TestHangIsAmbiguous(t *testing.T) {
	fake := newFake(t)
	s, err := teams.New(teams.Config{URL: fake.AddWorkflow("wf1", sig)}, notify.Env{Name: "t", HTTP: &http.Client{Timeout: 300 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	fake.HangNext(1)
	if err := s.Send(context.Background(), msg(alert(notify.OutcomeFailure, 0, ""))); !notify.IsAmbiguous(err) {
		t.Errorf("err = %v, want ambiguous", err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, url := range []string{"", "ftp://x/workflows/a", "https://x.example.com/workflows/a/triggers/manual/paths/invoke?api-version=1"} {
		if _, err := teams.New(teams.Config{URL: url}, notify.Env{Name: "t"}); err == nil {
			t.Errorf("New(%q) accepted", url)
		}
	}
}

func TestFaults(t *testing.T) {
	sinktest.Run(t, func(t *testing.T) sinktest.Fake {
		fake := newFake(t)
		texts := func() []string {
			var out []string
			for _, m := range fake.Messages() {
				out = append(out, strings.Join(m.Texts, "\n"))
			}
			return out
		}
		return sinktest.Fake{Type: "teams", Config: &teams.Config{URL: fake.AddWorkflow("faults", sig)},
			Fail:  func(n int) { fake.FailNext(n, 429, time.Second) },
			Hang:  func() { fake.HangNext(1) },
			Texts: texts}
	})
}
