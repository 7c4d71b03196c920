package slackapp

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/notify/slack"
)

func TestRenderShape(t *testing.T) {
	reply := commands.Reply{
		Title:   "octo/demo #42: failure",
		Text:    "step build/test failed with exit code 2.\nsee <here> & there",
		Fields:  []commands.Field{{Name: "Branch", Value: "main"}, {Name: "Author", Value: "pan"}},
		Code:    "go test ./...\n--- FAIL: TestX\nFAIL",
		Links:   []commands.Link{{Text: "octo/demo #42", URL: "https://drone.example.com/octo/demo/42"}, {Text: "bad", URL: "javascript:alert(1)"}},
		Buttons: []commands.Button{{Text: "Restart", Action: "restart", Value: "octo/demo#42"}, {Text: "Show logs", Action: "logs", Value: "octo/demo#42"}},
		Level:   commands.Error,
		Public:  true,
	}
	msg := render(reply)
	if !msg.Public {
		t.Error("public reply rendered as ephemeral")
	}
	raw, err := json.Marshal(msg.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []map[string]any
	if err := json.Unmarshal(raw, &blocks); err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, b := range blocks {
		types = append(types, b["type"].(string))
	}
	if got, want := strings.Join(types, ","), "header,section,section,section,section,actions"; got != want {
		t.Fatalf("block types = %s, want %s", got, want)
	}
	js := string(raw)
	for _, want := range []string{
		`"text":"❌ octo/demo #42: failure"`,
		`see \u0026lt;here\u0026gt; \u0026amp; there`,
		`*Branch*\nmain`,
		"```\\ngo test ./...\\n--- FAIL: TestX\\nFAIL\\n```",
		`\u003chttps://drone.example.com/octo/demo/42|octo/demo #42\u003e`,
		`"action_id":"restart"`, `"value":"octo/demo#42"`, `"action_id":"logs"`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("blocks lack %s\n%s", want, js)
		}
	}
	if strings.Contains(js, "javascript:") {
		t.Error("a non-http link was rendered")
	}
	if !strings.HasPrefix(msg.Text, "octo/demo #42: failure\nstep build/test failed") {
		t.Errorf("fallback text = %q", msg.Text)
	}
}

func TestRenderLimits(t *testing.T) {
	var fields []commands.Field
	for i := range 23 {
		fields = append(fields, commands.Field{Name: fmt.Sprintf("f%d", i), Value: strings.Repeat("v", 2500)})
	}
	var longText strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&longText, "line %04d of a very long status text with some padding to fill it\n", i)
	}
	var tail strings.Builder
	for i := range 500 {
		fmt.Fprintf(&tail, "log line %03d: ünïcödé output <tag> & more\n", i)
	}
	tail.WriteString("LAST LINE: exit status 2")
	reply := commands.Reply{
		Title:   strings.Repeat("T", 400),
		Text:    longText.String(),
		Fields:  fields,
		Code:    tail.String(),
		Buttons: []commands.Button{{Text: "Restart", Action: "restart", Value: "o/r#1"}, {Text: "Restart", Action: "restart", Value: "o/r#2"}},
	}
	msg := render(reply)
	if len(msg.Blocks) > slack.MaxBlocks {
		t.Fatalf("%d blocks, limit %d", len(msg.Blocks), slack.MaxBlocks)
	}
	var sawCode, sawCutNote bool
	actions := 0
	for _, b := range msg.Blocks {
		switch b := b.(type) {
		case *slackapi.HeaderBlock:
			if n := utf8.RuneCountInString(b.Text.Text); n > slack.MaxHeaderText {
				t.Errorf("header has %d chars", n)
			}
		case *slackapi.SectionBlock:
			if b.Text != nil {
				if n := utf8.RuneCountInString(b.Text.Text); n > slack.MaxSectionText {
					t.Errorf("section has %d chars", n)
				}
				if strings.HasPrefix(strings.SplitN(b.Text.Text, "\n", 2)[1], "```") || strings.HasPrefix(b.Text.Text, "```") {
					sawCode = true
					checkCode(t, b.Text.Text)
				}
			}
			if len(b.Fields) > slack.MaxSectionFields {
				t.Errorf("section has %d fields", len(b.Fields))
			}
			for _, f := range b.Fields {
				if n := utf8.RuneCountInString(f.Text); n > slack.MaxFieldText {
					t.Errorf("field has %d chars", n)
				}
			}
		case *slackapi.ContextBlock:
			sawCutNote = true
		case *slackapi.ActionBlock:
			actions++
		}
	}
	if !sawCode {
		t.Error("the log tail was dropped")
	}
	if !sawCutNote {
		t.Error("no note says the reply was cut")
	}
	if actions != 2 {
		t.Errorf("%d actions blocks, want 2 (a repeated action_id starts a new block)", actions)
	}
}

func checkCode(t *testing.T, s string) {
	t.Helper()
	if !strings.HasSuffix(s, "LAST LINE: exit status 2\n"+"```") {
		t.Errorf("code block lost the end of the tail: ...%q", s[max(0, len(s)-60):])
	}
	if !strings.Contains(s, "earlier lines not shown") {
		t.Error("code block does not say lines were cut")
	}
	if !utf8.ValidString(s) {
		t.Error("code block is not valid UTF-8")
	}
	if strings.Count(s, "```") != 2 {
		t.Errorf("code fences not balanced: %d", strings.Count(s, "```"))
	}
}
