package wecomapp

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/notify/wecom"
)

func TestRender(t *testing.T) {
	var code []string
	for i := range 300 {
		code = append(code, fmt.Sprintf("第 %d 行 output", i+1))
	}
	link := []commands.Link{{Text: "octo/demo #2", URL: "https://drone.example.com/octo/demo/2"}, {Text: "x", URL: "javascript:alert(1)"}}
	tests := []struct {
		name    string
		reply   commands.Reply
		want    []string
		notWant []string
	}{
		{"plain", commands.Reply{Title: "octo/demo #2: failure", Level: commands.Error, Text: "step failed",
			Fields: []commands.Field{{Name: "Branch", Value: "main"}}, Links: link,
			Buttons: []commands.Button{{Text: "Restart", Action: "restart", Value: "octo/demo#2"}}},
			[]string{"**❌ octo/demo #2: failure**", "step failed", "**Branch**: main",
				"[octo/demo #2](https://drone.example.com/octo/demo/2)", "`/restart octo/demo 2`"},
			[]string{"javascript:"}},
		{"long tail keeps its end", commands.Reply{Title: "logs", Code: strings.Join(code, "\n"), Links: link},
			[]string{"> 第 300 行 output", "earlier lines cut", "https://drone.example.com/octo/demo/2"},
			[]string{"> 第 1 行 output"}},
		{"huge text is cut", commands.Reply{Text: strings.Repeat("很长的文字 long text\n", 400), Code: "x", Links: link},
			[]string{"很长的文字", "…", "https://drone.example.com/octo/demo/2"}, nil},
		{"empty", commands.Reply{}, []string{"done."}, nil},
		{"error without title", commands.Reply{Text: "unknown repository", Level: commands.Error, Err: true},
			[]string{"❌ unknown repository"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(tt.reply)
			if len(got) > wecom.MaxAppContentBytes || !utf8.ValidString(got) {
				t.Fatalf("%d bytes, valid UTF-8 %v", len(got), utf8.ValidString(got))
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in:\n%s", w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("unexpected %q in:\n%s", w, got)
				}
			}
		})
	}
}

func TestRenderNeverExceedsTheLimit(t *testing.T) {
	for n := 0; n < 4000; n += 97 {
		r := commands.Reply{Title: strings.Repeat("t", n%300), Text: strings.Repeat("é", n),
			Code: strings.Repeat("日志行\n", n/7), Links: []commands.Link{{Text: "l", URL: "https://x/" + strings.Repeat("p", n/5)}}}
		if got := render(r); len(got) > wecom.MaxAppContentBytes || !utf8.ValidString(got) {
			t.Fatalf("n=%d: %d bytes", n, len(got))
		}
	}
}
