package logtext

import (
	"strings"
	"testing"
	"unicode/utf8"
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

func TestMask(t *testing.T) {
	m := NewMasker("s3cr3t-drone-token", "short", "")
	tests := []struct{ name, in, want string }{
		{"own token", "curl -H x:s3cr3t-drone-token", "curl -H x:****"},
		{"short own value ignored", "a short line", "a short line"},
		{"password=", "mysql password=hunter22 -h db", "mysql password=**** -h db"},
		{"PASSWORD env", "DB_PASSWORD=hunter22", "DB_PASSWORD=****"},
		{"passwd:", "passwd: hunter22", "passwd: ****"},
		{"secret=", "client_secret=abcdef123", "client_secret=****"},
		{"token:", "token: ghp_abcdefghijkl", "token: ****"},
		{"json token", `{"token": "ghp_abcdefghijkl"}`, `{"token": "****"}`},
		{"api_key=", "api_key=AbC123xyz", "api_key=****"},
		{"apikey yaml", "apiKey: 'AbC123xyz'", "apiKey: '****'"},
		{"bearer", "Authorization: Bearer eyJhbGciOi.payload.sig", "Authorization: Bearer ****"},
		{"basic", "Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic ****"},
		{"aws", "using AKIAIOSFODNN7EXAMPLE now", "using **** now"},
		{"aws lowercase not a key", "akiaiosfodnn7example", "akiaiosfodnn7example"},
		{"url key", "GET https://api.test/v1?key=abc123&x=1", "GET https://api.test/v1?key=****&x=1"},
		{"url access_token", "https://oapi.test/robot/send?access_token=deadbeef", "https://oapi.test/robot/send?access_token=****"},
		{"url sig", "https://s3.test/o?X=1&sig=ZZZ%2Bq", "https://s3.test/o?X=1&sig=****"},
		{"url userinfo", "cloning https://bob:pa55word@git.test/x.git", "cloning https://bob:****@git.test/x.git"},
		{"one-line key", `"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"`, `"-----BEGIN RSA PRIVATE KEY-----****"`},
		{"no secret", "ok  github.com/x/y 0.2s", "ok  github.com/x/y 0.2s"},
		{"cjk untouched", "密码已更新", "密码已更新"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := m.Mask(tt.in); got != tt.want {
				t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMaskLongestSecretFirst(t *testing.T) {
	m := NewMasker("abcdef", "abcdefghij")
	if got := m.Mask("x abcdefghij y"); got != "x **** y" {
		t.Errorf("got %q", got)
	}
}

func TestMaskLinesPrivateKey(t *testing.T) {
	m := NewMasker()
	in := []string{
		"writing key",
		"-----BEGIN OPENSSH PRIVATE KEY-----",
		"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ",
		"AAAAMwAAAAtzc2gtZWQyNTUxOQAAACB",
		"-----END OPENSSH PRIVATE KEY----- done",
		"token=abcdefgh after",
	}
	want := []string{
		"writing key",
		"-----BEGIN OPENSSH PRIVATE KEY----- ****",
		"****",
		"****",
		"****-----END OPENSSH PRIVATE KEY----- done",
		"token=**** after",
	}
	got := m.MaskLines(in)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i, got[i], want[i])
		}
	}
	// An unterminated block hides everything after BEGIN.
	got = m.MaskLines([]string{"-----BEGIN PRIVATE KEY-----", "MIIEvQIBADANBg", "more"})
	if got[1] != Masked || got[2] != Masked {
		t.Errorf("unterminated block leaked: %q", got)
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

func FuzzMask(f *testing.F) {
	for _, s := range []string{"password=x1234567", "\x1b[31merror\x1b[0m", "https://u:p@h/x?key=1", "-----BEGIN RSA PRIVATE KEY-----", "构建 token: 密钥密钥"} {
		f.Add(s)
	}
	m := NewMasker("fuzz-secret-value")
	f.Fuzz(func(t *testing.T, line string) {
		clean := Clean(line)
		if strings.IndexByte(clean, 0x1b) >= 0 {
			t.Fatalf("Clean left an escape in %q", clean)
		}
		masked := m.Mask(clean)
		if strings.Contains(masked, "fuzz-secret-value") {
			t.Fatalf("own secret survived in %q", masked)
		}
		if utf8.ValidString(line) && !utf8.ValidString(masked) {
			t.Fatalf("masking broke UTF-8: %q", masked)
		}
		if m.Mask(masked) != masked {
			t.Fatalf("Mask not idempotent: %q -> %q", masked, m.Mask(masked))
		}
		_ = IsErrorLine(masked)
		_ = m.MaskLines([]string{clean, line})
	})
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
