package drone

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestDetectDialect(t *testing.T) {
	tests := []struct {
		name    string
		routes  map[string]string
		dir     string
		want    Dialect
		handler http.HandlerFunc
	}{
		{name: "drone 2.25 /version", dir: dir25, routes: map[string]string{"GET /version": "GET_version", "GET /api/user": "GET_api_user"}, want: DialectV1},
		{name: "drone 0.8 /version", dir: dir08, routes: map[string]string{"GET /version": "GET_version", "GET /api/user": "GET_api_user"}, want: DialectV08},
		{name: "no /version, 1.x user has machine", dir: dir25, routes: map[string]string{"GET /api/user": "GET_api_user"}, want: DialectV1},
		{name: "no /version, 0.8 user", dir: dir08, routes: map[string]string{"GET /api/user": "GET_api_user"}, want: DialectV08},
		{name: "woodpecker 3.17 /version", dir: dirWP, routes: map[string]string{"GET /version": "GET_version", "GET /api/user": "GET_api_user"}, want: DialectWoodpecker},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := serveFixtures(t, tc.dir, tc.routes)
			srv := fs.Server
			var htmlVersion atomic.Int32
			if _, ok := tc.routes["GET /version"]; !ok {
				// Old 0.8 servers fall through to the web UI: 200 with HTML.
				inner := fs.Config.Handler
				fs.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/version" {
						htmlVersion.Add(1)
						w.Header().Set("Content-Type", "text/html")
						_, _ = w.Write([]byte("<!doctype html><html></html>"))
						return
					}
					inner.ServeHTTP(w, r)
				})
			}
			c := newTestClient(t, srv.URL, DialectAuto)
			for range 2 {
				got, err := c.Dialect(testCtx(t))
				if err != nil || got != tc.want {
					t.Fatalf("Dialect = %q, %v; want %q", got, err, tc.want)
				}
			}
			u, err := c.Self(testCtx(t))
			if err != nil || u.Login != "octo" {
				t.Fatalf("Self after detection = %+v, %v", u, err)
			}
			versionCalls := int(htmlVersion.Load())
			for _, r := range fs.seen() {
				if strings.HasPrefix(r, "GET /version") {
					versionCalls++
				}
			}
			if versionCalls != 1 {
				t.Errorf("GET /version sent %d times, want once (cached)", versionCalls)
			}
		})
	}
}

func TestDetectDialect404FallsBack(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/version" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`{"login":"octo","machine":false}`))
	}))
	defer srv.Close()
	got, err := newTestClient(t, srv.URL, "").Dialect(testCtx(t))
	if err != nil || got != DialectV1 || hits.Load() != 2 {
		t.Fatalf("Dialect = %q, %v after %d requests", got, err, hits.Load())
	}
}

func TestDetectDialectUnreachableIsNotCached(t *testing.T) {
	fail := atomic.Bool{}
	fail.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{"version":"1.10.1"}`))
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, DialectAuto)
	if _, err := c.Dialect(testCtx(t)); KindOf(err) != KindUnreachable {
		t.Fatalf("err = %v, want unreachable", err)
	}
	fail.Store(false)
	if d, err := c.Dialect(testCtx(t)); err != nil || d != DialectV1 {
		t.Fatalf("after recovery: %q, %v", d, err)
	}
}
