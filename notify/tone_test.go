package notify

import "testing"

func TestToneOf(t *testing.T) {
	alert := func(o Outcome) *Alert { return &Alert{Outcome: o, Repo: "octo/demo", Build: 1} }
	tests := []struct {
		m    *Message
		want Tone
	}{
		{&Message{Notice: &Notice{Level: LevelError}}, ToneBad},
		{&Message{Notice: &Notice{Level: LevelWarning}}, ToneWarning},
		{&Message{Notice: &Notice{}}, ToneInfo},
		{&Message{Alerts: []*Alert{alert(OutcomeFixed)}}, ToneGood},
		{&Message{Alerts: []*Alert{alert(OutcomeFixed), alert(OutcomeKilled)}}, ToneMuted},
		{&Message{Alerts: []*Alert{alert(OutcomeKilled), alert(OutcomeStillFailing), alert(OutcomeFixed)}}, ToneBad},
	}
	for i, tt := range tests {
		if got := ToneOf(tt.m); got != tt.want {
			t.Errorf("%d: ToneOf = %d, want %d", i, got, tt.want)
		}
	}
}

func TestHeading(t *testing.T) {
	for _, tt := range []struct{ md, title, rest string }{
		{"## [❌ octo/demo #42 failed](https://d/42)\n**Build**: x", "❌ octo/demo #42 failed", "**Build**: x"},
		{"## dronebot test message\nhello", "dronebot test message", "hello"},
		{"no heading\nhere", "", "no heading\nhere"},
		{"## [bracket [ci]](u)", "bracket [ci]", ""},
	} {
		title, rest := Heading(tt.md)
		if title != tt.title || rest != tt.rest {
			t.Errorf("Heading(%q) = %q, %q; want %q, %q", tt.md, title, rest, tt.title, tt.rest)
		}
	}
	m := &Message{Alerts: []*Alert{SampleAlert()}}
	if title, _ := Heading(Markdown(m, 0, MarkdownOptions{})); title == "" {
		t.Error("the Markdown rendering of an alert has no heading")
	}
}
