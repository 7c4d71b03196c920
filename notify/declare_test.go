package notify

import (
	"testing"
	"time"
)

// limitedSink declares two windows and costs two messages per alert.
type limitedSink struct{ recordSink }

func (limitedSink) Limits() []Window {
	return []Window{{N: 5, Per: time.Second}, {N: 100, Per: time.Minute}}
}
func (limitedSink) Cost(m *Message) int {
	return 2 * len(m.Alerts)
}

func TestDeclarationsPassThroughATemplate(t *testing.T) {
	tmpl, err := ParseTemplate(writeTemplate(t, "{{.Alert.Repo}}"))
	if err != nil {
		t.Fatal(err)
	}
	m := &Message{Alerts: []*Alert{SampleAlert(), SampleAlert()}}
	for _, s := range []Sink{&limitedSink{}, Templated(&limitedSink{}, tmpl)} {
		if l := LimitsOf(s); len(l) != 2 || l[0] != (Window{N: 5, Per: time.Second}) || l[1] != (Window{N: 100, Per: time.Minute}) {
			t.Errorf("%T: LimitsOf = %v", s, l)
		}
		if c := CostOf(s, m); c != 4 {
			t.Errorf("%T: CostOf = %d, want 4", s, c)
		}
	}
	plain := Templated(&recordSink{}, tmpl)
	if l, c := LimitsOf(plain), CostOf(plain, m); l != nil || c != 1 {
		t.Errorf("a sink declaring nothing: limits %v, cost %d", l, c)
	}
}
