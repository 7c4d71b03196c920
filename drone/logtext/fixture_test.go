package logtext

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixture is a real failing step log with what a developer must see in it
// (testdata/logs/README.md).
type fixture struct {
	Name         string
	Raw          []string // the lines as the tool wrote them
	Lines        int      `json:"lines"`
	KeyLines     []int    `json:"key_lines"`
	ContextLines [][2]int `json:"context_lines"`
	SecretLines  []int    `json:"secret_lines"`
	KeyBlock     []int    `json:"private_key_block"`
}

func loadFixtures(t testing.TB) []*fixture {
	t.Helper()
	files, err := filepath.Glob("testdata/logs/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	var out []*fixture
	for _, f := range files {
		meta, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fx := &fixture{Name: strings.TrimSuffix(filepath.Base(f), ".json")}
		if err := json.Unmarshal(meta, fx); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		raw, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".log")
		if err != nil {
			t.Fatal(err)
		}
		fx.Raw = strings.Split(string(bytes.TrimSuffix(raw, []byte("\n"))), "\n")
		if len(fx.Raw) != fx.Lines {
			t.Fatalf("%s: %d lines, the JSON says %d", fx.Name, len(fx.Raw), fx.Lines)
		}
		out = append(out, fx)
	}
	return out
}

func fixtureNamed(t testing.TB, name string) *fixture {
	for _, fx := range loadFixtures(t) {
		if fx.Name == name {
			return fx
		}
	}
	t.Fatalf("no fixture %s", name)
	return nil
}

// secretsInEchoedLog are the fake secret values of secrets-echoed.log.
var secretsInEchoedLog = []string{
	"AKIAQ3EXAMPLE7FAKE42", "q8Zr2VtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY0", "Tr0ub4dor-EXAMPLE-pw", "r3dis-EXAMPLE-pass",
	"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", "c2lnbmF0dXJlLUVYQU1QTEUtbm90LXJlYWw",
}

// TestEchoedSecretsAreMaskedFromAnyStart masks the secrets log the way an
// excerpt shows it: tracking key blocks over the whole log, then showing
// the lines from any starting line on, including starts inside the key.
func TestEchoedSecretsAreMaskedFromAnyStart(t *testing.T) {
	fx := fixtureNamed(t, "secrets-echoed")
	m := NewMasker()
	var k KeyTracker
	masked := make([]string, len(fx.Raw))
	for i, raw := range fx.Raw {
		in := k.Line([]byte(raw))
		masked[i], _ = m.MaskFrom(Clean(raw), in)
	}
	isSecretLine := map[int]bool{}
	for _, n := range fx.SecretLines {
		isSecretLine[n] = true
		if masked[n-1] == Clean(fx.Raw[n-1]) {
			t.Errorf("secret line %d shown as it is: %q", n, masked[n-1])
		}
	}
	for i, line := range masked {
		for _, s := range secretsInEchoedLog {
			if strings.Contains(line, s) {
				t.Errorf("line %d shows %q: %q", i+1, s, line)
			}
		}
		if n := i + 1; n > fx.KeyBlock[0] && n < fx.KeyBlock[1] && line != Masked {
			t.Errorf("key body line %d = %q", n, line)
		}
		if !isSecretLine[i+1] && line != Clean(fx.Raw[i]) {
			t.Errorf("line %d without a secret was changed: %q", i+1, line)
		}
	}
	for from := fx.KeyBlock[0]; from <= fx.KeyBlock[1]; from++ {
		got := m.MaskLinesFrom(cleanAll(fx.Raw[from-1:]), keyStateAt(fx.Raw, from))
		for i, line := range got {
			if n := from + i; n > fx.KeyBlock[0] && n < fx.KeyBlock[1] && line != Masked {
				t.Errorf("shown from line %d: key line %d = %q", from, n, line)
			}
		}
	}
}

// TestMaskingKeepsOrdinaryLines checks that no key line of the logs
// without secrets is changed by masking: a mask that hides the failure
// would be as bad as one that shows a secret.
func TestMaskingKeepsOrdinaryLines(t *testing.T) {
	m := NewMasker()
	for _, fx := range loadFixtures(t) {
		if len(fx.SecretLines) > 0 {
			continue
		}
		for _, n := range fx.KeyLines {
			if clean := Clean(fx.Raw[n-1]); m.Mask(clean) != clean {
				t.Errorf("%s:%d: masked to %q", fx.Name, n, m.Mask(clean))
			}
		}
	}
}

func cleanAll(raw []string) []string {
	out := make([]string, len(raw))
	for i, l := range raw {
		out[i] = Clean(l)
	}
	return out
}

// keyStateAt is whether line n (1-based) starts inside a key block.
func keyStateAt(raw []string, n int) bool {
	var k KeyTracker
	for _, l := range raw[:n-1] {
		k.Line([]byte(l))
	}
	return k.In()
}
