package logtext

import (
	"testing"
)

func TestClean(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "go test ./...", "go test ./..."},
		{"colour", "\x1b[31mFAIL\x1b[0m pkg", "FAIL pkg"},
		{"bold 256", "\x1b[1;38;5;196merror\x1b[m", "error"},
		{"cursor", "\x1b[2K\x1b[1Gdone", "done"},
		{"osc title", "\x1b]0;title\x07text", "text"},
		{"osc link", "\x1b]8;;https://x.test\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"progress", "10%\r50%\r100% done", "100% done"},
		{"crlf", "line\r\n", "line"},
		{"lone esc", "cut\x1b", "cut"},
		{"cjk", "\x1b[32m构建成功\x1b[0m", "构建成功"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// BenchmarkCollect feeds log lines to a collector looking for failures, as
// an alert does: most lines cost the prefilter only.
func BenchmarkCollect(b *testing.B) {
	lines := [][]byte{
		[]byte("\x1b[32m[INFO]\x1b[0m Downloading from central: https://repo.test/maven2/org/x.pom"),
		[]byte("ok  github.com/x/y 0.2s"),
		[]byte("line 123456 step output: compiling and testing, all fine"),
		[]byte("=== RUN   TestParse/empty_input"),
		[]byte("--- PASS: TestParse/empty_input (0.00s)"),
	}
	c := NewCollector(Options{Find: true})
	b.ReportAllocs()
	b.SetBytes(int64(len(lines[2])))
	for i := range b.N {
		c.Line(lines[i%len(lines)])
	}
}

func BenchmarkMaskLine(b *testing.B) {
	m := NewMasker("drone-token-123456", "smtp-password-abc")
	line := Clean("\x1b[31mexport API_TOKEN=abcdefghijklmnop and https://u:p@host/x?key=1\x1b[0m")
	b.ReportAllocs()
	for range b.N {
		_ = m.Mask(line)
	}
}
