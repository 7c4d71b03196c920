package notify

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"text/template"
	"time"
)

// Template is a sink's own wording of alerts: a Go text/template file
// executed over TemplateData. Sinks without one use the built-in renderings
// (English and Chinese).
type Template struct {
	name string
	t    *template.Template
}

// TemplateData is what a template sees.
type TemplateData struct {
	Message *Message
	Alerts  []*Alert // one, or several when a burst was merged
	Alert   *Alert   // the first alert; nil for a notice
	Notice  *Notice  // set for everything that is not a build alert
	Lang    string   // en | zh
	Subject string   // the one-line summary the bot would use
}

// templateFuncs are the helpers a template may call.
var templateFuncs = template.FuncMap{
	"join":  strings.Join,
	"upper": strings.ToUpper,
	"short": func(sha string) string { return sha[:min(7, len(sha))] },
	"duration": func(d time.Duration) string {
		return d.Round(time.Second).String()
	},
	"tail": func(n int, lines []string) []string { return lines[max(0, len(lines)-n):] },
}

// ParseTemplate reads and parses a template file. Errors name the file and
// line, as text/template reports them.
func ParseTemplate(path string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", path, err)
	}
	t, err := template.New(path).Funcs(templateFuncs).Option("missingkey=error").Parse(string(data))
	if err != nil {
		return nil, templateError(path, err)
	}
	tmpl := &Template{name: path, t: t}
	if err := tmpl.Check(); err != nil {
		return nil, templateError(path, err)
	}
	return tmpl, nil
}

// Check executes the template over a sample alert and a merged burst (the
// messages it renders; notices keep the built-in wording), so mistakes that only show at run time (a misspelt field) are
// found by `dronebot check` rather than by the first failing build.
func (t *Template) Check() error {
	a := SampleAlert()
	b := *a
	b.Repo, b.Build = "octo/api", 7
	for _, m := range []*Message{
		{ID: "check-1", Alerts: []*Alert{a}},
		{ID: "check-2", Alerts: []*Alert{a, &b}},
	} {
		if _, err := t.Execute(m); err != nil {
			return err
		}
	}
	return nil
}

// Execute renders m.
func (t *Template) Execute(m *Message) (string, error) {
	data := TemplateData{Message: m, Alerts: m.Alerts, Notice: m.Notice, Lang: m.Language(), Subject: Subject(m)}
	if len(m.Alerts) > 0 {
		data.Alert = m.Alerts[0]
	}
	var out bytes.Buffer
	if err := t.t.Execute(&out, data); err != nil {
		return "", err
	}
	return out.String(), nil
}

// Templated wraps a sink so that what it sends is the template's text: the
// message becomes a notice whose title is the subject and whose text is the
// template's output, rendered by the sink within its platform's limits.
func Templated(s Sink, t *Template) Sink { return &templated{Sink: s, t: t} }

type templated struct {
	Sink
	t *Template
}

func (ts *templated) Send(ctx context.Context, m *Message) error {
	if len(m.Alerts) == 0 {
		return ts.Sink.Send(ctx, m)
	}
	text, err := ts.t.Execute(m)
	if err != nil {
		return Permanent(templateError(ts.t.name, err))
	}
	level := LevelInfo
	for _, a := range m.Alerts {
		if a.Outcome.Failed() {
			level = LevelError
		}
	}
	out := *m
	out.Alerts = nil
	out.Notice = &Notice{Title: Subject(m), Text: strings.TrimRight(text, "\n"), Level: level}
	return ts.Sink.Send(ctx, &out)
}

// Cost and Limits pass through to the wrapped sink.
func (ts *templated) Cost(m *Message) int { return CostOf(ts.Sink, m) }

func (ts *templated) Limits() []Window { return LimitsOf(ts.Sink) }

// SampleAlert is a realistic failure alert, for checking templates and for
// previews.
func SampleAlert() *Alert {
	return &Alert{
		ID: "octo/demo#42:failure", Outcome: OutcomeFailure, Repo: "octo/demo", Build: 42,
		BuildLink: "https://drone.example.com/octo/demo/42", Status: "failure", Event: "push", Branch: "main",
		Ref: "refs/heads/main", Commit: "3f9c2d1e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d", Title: "Parse durations in the config",
		Author: "pan", AuthorName: "Pan", AuthorEmail: "pan@example.com",
		Started: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC), Finished: time.Date(2026, 11, 24, 9, 3, 12, 0, time.UTC),
		FailedSteps: []FailedStep{{Stage: "default", Name: "test", ExitCode: 1, Duration: 95 * time.Second}},
		Log: &LogExcerpt{Step: "default/test", Total: 409, Lines: []string{"--- FAIL: TestLoad (0.00s)", "FAIL", "exit status 1"},
			Cause: "load_test.go:88: unknown unit \"d\" in duration \"90d\"", CauseLine: 36},
		Lang: "en", At: time.Date(2026, 11, 24, 9, 3, 20, 0, time.UTC),
	}
}
