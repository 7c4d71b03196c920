package config

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
)

// zoneNames lists the IANA zone names the host's zone tables know, for a
// did-you-mean on a misspelt timezone. Go's embedded copy has no list, so
// without the tables there is simply no suggestion.
func zoneNames() []string {
	dirs := []string{"/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ"}
	if d := os.Getenv("ZONEINFO"); d != "" {
		dirs = append([]string{d}, dirs...)
	}
	for _, dir := range dirs {
		var out []string
		for _, table := range []string{"zone1970.tab", "zone.tab"} {
			out = append(out, readZoneTable(filepath.Join(dir, table))...)
		}
		if len(out) > 0 {
			return append(out, "UTC")
		}
	}
	return nil
}

// readZoneTable reads the third column of a zone.tab-style file.
func readZoneTable(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		if fields := strings.Split(line, "\t"); len(fields) >= 3 {
			out = append(out, fields[2])
		}
	}
	return out
}
