package logtext

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"
)

// shapeCases are the masking table's tests: every shape has at least one
// case that hides it and the cases around it that must stay as they are.
var shapeCases = []struct {
	shape, in, want string
}{
	{"authorization header", "curl -H 'Authorization: Bearer eyJhbGciOi.payload.sig' https://x", "curl -H 'Authorization: Bearer ****' https://x"},
	{"authorization header", "Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic ****"},
	{"authorization header", `-H "authorization: token 0123456789abcdef"`, `-H "authorization: token ****"`},
	{"authorization header", "Proxy-Authorization: Digest abcdef12", "Proxy-Authorization: Digest ****"},
	{"api key header", "curl -H 'X-Api-Key: k-123456789' api", "curl -H 'X-Api-Key: ****' api"},
	{"api key header", "PRIVATE-TOKEN: abcdefgh1234", "PRIVATE-TOKEN: ****"},
	{"cookie header", "-H 'Cookie: session=abc123; theme=dark'", "-H 'Cookie: ****'"},
	{"bearer token", "using bearer abcdefghijkl0123 for upload", "using bearer **** for upload"},
	{"bearer token", "Bearer authentication failed", "Bearer authentication failed"},
	{"slack token", "SLACK=xoxb-123456789012-abcdefghijkl ok", "SLACK=**** ok"},
	{"slack token", "app token xapp-1-A0123-456-abcdef", "app token ****"},
	{"slack token", "xoxp-12345-abcdefghij", "****"},
	{"github token", "remote https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/x", "remote https://****@github.com/x"},
	{"github token", "GH=github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz", "GH=****"},
	{"github token", "gho_0123456789abcdefghijABCDEFGHIJ", "****"},
	{"gitlab token", "glpat-AbCdEfGhIjKlMnOpQrSt used", "**** used"},
	{"gitlab token", "glrt-AbCdEfGhIjKlMnOpQrSt1234", "****"},
	{"jwt", "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end",
		"jwt **** end"},
	{"aws secret key beside its id", "printf '%s %s' AKIAQ3EXAMPLE7FAKE42 q8Zr2VtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY0",
		"printf '%s %s' **** ****"},
	{"aws secret key beside its id", "sha1 0123456789abcdef0123456789abcdef01234567 (no key id)", "sha1 0123456789abcdef0123456789abcdef01234567 (no key id)"},
	{"aws access key id", "using AKIAIOSFODNN7EXAMPLE now", "using **** now"},
	{"aws access key id", "ASIAQ3EXAMPLE7FAKE42", "****"},
	{"aws access key id", "akiaiosfodnn7example", "akiaiosfodnn7example"},
	{"mysql -p", "mysql -uroot -pS3cr3t! -h db app", "mysql -uroot -p**** -h db app"},
	{"mysql -p", "mysqldump -u app -p'two words' app > dump.sql", "mysqldump -u app -p'****' app > dump.sql"},
	{"mysql -p", "mysql -u root -p app", "mysql -u root -p app"},
	{"password-like key", "mysql password=hunter22 -h db", "mysql password=**** -h db"},
	{"password-like key", "DB_PASSWORD=hunter22", "DB_PASSWORD=****"},
	{"password-like key", "aws_secret_access_key = q8Zr2VtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY0", "aws_secret_access_key = ****"},
	{"password-like key", "++ export AWS_SECRET_ACCESS_KEY=q8Zr2VtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY0", "++ export AWS_SECRET_ACCESS_KEY=****"},
	{"password-like key", "PASSWORD: 'a spaced value'", "PASSWORD: '****'"},
	{"password-like key", `db_password: "with \"escaped\" quotes"`, `db_password: "****"`},
	{"password-like key", `{"token": "ghx_abcdefghijkl", "n": 1}`, `{"token": "****", "n": 1}`},
	{"password-like key", "passwd: hunter22", "passwd: ****"},
	{"password-like key", "client_secret=abcdef123", "client_secret=****"},
	{"password-like key", "apiKey: 'AbC123xyz'", "apiKey: '****'"},
	{"password-like key", "--password=s3cr3t --user=x", "--password=**** --user=x"},
	{"password-like key", "    token_test.go:47: got 3, want 4", "    token_test.go:47: got 3, want 4"},
	{"password-like key", "--- FAIL: TestPassword (0.00s)", "--- FAIL: TestPassword (0.00s)"},
	{"url userinfo", "cloning https://bob:pa55word@git.test/x.git", "cloning https://bob:****@git.test/x.git"},
	{"url userinfo", "REDIS_URL=redis://:r3dis-pass@127.0.0.1:6379/0", "REDIS_URL=redis://:****@127.0.0.1:6379/0"},
	{"url userinfo", "see https://example.com/a:b@c", "see https://example.com/a:b@c"},
	{"url query secret", "GET https://api.test/v1?key=abc123&x=1", "GET https://api.test/v1?key=****&x=1"},
	{"url query secret", "https://oapi.test/robot/send?access_token=deadbeef", "https://oapi.test/robot/send?access_token=****"},
	{"url query secret", "https://s3.test/o?X=1&X-Amz-Signature=ZZZ%2Bq", "https://s3.test/o?X=1&X-Amz-Signature=****"},
}

