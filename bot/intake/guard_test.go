package intake

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// observations records what an observer was told.
type observations struct {
	mu  sync.Mutex
	got []string
}

func (o *observations) observe(route, result string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.got = append(o.got, route+":"+result)
}

func (o *observations) list() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.got...)
}

// deadlineWriter is a ResponseWriter that counts status lines and records
// the deadlines http.ResponseController sets on it.
type deadlineWriter struct {
	*httptest.ResponseRecorder
	headers         int
	readDL, writeDL time.Time
}

func (d *deadlineWriter) WriteHeader(code int) {
	d.headers++
	d.ResponseRecorder.WriteHeader(code)
}

func (d *deadlineWriter) Write(p []byte) (int, error) {
	if d.headers == 0 {
		d.headers++ // an implicit 200
	}
	return d.ResponseRecorder.Write(p)
}

func (d *deadlineWriter) SetReadDeadline(t time.Time) error  { d.readDL = t; return nil }
func (d *deadlineWriter) SetWriteDeadline(t time.Time) error { d.writeDL = t; return nil }

// TestGuard: the one guard in front of every route limits the body, turns
// a panic into a bare 500 and observes each request's route and status.
func TestGuard(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		if _, err := ReadBody(w, r); err != nil {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("secret-in-panic") })
	mux.HandleFunc("GET /late", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "partial")
		panic("late")
	})
	var logs bytes.Buffer
	var seen []string
	h := Guard(mux, slog.New(slog.NewTextHandler(&logs, nil)), func(route string, code int, _ time.Duration) {
		seen = append(seen, fmt.Sprintf("%s %d", route, code))
	})
	tests := []struct {
		method, path string
		body         string
		code         int
		answer       string
	}{
		{"POST", "/echo", "hello", http.StatusAccepted, ""},
		{"POST", "/echo", strings.Repeat("x", MaxBody+10), http.StatusRequestEntityTooLarge, "request body too large\n"},
		{"GET", "/boom", "", http.StatusInternalServerError, "internal error\n"},
		{"GET", "/late", "", http.StatusOK, "partial"},
		{"GET", "/nowhere", "", http.StatusNotFound, "404 page not found\n"},
	}
	for _, tt := range tests {
		w := &deadlineWriter{ResponseRecorder: httptest.NewRecorder()}
		h.ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body)))
		if w.Code != tt.code || w.Body.String() != tt.answer || w.headers != 1 {
			t.Errorf("%s %s: %d %q (%d status lines), want %d %q once", tt.method, tt.path, w.Code, w.Body.String(), w.headers, tt.code, tt.answer)
		}
	}
	want := "[POST /echo 202 POST /echo 413 GET /boom 500 GET /late 200 unmatched 404]"
	if got := fmt.Sprint(seen); got != want {
		t.Errorf("observed %s, want %s", got, want)
	}
	if n := strings.Count(logs.String(), "request handler panicked"); n != 2 {
		t.Errorf("%d panics logged, want 2:\n%s", n, logs.String())
	}
}

// TestGuardCapsTheBody: a handler that reads the body itself, of any
// length or none declared, never gets more than MaxBody bytes.
func TestGuardCapsTheBody(t *testing.T) {
	for _, length := range []int64{MaxBody + 1, -1} {
		h := Guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n, err := io.Copy(io.Discard, r.Body)
			var tooLarge *http.MaxBytesError
			if n > MaxBody || !errors.As(err, &tooLarge) {
				t.Errorf("length %d: read %d bytes, error %v; want at most %d and a MaxBytesError", length, n, err, MaxBody)
			}
		}), nil, nil)
		r := httptest.NewRequest(http.MethodPost, "/", io.LimitReader(zeros{}, 2*MaxBody))
		r.ContentLength = length
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestRoute: a route sets the platform's deadlines and observes its
// handler's result, "panic" included, leaving the answer to Guard.
func TestRoute(t *testing.T) {
	cases := []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request) string
		status  int
		result  string
	}{
		{"result is observed", func(w http.ResponseWriter, _ *http.Request) string {
			w.WriteHeader(http.StatusAccepted)
			return "ok"
		}, http.StatusAccepted, "ok"},
		{"panic is observed and answered by the guard", func(http.ResponseWriter, *http.Request) string {
			panic("exploded at handler.go:12")
		}, http.StatusInternalServerError, "panic"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var seen observations
			h := Guard(Route("test", time.Minute, seen.observe, c.handler), nil, nil)
			w := &deadlineWriter{ResponseRecorder: httptest.NewRecorder()}
			before := time.Now()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/x", nil))
			if w.Code != c.status || w.headers != 1 {
				t.Errorf("answer = %d (%d status lines), want %d once", w.Code, w.headers, c.status)
			}
			if got := seen.list(); len(got) != 1 || got[0] != "test:"+c.result {
				t.Errorf("observed %v, want [test:%s]", got, c.result)
			}
			for name, dl := range map[string]time.Time{"read": w.readDL, "write": w.writeDL} {
				if dl.Before(before.Add(time.Minute)) || dl.After(time.Now().Add(time.Minute)) {
					t.Errorf("%s deadline %v is not a minute after the request", name, dl)
				}
			}
		})
	}
}

// TestGuardOverHTTP: behind a real server a panic is a bare 500 and the
// connection keeps serving.
func TestGuardOverHTTP(t *testing.T) {
	var seen observations
	calls := 0
	srv := httptest.NewServer(Guard(Route("route", 5*time.Second, seen.observe, func(w http.ResponseWriter, _ *http.Request) string {
		calls++
		if calls == 1 {
			panic("boom")
		}
		_, _ = io.WriteString(w, "fine")
		return "ok"
	}), nil, nil))
	defer srv.Close()
	for _, want := range []int{http.StatusInternalServerError, http.StatusOK} {
		resp, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want || strings.Contains(string(body), "boom") {
			t.Errorf("answer = %d %q, want %d without the panic", resp.StatusCode, body, want)
		}
	}
	if got := seen.list(); len(got) != 2 || got[0] != "route:panic" || got[1] != "route:ok" {
		t.Errorf("observed %v", got)
	}
}
