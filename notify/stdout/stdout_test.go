package stdout

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dronebot/dronebot/notify"
)

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestSend(t *testing.T) {
	var buf bytes.Buffer
	s, err := New(Config{}, notify.Env{Name: "demo", Out: &buf})
	if err != nil {
		t.Fatal(err)
	}
	m := &notify.Message{Alerts: []*notify.Alert{{Outcome: notify.OutcomeFixed, Repo: "octo/demo", Build: 43, Branch: "main", BuildLink: "http://127.0.0.1/x"}}}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"✅ octo/demo main fixed by #43", "✅ octo/demo main fixed by #43 <http://127.0.0.1/x>"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in %q", want, out)
		}
	}
	if strings.Contains(out, "**") || strings.Contains(out, "](") {
		t.Errorf("markdown in plain output: %q", out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Send(ctx, m); err == nil {
		t.Error("cancelled context ignored")
	}
	bad, _ := New(Config{}, notify.Env{Name: "bad", Out: failingWriter{}})
	if err := bad.Send(context.Background(), m); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v", err)
	}
}
