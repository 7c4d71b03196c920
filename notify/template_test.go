package notify

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type recordSink struct{ got []*Message }

func (r *recordSink) Name() string { return "rec" }
func (r *recordSink) Send(_ context.Context, m *Message) error {
	r.got = append(r.got, m)
	return nil
}

func writeTemplate(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "alert.tmpl")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTemplateRendersAlerts(t *testing.T) {
	p := writeTemplate(t, `{{range .Alerts}}{{.Repo}} #{{.Build}} {{.Outcome}} at {{short .Commit}}
{{range .FailedSteps}}  {{.Name}} exit {{.ExitCode}}
{{end}}{{end}}`)
	tmpl, err := ParseTemplate(p)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recordSink{}
	s := Templated(rec, tmpl)
	a := SampleAlert()
	if err := s.Send(context.Background(), &Message{ID: "d1", Alerts: []*Alert{a}}); err != nil {
		t.Fatal(err)
	}
	got := rec.got[0]
	if got.Notice == nil || got.Alerts != nil || got.ID != "d1" {
		t.Fatalf("sent %+v", got)
	}
	if want := "octo/demo #42 failure at 3f9c2d1\n  test exit 1"; got.Notice.Text != want || got.Notice.Level != LevelError {
		t.Errorf("text %q level %s, want %q", got.Notice.Text, got.Notice.Level, want)
	}
	if got.Notice.Title != "❌ octo/demo #42 failed at test · main · Parse durations in the config" {
		t.Errorf("title %q", got.Notice.Title)
	}
	// Notices pass through untouched.
	n := &Message{ID: "d2", Notice: &Notice{Title: "ops", Text: "x"}}
	if err := s.Send(context.Background(), n); err != nil || rec.got[1] != n {
		t.Errorf("notice changed: %v", err)
	}
}

func TestTemplateErrorsAreFoundBeforeUse(t *testing.T) {
	tests := map[string]string{
		"syntax":        "{{.Repo",
		"unknown field": "{{.Alert.Repository}}",
		"unknown func":  "{{shout .Lang}}",
	}
	for name, text := range tests {
		t.Run(name, func(t *testing.T) {
			p := writeTemplate(t, text)
			_, err := ParseTemplate(p)
			if err == nil || !strings.Contains(err.Error(), "alert.tmpl") {
				t.Errorf("err = %v, want an error naming the file", err)
			}
		})
	}
	if _, err := ParseTemplate(filepath.Join(t.TempDir(), "missing.tmpl")); err == nil {
		t.Error("a missing file parsed")
	}
}
