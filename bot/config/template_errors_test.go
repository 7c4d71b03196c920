package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Template mistakes read as the template's author wrote them: its line and
// expression, and no Go type names.
func TestTemplateErrorsWithoutGoInternals(t *testing.T) {
	tests := []struct{ tmpl, want string }{
		{"ok\n{{.Alert.Reop}}\n", "line 2: {{.Alert.Reop}}: an Alert has no field Reop; did you mean Repo?"},
		{"{{.Alert.Repository}}", "line 1: {{.Alert.Repository}}: an Alert has no field Repository"},
		{"{{.Alert.Repo.Name}}", "line 1: {{.Alert.Repo.Name}}: a string has no fields (asked for Name)"},
		{"{{.Sujbect}}", "line 1: {{.Sujbect}}: a TemplateData has no field Sujbect; did you mean Subject?"},
		{"a\nb\n{{if}}", "line 3: missing value for if"},
		{"{{shout .Alert.Repo}}", `line 1: function "shout" not defined`},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "t.tmpl"), []byte(tt.tmpl), 0o600); err != nil {
			t.Fatal(err)
		}
		cfgPath := filepath.Join(dir, "bot.yaml")
		if err := os.WriteFile(cfgPath, []byte("drone: {server: https://d.example.com, token: t}\nsinks:\n  s: {type: stdout, template: t.tmpl}\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, rep, err := Load(cfgPath, nil)
		if err != nil {
			t.Fatal(err)
		}
		errs := rep.Errors()
		if len(errs) != 1 {
			t.Fatalf("%q: problems %v", tt.tmpl, rep.Problems)
		}
		msg := errs[0].Message
		prefix := "sinks.s.template: template " + filepath.Join(dir, "t.tmpl") + " "
		if msg != prefix+tt.want {
			t.Errorf("%q:\n got %q\nwant %q", tt.tmpl, msg, prefix+tt.want)
		}
		for _, internal := range []string{"*notify", "notify.", "executing", "can't evaluate"} {
			if strings.Contains(msg, internal) {
				t.Errorf("%q: %q shows %q", tt.tmpl, msg, internal)
			}
		}
	}
}
