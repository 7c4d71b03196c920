package slack

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCodeBlockCuts(t *testing.T) {
	cases := []struct {
		name, code string
		limit      int
		want       string
	}{
		{"fits", "a\nb", 100, "```\na\nb\n```"},
		{"drops first lines", "line1aaaaaaaaaaaaaaa\nline2aaaaaaaaaaaaaaa\nline3aaaaaaaaaaaaaaa\nline4aaaaaaaaaaaaaaa\nline5aaaaaaaaaaaaaaa", 80,
			"_3 earlier lines not shown_\n```\nline4aaaaaaaaaaaaaaa\nline5aaaaaaaaaaaaaaa\n```"},
		{"one long line keeps its end", strings.Repeat("x", 50) + "END", 50, "```\n…" + strings.Repeat("x", 38) + "END\n```"},
		{"long last line", "a\n" + strings.Repeat("é", 40) + "Z", 50, "_1 earlier line not shown_\n```\n…" + strings.Repeat("é", 13) + "Z\n```"},
		{"whole entities kept", "a\n" + strings.Repeat("x", 30) + "<<<<", 48, "_1 earlier line not shown_\n```\n…&lt;&lt;&lt;\n```"},
		{"split entity dropped", "a\n" + strings.Repeat("x", 30) + "<<<<", 47, "_1 earlier line not shown_\n```\n…&lt;&lt;\n```"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := CodeBlock(c.code, c.limit)
			if got != c.want {
				t.Errorf("CodeBlock = %q, want %q", got, c.want)
			}
			if n := utf8.RuneCountInString(got); n > c.limit {
				t.Errorf("%d runes > limit %d", n, c.limit)
			}
		})
	}
}

func TestSplitText(t *testing.T) {
	cases := []struct {
		text  string
		limit int
		want  []string
	}{
		{"", 10, nil},
		{"ab\ncd\nef", 5, []string{"ab\ncd", "ef"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"ééééé\nx", 3, []string{"ééé", "éé", "x"}},
		{"ééééé\nx", 4, []string{"éééé", "é\nx"}},
	}
	for _, c := range cases {
		got := SplitText(c.text, c.limit)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("SplitText(%q, %d) = %q, want %q", c.text, c.limit, got, c.want)
		}
	}
}

func TestLinkAndEscape(t *testing.T) {
	cases := []struct{ text, url, want string }{
		{"#42", "https://drone.example.com/octo/demo/42", "<https://drone.example.com/octo/demo/42|#42>"},
		{"a|b <@U1>", "http://x/y?q=1|2", "<http://x/y?q=1%7C2|a¦b &lt;@U1&gt;>"},
		{"", "https://x/", "<https://x/|https://x/>"},
		{"click", "javascript:alert(1)", "click"},
		{"<!here>", "", "&lt;!here&gt;"},
	}
	for _, c := range cases {
		if got := Link(c.text, c.url); got != c.want {
			t.Errorf("Link(%q, %q) = %q, want %q", c.text, c.url, got, c.want)
		}
	}
	if got := CodeSafe("a`b&c"); got != "a'b&amp;c" {
		t.Errorf("CodeSafe = %q", got)
	}
}
