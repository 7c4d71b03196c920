package drone

import "testing"

func TestMatchGlob(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"*", "octo/demo", true},
		{"**", "feature/login", true},
		{"octo/*", "octo/demo", true},
		{"octo/*", "other/demo", false},
		{"octo/demo", "octo/demo", true},
		{"release/*", "release/1.2", true},
		{"release/*", "release", false},
		{"main", "main", true},
		{"[", "[", false}, // malformed
	}
	for _, tt := range tests {
		if got := MatchGlob(tt.pattern, tt.name); got != tt.want {
			t.Errorf("MatchGlob(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
	if !MatchAnyGlob(nil, "x") || MatchAnyGlob([]string{"a/*"}, "b/c") || !MatchAnyGlob([]string{"a/*", "b/*"}, "b/c") {
		t.Error("MatchAnyGlob")
	}
}
