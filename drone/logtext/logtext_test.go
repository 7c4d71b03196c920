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

func TestIsErrorLine(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"error: could not compile", true},
		{"Error: Cannot find module 'x'", true},
		{"main.go:12:3: undefined: foo (compile error)", true},
		{"--- FAIL: TestX (0.00s)", true},
		{"FAIL\tgithub.com/x/y\t0.01s", true},
		{"Tests failed.", true},
		{"fatal: repository not found", true},
		{"FATAL could not connect", true},
		{"panic: runtime error: index out of range", true},
		{"java.lang.NullPointerException", true},
		{"Exception in thread \"main\"", true},
		{"exit status 2", true},
		{"Process exited with code 137", true},
		{"npm ERR! code ELIFECYCLE", true},
		{"E: Unable to locate package foo", true},
		{"E   assert 1 == 2", true},
		{"Traceback (most recent call last):", true},
		{"sh: 1: mvn: command not found", true},
		{"Found 3 errors", true},
		{"0 errors", false},
		{"Compiled with 0 errors and 2 warnings", false},
		{"no errors found", false},
		{"gcc -Wall -Werror -O2 main.c", false},
		{"gcc -Werror=format main.c", false},
		{"cc -Wno-error=unused x.c", false},
		{"errors: 0", false},
		{"Tests: 12 passed, failed=0", false},
		{"compiling errors.go", false},
		{"exit status 0", false},
		{"ok  github.com/x/y 0.2s", false},
		{"Step 3/7 : RUN make", false},
		{"Everything up-to-date", false},
		{"terror in the night", false},
		{"Element: x", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsErrorLine(tt.line); got != tt.want {
			t.Errorf("IsErrorLine(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

func BenchmarkCleanMaskDetect(b *testing.B) {
	lines := []string{
		"\x1b[32m[INFO]\x1b[0m Downloading from central: https://repo.test/maven2/org/x.pom",
		"ok  github.com/x/y 0.2s",
		"npm ERR! code ELIFECYCLE",
		"export API_TOKEN=abcdefghijklmnop",
		"Step 3/7 : RUN make build",
	}
	m := NewMasker("drone-token-123456", "smtp-password-abc")
	b.ReportAllocs()
	for i := range b.N {
		line := lines[i%len(lines)]
		_ = IsErrorLine(m.Mask(Clean(line)))
	}
}
