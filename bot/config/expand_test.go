package config

import (
	"slices"
	"testing"
)

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func TestExpand(t *testing.T) {
	env := envOf(map[string]string{"TOKEN": "a#b: c}", "EMPTY": "", "NESTED": "${TOKEN}"})
	tests := []struct {
		in, want string
		notes    []string
		wantErr  bool
	}{
		{in: "plain", want: "plain"},
		{in: "${TOKEN}", want: "a#b: c}"},
		{in: "Bearer ${TOKEN}!", want: "Bearer a#b: c}!"},
		{in: "${NESTED}", want: "${TOKEN}"}, // values are not expanded again
		{in: "${MISSING}", want: "", notes: []string{"MISSING is not set"}},
		{in: "${EMPTY}", want: "", notes: []string{"EMPTY is empty"}},
		{in: "${MISSING:-fallback}", want: "fallback"},
		{in: "${EMPTY:-fallback}", want: "fallback"},
		{in: "${TOKEN:-fallback}", want: "a#b: c}"},
		{in: "${MISSING:-}", want: "", notes: []string{"MISSING is not set"}},
		{in: "key=${A}&b=${B}", want: "key=&b=", notes: []string{"A is not set", "B is not set"}},
		{in: "cost $5 and $${literal}", want: "cost $5 and ${literal}"},
		{in: "${UNCLOSED", wantErr: true},
		{in: "${}", wantErr: true},
		{in: "${1BAD}", wantErr: true},
		{in: "${BAD-NAME}", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, notes, err := expand(tt.in, env)
			if (err != nil) != tt.wantErr {
				t.Fatalf("expand(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want || !slices.Equal(notes, tt.notes) {
				t.Errorf("expand(%q) = %q, %q; want %q, %q", tt.in, got, notes, tt.want, tt.notes)
			}
		})
	}
}
