package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSinkTemplatesAreChecked(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("good.tmpl", "{{.Alert.Repo}} #{{.Alert.Build}}\n")
	write("bad.tmpl", "{{.Alert.Repository}}\n")
	cfgPath := write("bot.yaml", `drone: {server: https://drone.example.com, token: t0ken}
sinks:
  good:
    type: stdout
    template: good.tmpl
  bad:
    type: stdout
    template: bad.tmpl
  hook:
    type: webhook
    url: https://ops.example.com/hook
    template: good.tmpl
`)
	_, rep, err := Load(cfgPath, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	var errs []string
	for _, p := range rep.Errors() {
		errs = append(errs, p.String())
	}
	got := strings.Join(errs, "\n")
	if len(errs) != 2 || !strings.Contains(got, "bot.yaml:8: sinks.bad.template:") || !strings.Contains(got, "Repository") ||
		!strings.Contains(got, "bot.yaml:12: sinks.hook.template: a webhook sink") {
		t.Errorf("problems:\n%s", got)
	}
}
