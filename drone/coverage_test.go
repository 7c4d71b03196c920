package drone

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryFixtureIsExercised fails when a recorded answer the client can
// receive is not decoded by some contract case.
func TestEveryFixtureIsExercised(t *testing.T) {
	for _, set := range []struct {
		dir   string
		cases []contractCase
	}{
		{dir25, append(v1Cases(), v1ErrorCases()...)},
		{dir08, append(v08Cases(), v08ErrorCases()...)},
		{dirWP, append(wpCases(), wpErrorCases()...)},
	} {
		used := map[string]bool{"GET_version": true} // TestDetectDialect
		for _, c := range set.cases {
			for _, f := range c.routes {
				used[f] = true
			}
		}
		files, err := filepath.Glob(filepath.Join(set.dir, "*.status"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no fixtures in %s: %v", set.dir, err)
		}
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".status")
			if _, err := os.Stat(filepath.Join(set.dir, name+".json")); err != nil {
				continue // stream recordings have no .json body
			}
			if !used[name] && !unreachableFixtures(name) {
				t.Errorf("%s/%s is not exercised by any contract case", set.dir, name)
			}
		}
	}
}
