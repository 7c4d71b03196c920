package intake

import (
	"bytes"
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

func TestGuard(t *testing.T) {
	cases := []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request) string
		status  int
		body    string
		result  string
		logged  bool
	}{
		{"result is observed", func(w http.ResponseWriter, _ *http.Request) string {
			w.WriteHeader(http.StatusAccepted)
			return "ok"
		}, http.StatusAccepted, "", "ok", false},
		{"panic before answering is a 500", func(http.ResponseWriter, *http.Request) string {
			panic("exploded at handler.go:12")
		}, http.StatusInternalServerError, "internal error\n", "panic", true},
		{"panic after answering keeps the answer", func(w http.ResponseWriter, _ *http.Request) string {
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, "partial")
			panic("late")
		}, http.StatusOK, "partial", "panic", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var logs bytes.Buffer
			var seen observations
			guard := Guard("test", time.Minute, slog.New(slog.NewTextHandler(&logs, nil)), seen.observe, c.handler)
			w := &deadlineWriter{ResponseRecorder: httptest.NewRecorder()}
			before := time.Now()
			guard.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/x", nil))

			if w.Code != c.status || w.Body.String() != c.body {
				t.Errorf("answer = %d %q, want %d %q", w.Code, w.Body.String(), c.status, c.body)
			}
			if w.headers != 1 {
				t.Errorf("%d status lines written, want 1", w.headers)
			}
			if got := seen.list(); len(got) != 1 || got[0] != "test:"+c.result {
				t.Errorf("observed %v, want [test:%s]", got, c.result)
			}
			if got := strings.Contains(logs.String(), "handler panicked"); got != c.logged {
				t.Errorf("panic logged = %v, want %v:\n%s", got, c.logged, logs.String())
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
	srv := httptest.NewServer(Guard("route", 5*time.Second, nil, seen.observe, func(w http.ResponseWriter, _ *http.Request) string {
		calls++
		if calls == 1 {
			panic("boom")
		}
		_, _ = io.WriteString(w, "fine")
		return "ok"
	}))
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