func TestMaskShapes(t *testing.T) {
	m := NewMasker()
	tested := map[string]bool{}
	for _, tc := range shapeCases {
		tested[tc.shape] = true
		if got := m.Mask(tc.in); got != tc.want {
			t.Errorf("%s: Mask(%q) = %q, want %q", tc.shape, tc.in, got, tc.want)
		}
		if got := m.Mask(tc.want); got != tc.want {
			t.Errorf("%s: masking %q again gave %q", tc.shape, tc.want, got)
		}
	}
	for _, s := range shapes {
		if !tested[s.name] {
			t.Errorf("shape %q has no test case", s.name)
		}
	}
}

func TestMaskOwnSecrets(t *testing.T) {
	m := NewMasker("s3cr3t-drone-token", "short", "", "pa ss/wörd+1")
	tests := []struct{ in, want string }{
		{"curl -H x:s3cr3t-drone-token", "curl -H x:****"},
		{"a short line", "a short line"},
		{"url https://h/?p=pa+ss%2Fw%C3%B6rd%2B1", "url https://h/?p=****"},
		{"path https://h/pa%20ss%2Fw%C3%B6rd+1/x", "path https://h/****/x"},
		{"plain pa ss/wörd+1.", "plain ****."},
	}
	for _, tt := range tests {
		if got := m.Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := NewMasker("abcdef", "abcdefghij").Mask("x abcdefghij y"); got != "x **** y" {
		t.Errorf("longest secret first: got %q", got)
	}
}

func TestMaskPrivateKeyBlocks(t *testing.T) {
	m := NewMasker()
	in := []string{
		"writing key",
		"-----BEGIN OPENSSH PRIVATE KEY-----",
		"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ",
		"AAAAMwAAAAtzc2gtZWQyNTUxOQAAACB",
		"-----END OPENSSH PRIVATE KEY----- done token=abcdefgh",
		"token=abcdefgh after",
	}
	want := []string{
		"writing key",
		"-----BEGIN OPENSSH PRIVATE KEY-----****",
		"****",
		"****",
		"****-----END OPENSSH PRIVATE KEY----- done token=****",
		"token=**** after",
	}
	got := m.MaskLines(in)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i, got[i], want[i])
		}
	}
	tests := []struct {
		name, in string
		inKey    bool
		want     string
		after    bool
	}{
		{"one line, json", `"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"`, false,
			`"-----BEGIN RSA PRIVATE KEY-----****-----END RSA PRIVATE KEY-----"`, false},
		{"no label", "-----BEGIN PRIVATE KEY-----MIIEvQ", false, "-----BEGIN PRIVATE KEY-----****", true},
		{"pgp", "-----BEGIN PGP PRIVATE KEY BLOCK-----", false, "-----BEGIN PGP PRIVATE KEY BLOCK-----****", true},
		{"encrypted", "key: -----BEGIN ENCRYPTED PRIVATE KEY----- x", false, "key: -----BEGIN ENCRYPTED PRIVATE KEY-----****", true},
		{"body line seen alone", "Q/J88tBhMDHctdjS7xsyH86tN39iYeVH2F2O7H8m4jIZBy95VdD49m3N", true, "****", true},
		{"end then a new begin", "****-----END EC PRIVATE KEY----- -----BEGIN EC PRIVATE KEY-----", true,
			"****-----END EC PRIVATE KEY----- -----BEGIN EC PRIVATE KEY-----****", true},
		{"public key untouched", "-----BEGIN PUBLIC KEY-----", false, "-----BEGIN PUBLIC KEY-----", false},
		{"certificate untouched", "-----BEGIN CERTIFICATE-----", false, "-----BEGIN CERTIFICATE-----", false},
		{"lowercase is prose", "-----begin private key-----", false, "-----begin private key-----", false},
	}
	for _, tc := range tests {
		got, after := m.MaskFrom(tc.in, tc.inKey)
		if got != tc.want || after != tc.after {
			t.Errorf("%s: MaskFrom(%q, %v) = %q, %v; want %q, %v", tc.name, tc.in, tc.inKey, got, after, tc.want, tc.after)
		}
		var k KeyTracker
		k.in = tc.inKey
		if k.Line([]byte(tc.in)); k.In() != tc.after {
			t.Errorf("%s: KeyTracker after %q = %v, want %v", tc.name, tc.in, k.In(), tc.after)
		}
	}
	// An unterminated block hides everything after BEGIN.
	got = m.MaskLines([]string{"-----BEGIN PRIVATE KEY-----", "MIIEvQIBADANBg", "more"})
	if got[1] != Masked || got[2] != Masked {
		t.Errorf("unterminated block leaked: %q", got)
	}
}

