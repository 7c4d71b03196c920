package spell

import "testing"

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"check", "check", 0}, {"chek", "check", 1}, {"dmeo", "demo", 1},
		{"stauts", "status", 1}, {"intervall", "interval", 1}, {"tokn", "token", 1},
		{"kitten", "sitting", 3}, {"", "abc", 3}, {"Asia/Shangai", "Asia/Shanghai", 1},
		{"日本", "日木", 1},
	} {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := Distance(tt.b, tt.a); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d (symmetric)", tt.b, tt.a, got, tt.want)
		}
	}
	long := string(make([]rune, 65))
	if got := Distance(long, "a"); got != maxRunes {
		t.Errorf("Distance of a long word = %d, want %d", got, maxRunes)
	}
}

func TestNearest(t *testing.T) {
	cmds := []string{"run", "check", "exec", "digest", "notify-test", "demo", "version"}
	for word, want := range map[string]string{
		"chek": "check", "exce": "exec", "vesion": "version", "dmeo": "demo", "digset": "digest",
		"frobnicate": "", "xyz": "", "": "",
	} {
		if got := Nearest(word, cmds); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", word, got, want)
		}
	}
	if got := Nearest("ab", []string{"ax", "ay"}); got != "" {
		t.Errorf("a tie = %q, want none", got)
	}
}
