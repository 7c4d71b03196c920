package drone

import (
	"bytes"
	"encoding/pem"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer answers with handler and counts requests.
func countingServer(t *testing.T, handler func(n int32, w http.ResponseWriter, r *http.Request)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler(n.Add(1), w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestRetryRule(t *testing.T) {
	ops := []struct {
		name   string
		method string
		run    func(c Client) error
	}{
		{"GET build", http.MethodGet, func(c Client) error { _, err := c.Build(bg(), "octo/demo", 1); return err }},
		{"POST restart", http.MethodPost, func(c Client) error { _, err := c.RestartBuild(bg(), "octo/demo", 1, nil); return err }},
		{"DELETE cancel", http.MethodDelete, func(c Client) error { return c.CancelBuild(bg(), "octo/demo", 1) }},
	}
	for _, status := range []int{502, 503, 504, 500, 404} {
		for _, op := range ops {
			t.Run(op.name+" "+http.StatusText(status), func(t *testing.T) {
				srv, n := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
					w.WriteHeader(status)
				})
				err := op.run(newTestClient(t, srv.URL, DialectV1))
				if err == nil {
					t.Fatal("want an error")
				}
				want := int32(1)
				if op.method == http.MethodGet && isGatewayStatus(status) {
					want = 3 // one try and the two default retries
				}
				if n.Load() != want {
					t.Errorf("%d requests, want %d", n.Load(), want)
				}
				if isGatewayStatus(status) && KindOf(err) != KindUnreachable {
					t.Errorf("kind = %v, want unreachable", KindOf(err))
				}
			})
		}
	}
}

func TestRetryRecoversAndObserves(t *testing.T) {
	srv, n := countingServer(t, func(i int32, w http.ResponseWriter, _ *http.Request) {
		if i < 3 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		_, _ = w.Write([]byte(`{"number":7,"status":"success"}`))
	})
	var mu sync.Mutex
	var seen []int
	c, err := New(Config{Server: srv.URL, Token: testToken, Dialect: DialectV1, Observe: func(op string, status int, _ time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		if op != "build" {
			t.Errorf("op = %q", op)
		}
		seen = append(seen, status)
	}})
	if err != nil {
		t.Fatal(err)
	}
	c.(*client).t.backoff = time.Millisecond
	b, err := c.Build(testCtx(t), "octo/demo", 7)
	if err != nil || b.Number != 7 || n.Load() != 3 {
		t.Fatalf("build = %+v, %v after %d requests", b, err, n.Load())
	}
	if want := []int{502, 502, 200}; !slices.Equal(seen, want) {
		t.Errorf("observed %v, want %v", seen, want)
	}
}

func TestNetworkErrorRetriedOnlyForGET(t *testing.T) {
	// A listener that accepts and closes at once: a network error every time.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int32
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			_ = conn.Close()
		}
	}()
	url := "http://" + ln.Addr().String()
	// One transport-level retry of an idempotent request is done by net/http
	// itself, so count attempts through Observe instead of connections.
	attempts := func(run func(Client) error) (int, error) {
		var n atomic.Int32
		c, err := New(Config{Server: url, Token: testToken, Dialect: DialectV1, Observe: func(string, int, time.Duration) { n.Add(1) }})
		if err != nil {
			t.Fatal(err)
		}
		c.(*client).t.backoff = time.Millisecond
		err = run(c)
		return int(n.Load()), err
	}
	n, err := attempts(func(c Client) error { _, err := c.Repos(bg(), false); return err })
	wantErr(t, err, KindUnreachable, "cannot reach Drone")
	if n != 3 {
		t.Errorf("GET made %d attempts, want 3", n)
	}
	n, err = attempts(func(c Client) error { _, err := c.EnableRepo(bg(), "octo/demo"); return err })
	wantErr(t, err, KindUnreachable, "cannot reach Drone")
	if n != 1 {
		t.Errorf("POST made %d attempts, want 1", n)
	}
	if accepted.Load() == 0 {
		t.Error("no connection reached the listener")
	}
}

func TestSlowHeadersTimeOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c, err := New(Config{Server: srv.URL, Token: testToken, Dialect: DialectV1, Timeout: 100 * time.Millisecond, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.Self(testCtx(t))
	wantErr(t, err, KindUnreachable, "did not answer within 100ms")
	// Generous bound: the point is that it did not wait for the server.
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("took %v", elapsed)
	}
}

func TestLogTimeoutGovernsBody(t *testing.T) {
	// Headers at once, then a body that trickles beyond LogTimeout but within Timeout*n.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"out":"one\n"},`))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	c, err := New(Config{Server: srv.URL, Token: testToken, Dialect: DialectV1, Timeout: 5 * time.Second, LogTimeout: 150 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.LogTail(testCtx(t), "octo/demo", 1, StepRef{Stage: 1, Step: 1}, TailOptions{})
	wantErr(t, err, KindUnreachable, "did not send the whole answer within 150ms")
}

func TestCAFile(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"login":"octo","machine":false}`))
	}))
	defer srv.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, cert, 0o600); err != nil {
		t.Fatal(err)
	}
	without, err := New(Config{Server: srv.URL, Token: testToken, Dialect: DialectV1, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = without.Self(testCtx(t))
	wantErr(t, err, KindUnreachable, "cannot reach Drone")

	with, err := New(Config{Server: srv.URL, Token: testToken, Dialect: DialectV1, CAFile: caFile})
	if err != nil {
		t.Fatal(err)
	}
	if u, err := with.Self(testCtx(t)); err != nil || u.Login != "octo" {
		t.Fatalf("with ca_file: %+v, %v", u, err)
	}
	_, err = New(Config{Server: srv.URL, CAFile: filepath.Join(t.TempDir(), "missing.pem")})
	wantErr(t, err, KindInvalid, "ca_file")
}

func TestTokenRedacted(t *testing.T) {
	// The server echoes the token back in its error, as a misbehaving proxy might.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"message":"bad token ` + testToken + ` at /api?access_token=other-secret&x=1"}`))
	}))
	defer srv.Close()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := New(Config{Server: srv.URL, Token: testToken, Dialect: DialectV1, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Self(testCtx(t))
	wantErr(t, err, KindBadRequest, "bad token REDACTED")
	if strings.Contains(err.Error(), "other-secret") || !strings.Contains(err.Error(), "access_token=REDACTED") {
		t.Errorf("access_token not redacted: %v", err)
	}

	// A transport error names the URL; a token in the server URL must not show.
	c2, err := New(Config{Server: "http://127.0.0.1:1/?access_token=" + testToken, Token: testToken, Dialect: DialectV1, Logger: logger, Retries: 1})
	if err != nil {
		t.Fatal(err)
	}
	c2.(*client).t.backoff = time.Millisecond
	_, err = c2.Self(testCtx(t))
	wantErr(t, err, KindUnreachable, "")
	var de *Error
	if errors.As(err, &de) && de.Err != nil && strings.Contains(de.Err.Error(), testToken) {
		t.Errorf("wrapped error leaks the token: %v", de.Err)
	}
	if strings.Contains(logs.String(), testToken) || strings.Contains(logs.String(), "other-secret") {
		t.Errorf("logs leak a token:\n%s", logs.String())
	}
	if logs.Len() == 0 {
		t.Error("expected debug logs to check")
	}
}

func TestRedactor(t *testing.T) {
	r := redactor{token: "abc123"}
	tests := []struct{ in, want string }{
		{"Bearer abc123", "Bearer REDACTED"},
		{"GET /x?access_token=zzz&y=1", "GET /x?access_token=REDACTED&y=1"},
		{"ACCESS_TOKEN=zzz", "ACCESS_TOKEN=REDACTED"},
		{"nothing here", "nothing here"},
	}
	for _, tc := range tests {
		if got := r.String(tc.in); got != tc.want {
			t.Errorf("redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
