package intake

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// MaxBody is the largest request body any route accepts; larger ones get
// 413.
const MaxBody = 1 << 20

// ErrTooLarge is ReadBody's error for a body over MaxBody.
var ErrTooLarge = fmt.Errorf("request body over %d bytes", MaxBody)

// Guard wraps every route the bot serves: it caps bodies at MaxBody,
// turns a panic into a logged 500 without details (unless the answer was
// already started) and tells observe each request's route pattern, status
// and duration. A nil log or observe discards.
func Guard(next http.Handler, log *slog.Logger, observe func(route string, code int, d time.Duration)) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if observe == nil {
		observe = func(string, int, time.Duration) {}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.Error("request handler panicked", "path", r.URL.Path, "panic", fmt.Sprint(p))
				if !sw.wrote {
					http.Error(sw, "internal error", http.StatusInternalServerError)
				}
			}
			route := r.Pattern // set by the ServeMux once it routed the request
			if route == "" {
				route = "unmatched"
			}
			observe(route, sw.code, time.Since(start))
		}()
		// Handlers read through ReadBody, so each refuses an oversized body
		// with its own log line and metric; this caps the rest.
		r.Body = http.MaxBytesReader(sw, r.Body, MaxBody)
		next.ServeHTTP(sw, r)
	})
}

// Route serves h, whose answer must be read and written within timeout
// (the platform's acknowledgement window), and tells observe the route and
// h's result ("panic" after a panic, which Guard then answers). A nil
// observe discards.
func Route(route string, timeout time.Duration, observe func(route, result string),
	h func(w http.ResponseWriter, r *http.Request) string) http.Handler {
	if observe == nil {
		observe = func(string, string) {}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				observe(route, "panic")
				panic(p)
			}
		}()
		rc := http.NewResponseController(w)
		deadline := time.Now().Add(timeout)
		_ = rc.SetReadDeadline(deadline) // not every ResponseWriter supports deadlines
		_ = rc.SetWriteDeadline(deadline)
		observe(route, h(w, r))
	})
}

// ReadBody reads a request body of at most MaxBody bytes; a larger one is
// ErrTooLarge.
func ReadBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, ErrTooLarge
	}
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	return body, nil
}

// statusWriter remembers the status a handler answered and whether the
// answer was started, so a panic after it does not write a second status.
type statusWriter struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.code, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(p []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection (deadlines).
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
