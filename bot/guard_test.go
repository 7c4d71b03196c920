package bot

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestGuard(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, maxBody+1)
		n, err := r.Body.Read(buf)
		for err == nil {
			var m int
			m, err = r.Body.Read(buf[n:])
			n += m
		}
		if n > maxBody {
			t.Error("read more than the limit")
		}
		w.WriteHeader(http.StatusAccepted)
	})
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("secret-in-panic") })
	var seen []string
	h := guard(mux, slog.New(slog.DiscardHandler), func(route string, code int, _ time.Duration) {
		seen = append(seen, fmt.Sprintf("%s %d", route, code))
	})
	tests := []struct {
		method, path string
		body         string
		code         int
	}{
		{"POST", "/echo", "hello", http.StatusAccepted},
		{"POST", "/echo", strings.Repeat("x", maxBody+10), http.StatusRequestEntityTooLarge},
		{"GET", "/boom", "", http.StatusInternalServerError},
		{"GET", "/nowhere", "", http.StatusNotFound},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body)))
		if rec.Code != tt.code || strings.Contains(rec.Body.String(), "secret") || strings.Contains(rec.Body.String(), "goroutine") {
			t.Errorf("%s %s: %d %q, want %d without details", tt.method, tt.path, rec.Code, rec.Body.String(), tt.code)
		}
	}
	want := "[POST /echo 202 unmatched 413 GET /boom 500 unmatched 404]"
	if got := fmt.Sprint(seen); got != want {
		t.Errorf("observed %s, want %s", got, want)
	}
}
