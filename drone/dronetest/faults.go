package dronetest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dronebot/dronebot/drone"
)

// Request is one request the server received.
type Request struct {
	Method   string
	Path     string
	RawQuery string // access_token values are redacted
	// Authorized says whether the request carried the server's token.
	Authorized bool
}

type fault struct {
	method, prefix string
	status         int
	left           int
	stall          bool          // answer 200 and the start of a body, then nothing more
	hold           chan struct{} // wait until closed, then answer as usual
}

// Fail makes the next times requests whose method matches (""=any) and whose
// path starts with pathPrefix answer status with the dialect's error body.
// Status 0 closes the connection without an answer.
func (s *Server) Fail(method, pathPrefix string, status int, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{method: method, prefix: pathPrefix, status: status, left: times})
}

// StallBody makes the next times matching requests get a 200 and the first
// byte of a JSON body, then nothing more until the client gives up: an
// answer that starts but never arrives whole.
func (s *Server) StallBody(method, pathPrefix string, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{method: method, prefix: pathPrefix, status: http.StatusOK, left: times, stall: true})
}

// Hold makes the requests whose method matches (""=any) and whose path
// starts with pathPrefix wait until release is called (or the client gives
// up); then they are answered as usual. release may be called more than
// once.
func (s *Server) Hold(method, pathPrefix string) (release func()) {
	f := &fault{method: method, prefix: pathPrefix, hold: make(chan struct{})}
	s.mu.Lock()
	s.faults = append(s.faults, f)
	s.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			s.faults = slices.DeleteFunc(s.faults, func(g *fault) bool { return g == f })
			s.mu.Unlock()
			close(f.hold)
		})
	}
}

// SetDelay makes every answer wait d first (or until the request is given up).
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// SetDown drops the connection of every request while down is true.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// Requests returns every request received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// middleware records each request, then applies SetDown, SetDelay and Fail
// before the routes see it.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, Request{
			Method: r.Method, Path: r.URL.Path, RawQuery: redactQuery(r.URL.RawQuery),
			Authorized: s.tokenOK(r),
		})
		down, delay := s.down, s.delay
		f := s.takeFaultLocked(r)
		s.mu.Unlock()

		if down {
			dropConnection(w)
			return
		}
		if delay > 0 {
			t := time.NewTimer(delay)
			defer t.Stop()
			select {
			case <-t.C:
			case <-r.Context().Done():
				return
			}
		}
		switch {
		case f == nil:
		case f.hold != nil:
			select {
			case <-f.hold:
			case <-r.Context().Done():
				return
			}
		case f.stall:
			s.stall(w, r)
			return
		case f.status == 0:
			dropConnection(w)
			return
		default:
			s.writeFault(w, f.status)
			return
		}
		s.commonHeaders(w)
		next.ServeHTTP(w, r)
	})
}

func (s *Server) takeFaultLocked(r *http.Request) *fault {
	for i, f := range s.faults {
		if (f.method == "" || f.method == r.Method) && strings.HasPrefix(r.URL.Path, f.prefix) {
			if f.hold != nil {
				return f // held until released, however many requests come
			}
			f.left--
			if f.left <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return f
		}
	}
	return nil
}

// stall sends the headers and one byte, then waits for the client to go.
func (s *Server) stall(w http.ResponseWriter, r *http.Request) {
	s.commonHeaders(w)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("{"))
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
	<-r.Context().Done()
}

// writeFault answers status the way the dialect reports errors: JSON
// {"message"} on 1.x, plain text on 0.8.
func (s *Server) writeFault(w http.ResponseWriter, status int) {
	s.commonHeaders(w)
	if s.dialect == drone.DialectV08 || s.dialect == drone.DialectWoodpecker {
		textError(w, status, http.StatusText(status))
		return
	}
	jsonError(w, status, http.StatusText(status))
}

// dropConnection closes the connection without writing an answer.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

// commonHeaders are the headers every answer of the dialect carries.
func (s *Server) commonHeaders(w http.ResponseWriter) {
	h := w.Header()
	if s.dialect == drone.DialectWoodpecker {
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate, value")
		h.Set("Expires", "Thu, 01 Jan 1970 00:00:00 GMT")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Woodpecker-Version", versionWP)
		h.Set("X-Xss-Protection", "1; mode=block")
		return
	}
	if s.dialect == drone.DialectV08 {
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate, value")
		h.Set("X-Drone-Version", versionV08)
		h.Set("X-Frame-Options", "DENY")
		return
	}
	h.Set("Cache-Control", "no-cache, no-store, must-revalidate, private, max-age=0")
	h.Set("X-Frame-Options", "DENY")
}

// redactQuery hides access_token values so recorded requests hold no secret.
func redactQuery(raw string) string {
	if !strings.Contains(raw, "access_token") {
		return raw
	}
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		k, _, _ := strings.Cut(p, "=")
		if key, err := url.QueryUnescape(k); err == nil && key == "access_token" {
			parts[i] = k + "=REDACTED"
		}
	}
	return strings.Join(parts, "&")
}
