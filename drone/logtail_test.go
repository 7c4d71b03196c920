package drone

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func chunkJSON(t *testing.T, chunks ...string) string {
	t.Helper()
	type entry struct {
		Pos  int    `json:"pos"`
		Out  string `json:"out"`
		Time int    `json:"time"`
	}
	es := make([]entry, len(chunks))
	for i, c := range chunks {
		es[i] = entry{Pos: i, Out: c}
	}
	b, err := json.Marshal(es)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestReadLogTailChunks(t *testing.T) {
	tests := []struct {
		name   string
		chunks []string
		body   string // overrides chunks
		lines  int
		want   []string
		total  int
	}{
		{name: "one line per chunk", chunks: []string{"a\n", "b\n", "c\n"}, lines: 2, want: []string{"b", "c"}, total: 3},
		{name: "several lines in one chunk", chunks: []string{"a\nb\nc\n", "d\n"}, lines: 3, want: []string{"b", "c", "d"}, total: 4},
		{name: "line split across chunks", chunks: []string{"hel", "", "lo wo", "rld\nnext\n"}, lines: 5, want: []string{"hello world", "next"}, total: 2},
		{name: "empty chunks only", chunks: []string{"", "", ""}, lines: 5, want: []string{}, total: 0},
		{name: "final line without newline", chunks: []string{"a\n", "tail"}, lines: 5, want: []string{"a", "tail"}, total: 2},
		{name: "crlf", chunks: []string{"a\r\n", "b\r", "\n"}, lines: 5, want: []string{"a", "b"}, total: 2},
		{name: "empty lines count", chunks: []string{"\n\n", "x\n"}, lines: 5, want: []string{"", "", "x"}, total: 3},
		{name: "default 30 lines", chunks: []string{strings.Repeat("l\n", 40)}, want: strings.Split(strings.Repeat("l\n", 30), "\n")[:30], total: 40},
		{name: "line split across chunks seen whole", chunks: []string{"ER", "ROR split\n", "a\n", "b\n"}, lines: 1, want: []string{"b"}, total: 3},
		{name: "null body", body: "null", want: []string{}, total: 0},
		{name: "empty body", body: "", want: []string{}, total: 0},
		{name: "0.8 entries", body: `[{"proc":"build","pos":0,"out":"x\n"},{"proc":"build","time":1,"pos":1,"out":"y\n"}]`, lines: 5, want: []string{"x", "y"}, total: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.body
			if tc.chunks != nil {
				body = chunkJSON(t, tc.chunks...)
			}
			var seen []string
			got, err := readLogTail(strings.NewReader(body), TailOptions{Lines: tc.lines, Each: func(l []byte) { seen = append(seen, string(l)) }})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Lines, tc.want) || got.Total != tc.total || len(seen) != tc.total {
				t.Errorf("got %+v (each saw %q), want lines %q total %d", got, seen, tc.want, tc.total)
			}
			if len(seen) > 0 && !reflect.DeepEqual(seen[len(seen)-len(got.Lines):], got.Lines) {
				t.Errorf("each saw %q, the tail is %q", seen, got.Lines)
			}
		})
	}
}

func TestReadLogTailRejectsGarbage(t *testing.T) {
	for _, body := range []string{`{"message":"x"}`, `[{"out":"a\n"}`, `[1,2]`, `<html>`} {
		if _, err := readLogTail(strings.NewReader(body), TailOptions{}); err == nil {
			t.Errorf("readLogTail(%q) accepted it", body)
		}
	}
}

func TestReadLogTailLongLineIsBounded(t *testing.T) {
	long := strings.Repeat("x", 3*maxLineBytes)
	got, err := readLogTail(strings.NewReader(chunkJSON(t, long[:maxLineBytes], long[maxLineBytes:], "\nend")), TailOptions{Lines: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Repeat("x", maxLineBytes) + " … [line cut: 131072 bytes]"
	if got.Total != 2 || got.Lines[0] != want || got.Lines[1] != "end" {
		t.Errorf("total %d, first line %d bytes ending %q, last %q", got.Total, len(got.Lines[0]), got.Lines[0][maxLineBytes-5:], got.Lines[1])
	}
}

// TestRealChunkedLogs cuts every recorded log at several tail sizes and with
// every line marked, comparing with the whole-log reference.
func TestRealChunkedLogs(t *testing.T) {
	for _, dir := range []string{dir25, dir08} {
		files, _ := filepath.Glob(filepath.Join(dir, "GET_api_repos_*_logs_*.json"))
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".json")
			if loadFixture(t, dir, name).status != 200 {
				continue
			}
			for _, n := range []int{1, 3, 30, 1000} {
				body, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				seen := 0
				got, err := readLogTail(strings.NewReader(string(body)), TailOptions{Lines: n, Each: func([]byte) { seen++ }})
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				checkTailAgainstReference(t, dir, name, n, got)
				if seen != got.Total {
					t.Errorf("%s n=%d: each saw %d of %d lines", name, n, seen, got.Total)
				}
			}
		}
	}
}

func TestReadLogTailFollowsKeyBlocks(t *testing.T) {
	key := []string{"x\n", "-----BEGIN RSA PRIVATE KEY-----\n", "MIIE1\n", "MIIE2\n", "-----END RSA PRIVATE KEY-----\n", "after\n"}
	for n, want := range map[int]bool{1: false, 2: true, 3: true, 4: true, 5: false} {
		got, err := readLogTail(strings.NewReader(chunkJSON(t, key...)), TailOptions{Lines: n})
		if err != nil {
			t.Fatal(err)
		}
		if got.KeyOpen != want {
			t.Errorf("last %d lines: KeyOpen = %v, want %v", n, got.KeyOpen, want)
		}
	}
}
