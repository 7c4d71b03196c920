package config

import (
	"os"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary files to the loader: it must never panic, and a
// problem must never show the value of a secret taken from the environment.
func FuzzLoad(f *testing.F) {
	shipped, err := os.ReadFile("../../bot.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(shipped))
	f.Add(base)
	f.Add("drone: {server: ${S}, token: ${T:-x}}\nsinks: {a: &a {type: stdout}, b: {<<: *a}}\n")
	f.Add("routes:\n  - to: [a, *x]\n")
	f.Add("a: &a [*a]\n")
	f.Add("digests:\n  - {name: d, schedule: '* * * * *', timezone: UTC, to: [m]}\n")
	const secret = "SECRETVALUE"
	env := envOf(map[string]string{"T": secret, "S": "https://" + secret + ".example.com"})
	f.Fuzz(func(t *testing.T, text string) {
		cfg, rep, err := Parse("fuzz.yaml", []byte(text), env)
		if rep == nil {
			t.Fatal("nil report")
		}
		if err == nil && cfg == nil {
			t.Fatal("nil config without an error")
		}
		for _, p := range rep.Problems {
			if p.Line < 1 {
				t.Errorf("problem without a line: %v", p)
			}
			if strings.Contains(p.Message, secret) && !strings.Contains(text, secret) {
				t.Errorf("a problem shows a secret: %v", p)
			}
		}
	})
}
