package intake

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Guard serves h on route: reading the request and writing its answer must
// end within timeout, a panic becomes a logged 500 (unless the answer was
// already started), and observe is told the route and h's result ("panic"
// after a panic). A nil log or observe discards.
func Guard(route string, timeout time.Duration, log *slog.Logger, observe func(route, result string),
	h func(w http.ResponseWriter, r *http.Request) string) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if observe == nil {
		observe = func(string, string) {}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				log.Error("handler panicked", "route", route, "panic", fmt.Sprint(p))
				observe(route, "panic")
				if !sw.wrote {
					http.Error(sw, "internal error", http.StatusInternalServerError)
				}
			}
		}()
		rc := http.NewResponseController(sw)
		deadline := time.Now().Add(timeout)
		_ = rc.SetReadDeadline(deadline) // not every ResponseWriter supports deadlines
		_ = rc.SetWriteDeadline(deadline)
		observe(route, h(sw, r))
	})
}

// statusWriter remembers whether the answer was started, so a panic after
// it does not write a second status.
type statusWriter struct {
	http.ResponseWriter
	wrote bool
}

func (s *statusWriter) WriteHeader(code int) {
	s.wrote = true
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(p []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection's deadlines.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
