package drone

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// referenceTail is the obvious, whole-log way to cut a tail; the streaming
// tailer must agree with it.
func referenceTail(chunks []string, n int) (lines []string, total int) {
	text := strings.Join(chunks, "")
	if text == "" {
		return []string{}, 0
	}
	all := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i := range all {
		all[i] = strings.TrimSuffix(all[i], "\r")
	}
	if len(all) > n {
		return all[len(all)-n:], len(all)
	}
	return all, len(all)
}

func checkTailAgainstReference(t *testing.T, dir, fixture string, n int, got *LogTail) {
	t.Helper()
	f := loadFixture(t, dir, fixture)
	var entries []struct {
		Out string `json:"out"`
	}
	if err := json.Unmarshal(f.body, &entries); err != nil {
		t.Fatalf("%s: %v", filepath.Join(dir, fixture), err)
	}
	chunks := make([]string, len(entries))
	for i, e := range entries {
		chunks[i] = e.Out
	}
	want, total := referenceTail(chunks, n)
	if got.Total != total || !reflect.DeepEqual(got.Lines, want) {
		t.Errorf("tail = %q (total %d), want %q (total %d)", got.Lines, got.Total, want, total)
	}
	if total == 0 {
		t.Errorf("fixture %s has no lines", fixture)
	}
}
