package sinktest

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dronebot/dronebot/notify/registry"
)

// TestEveryTypeRunsTheFaultTests reads the module's tests: every sink type
// of the registry must be named in a test that calls Run.
func TestEveryTypeRunsTheFaultTests(t *testing.T) {
	typeName := regexp.MustCompile(`Type:\s+"([a-z0-9_]+)"`)
	run := map[string]string{} // type -> the test file that runs it
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != "../..":
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(path, "_test.go"):
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !strings.Contains(string(src), "sinktest.Run(") {
			return nil
		}
		for _, m := range typeName.FindAllStringSubmatch(string(src), -1) {
			run[m[1]] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range registry.Names() {
		if run[name] == "" {
			t.Errorf("no test runs the %s sink through sinktest.Run", name)
		}
	}
}