// TestKeyTrackerAcrossAStream shows a few lines from the middle of a key
// block, the way an excerpt that starts below BEGIN does.
func TestKeyTrackerAcrossAStream(t *testing.T) {
	log := []string{"+ cat deploy_key", "-----BEGIN OPENSSH PRIVATE KEY-----", "b3BlbnNzaC1rZXktdjEAAAAA", "8vb3cNZdZw5Y4DUdiujk9urD",
		"7MKKcKYcdRChzYkhbKFs", "-----END OPENSSH PRIVATE KEY-----", "+ tar -tzvf release.tar.gz"}
	var k KeyTracker
	in := make([]bool, len(log))
	for i, l := range log {
		in[i] = k.Line([]byte(l))
	}
	m := NewMasker()
	for from := range log {
		shown := log[from:]
		for i, l := range shown {
			got, _ := m.MaskFrom(l, in[from+i])
			if from+i >= 2 && from+i <= 4 && got != Masked {
				t.Errorf("shown from line %d: key line %d = %q", from, from+i, got)
			}
			if from+i == 6 && got != log[6] {
				t.Errorf("line after the block = %q", got)
			}
		}
	}
}

func TestCleanControlBytes(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"nul", "a\x00b", "ab"},
		{"bell and backspace", "a\x07\x08b", "ab"},
		{"tab kept", "a\tb", "a\tb"},
		{"del", "a\x7fb", "ab"},
		{"c1", "a\u0085b\u009bc", "abc"},
		{"invalid utf-8", "a\xffb\xc3", "a\uFFFDb\uFFFD"},
		{"noncharacters", "a\uFFFEb\uFFFFc", "a\uFFFDb\uFFFDc"},
		{"lone esc", "cut\x1b", "cut"},
		{"escape then control", "\x1b[31mred\x1b[0m\x01", "red"},
		{"cjk", "构建成功", "构建成功"},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("%s: Clean(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestMaskText(t *testing.T) {
	m := NewMasker("own-secret-1")
	got := m.Text("step failed:\n\x1b[31mDB_PASSWORD=hunter22\x1b[0m\r\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\nown-secret-1\x00")
	want := "step failed:\nDB_PASSWORD=****\n-----BEGIN RSA PRIVATE KEY-----****\n****\n****-----END RSA PRIVATE KEY-----\n****"
	if got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
}

func TestHandlerMasksTheBotsLog(t *testing.T) {
	var buf bytes.Buffer
	m := NewMasker("drone-token-abcdef")
	log := slog.New(m.Handler(slog.NewJSONHandler(&buf, nil))).With("url", "https://x/?access_token=drone-token-abcdef")
	log.WithGroup("g").Info("sent with password=hunter22", "err", errors.New("401 for Authorization: Bearer abcdefghijklmnop"),
		"n", 3, slog.Group("sub", "auth", "xoxb-123456789012-abcdefghijkl"), "any", []string{"glpat-AbCdEfGhIjKlMnOpQrSt"})
	out := buf.String()
	for _, secret := range []string{"drone-token-abcdef", "hunter22", "abcdefghijklmnop", "xoxb-", "glpat-"} {
		if strings.Contains(out, secret) {
			t.Errorf("log shows %q: %s", secret, out)
		}
	}
	if !strings.Contains(out, `"n":3`) || !strings.Contains(out, "password=****") {
		t.Errorf("log lost its content: %s", out)
	}
	if !m.Handler(slog.NewTextHandler(&buf, nil)).Enabled(context.Background(), slog.LevelInfo) {
		t.Error("handler disabled info")
	}
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{"password=x1234567", "\x1b[31merror\x1b[0m", "https://u:p@h/x?key=1",
		"-----BEGIN RSA PRIVATE KEY-----", "构建 token: 密钥密钥", "a\x00\xff\uFFFE", "PASSWORD: 'a b c'",
		"mysql -pfuzz-secret-value", "Authorization: Bearer fuzz-secret-value"} {
		f.Add(s, false)
	}
	f.Add("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", true)
	m := NewMasker("fuzz-secret-value")
	f.Fuzz(func(t *testing.T, line string, inKey bool) {
		clean := Clean(line)
		if !utf8.ValidString(clean) {
			t.Fatalf("Clean gave invalid UTF-8 %q", clean)
		}
		for _, r := range clean {
			if r < 0x20 && r != '\t' || r >= 0x7f && r <= 0x9f || r == 0xFFFE || r == 0xFFFF {
				t.Fatalf("Clean left %U in %q", r, clean)
			}
		}
		masked, after := m.MaskFrom(clean, inKey)
		if strings.Contains(masked, "fuzz-secret-value") {
			t.Fatalf("own secret survived in %q", masked)
		}
		if !utf8.ValidString(masked) {
			t.Fatalf("masking broke UTF-8: %q", masked)
		}
		if again, _ := m.MaskFrom(masked, inKey); again != masked {
			t.Fatalf("MaskFrom not idempotent: %q -> %q", masked, again)
		}
		var k KeyTracker
		k.in = inKey
		if k.Line([]byte(clean)); k.In() != after {
			t.Fatalf("KeyTracker and MaskFrom disagree on %q", clean)
		}
		if inKey && !after && !strings.HasPrefix(masked, Masked) {
			t.Fatalf("key material shown: %q", masked)
		}
	})
}
