package drone

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// testToken is the token every test client sends; it must never leak.
const testToken = "tok-5ecret-9f8e7d6c5b4a"

const (
	dir25 = "testdata/drone-2.25"
	dir08 = "testdata/drone-0.8"
)

// fixture is one recorded answer: body, status and Content-Type.
type fixture struct {
	status      int
	contentType string
	body        []byte
}

func loadFixture(t testing.TB, dir, name string) fixture {
	t.Helper()
	base := filepath.Join(dir, name)
	body, err := os.ReadFile(base + ".json")
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	st, err := os.ReadFile(base + ".status")
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	status, err := strconv.Atoi(strings.TrimSpace(string(st)))
	if err != nil {
		t.Fatalf("fixture %s status: %v", name, err)
	}
	f := fixture{status: status, body: body}
	if hdr, err := os.ReadFile(base + ".headers.txt"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(hdr))
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.EqualFold(k, "Content-Type") {
				f.contentType = strings.TrimSpace(v)
			}
		}
	}
	return f
}

// fixtureServer answers "METHOD /path" or "METHOD /path?query" with recorded
// fixtures and counts the requests it saw.
type fixtureServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string // "METHOD /path?query"
	authOK   bool
}

func serveFixtures(t *testing.T, dir string, routes map[string]string) *fixtureServer {
	t.Helper()
	answers := map[string]fixture{}
	for route, name := range routes {
		answers[route] = loadFixture(t, dir, name)
	}
	fs := &fixtureServer{authOK: true}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Method + " " + r.URL.Path
		full := key
		if r.URL.RawQuery != "" {
			full += "?" + r.URL.RawQuery
		}
		fs.mu.Lock()
		fs.requests = append(fs.requests, full)
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			fs.authOK = false
		}
		fs.mu.Unlock()
		f, ok := answers[full]
		if !ok {
			f, ok = answers[key]
		}
		if !ok {
			t.Errorf("unexpected request %s", full)
			http.Error(w, "no fixture", http.StatusTeapot)
			return
		}
		if f.contentType != "" {
			w.Header().Set("Content-Type", f.contentType)
		}
		w.WriteHeader(f.status)
		_, _ = w.Write(f.body)
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *fixtureServer) seen() []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]string(nil), fs.requests...)
}

// newTestClient makes a client for srv with fast retries.
func newTestClient(t testing.TB, server string, d Dialect) Client {
	t.Helper()
	c, err := New(Config{Server: server, Token: testToken, Dialect: d, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	c.(*client).t.backoff = time.Millisecond
	return c
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// wantErr checks that err is a *Error of kind whose message contains msg.
func wantErr(t *testing.T, err error, kind Kind, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", kind)
	}
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("error %T %v is not *Error", err, err)
	}
	if e.Kind != kind {
		t.Errorf("kind = %v, want %v (%v)", e.Kind, kind, err)
	}
	if !strings.Contains(e.Message, msg) {
		t.Errorf("message = %q, want it to contain %q", e.Message, msg)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Errorf("error leaks the token: %v", err)
	}
	if strings.Contains(e.Message, v1NoRows) {
		t.Errorf("error shows the raw store error: %q", e.Message)
	}
}

// writeFixture stores a made-up answer in the recorded format.
func writeFixture(t *testing.T, dir, name, status, body string) {
	t.Helper()
	ct := "application/json"
	if body != "" && body[0] != '{' && body[0] != '[' && body != "null" && body != "null\n" {
		ct = "text/plain; charset=utf-8"
	}
	for ext, data := range map[string]string{".json": body, ".status": status, ".headers.txt": "HTTP/1.1 " + status + "\nContent-Type: " + ct + "\n"} {
		if err := os.WriteFile(filepath.Join(dir, name+ext), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
