package drone_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

// nullProxy puts a proxy in front of s that answers method+path with 200
// `null`, as Drone does when no pipeline matched (the fake never does), and
// passes everything else through. It returns the proxy's URL.
func nullProxy(t *testing.T, s *dronetest.Server, method, path string) string {
	t.Helper()
	target, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == method && r.URL.Path == path {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte("null\n"))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return front.URL
}

// stepStates renders the steps of a stage the fake holds.
func stepStates(st dronetest.StageSpec) []string {
	var out []string
	for _, p := range st.Steps {
		out = append(out, fmt.Sprintf("%s %s %d", p.Name, p.Status, p.ExitCode))
	}
	return out
}

func TestFakeClientWrites(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d drone.Dialect) {
		v1 := d == drone.DialectV1
		t.Run("EnableRepo", func(t *testing.T) {
			s := newFake(t, d)
			s.AddRepo("octo/idle", dronetest.RepoOptions{Inactive: true})
			c := newClient(t, s)
			r, err := c.EnableRepo(ctxOf(t), "octo/idle")
			if err != nil || r.Slug != "octo/idle" || !r.Active {
				t.Fatalf("EnableRepo = %+v, %v", r, err)
			}
			wantSeen(t, s, "", "POST /api/repos/octo/idle")
			if rs, err := c.Repos(ctxOf(t), false); err != nil || !reflect.DeepEqual(slugsOf(rs), []string{demo, "octo/idle"}) {
				t.Errorf("Repos after enable = %v, %v", slugsOf(rs), err)
			}
			// Enabling again: 1.x answers the repository, 0.8 refuses (409).
			_, err = c.EnableRepo(ctxOf(t), "octo/idle")
			if v1 && err != nil {
				t.Errorf("1.x enable twice: %v", err)
			}
			if !v1 {
				wantKind(t, err, drone.KindConflict, s.Token)
			}
		})
		t.Run("DisableRepo", func(t *testing.T) {
			s := newFake(t, d)
			c := newClient(t, s)
			r, err := c.DisableRepo(ctxOf(t), demo)
			if err != nil || r.Slug != demo || r.Active {
				t.Fatalf("DisableRepo = %+v, %v", r, err)
			}
			wantSeen(t, s, "", "DELETE /api/repos/octo/demo")
			if rs, err := c.Repos(ctxOf(t), false); err != nil || len(rs) != 0 {
				t.Errorf("Repos after disable = %v, %v", slugsOf(rs), err)
			}
		})
		t.Run("CreateBuild", func(t *testing.T) {
			s := newFake(t, d)
			s.AddBuild(demo, dronetest.BuildSpec{Status: drone.StatusSuccess})
			s.AddBuild(demo, dronetest.BuildSpec{Status: drone.StatusFailure, Branch: "dev"})
			c := newClient(t, s)
			s.ResetRequests()
			b, err := c.CreateBuild(ctxOf(t), demo, drone.CreateOptions{Branch: "dev", Params: map[string]string{"GREETING": "hello"}})
			if err != nil || b.Number != 3 || b.Status != drone.StatusPending || b.Branch() != "dev" || b.Params["GREETING"] != "hello" {
				t.Fatalf("CreateBuild = %+v, %v", b, err)
			}
			spec := fakeBuild(t, s, 3)
			if spec.Branch != "dev" || spec.Params["GREETING"] != "hello" {
				t.Errorf("fake holds %+v", spec)
			}
			if v1 { // a new custom build
				if b.Event != drone.EventCustom || b.Parent != 0 || spec.Event != drone.EventCustom {
					t.Errorf("1.x create: event %q parent %d, fake event %q", b.Event, b.Parent, spec.Event)
				}
				wantSeen(t, s, "", "POST /api/repos/octo/demo/builds?GREETING=hello&branch=dev")
				_, err = c.CreateBuild(ctxOf(t), demo, drone.CreateOptions{Branch: "nope"})
				wantKind(t, err, drone.KindNotFound, s.Token)
				return
			}
			// 0.8 re-runs the branch's latest build.
			if b.Parent != 2 || spec.Parent != 2 || b.Event != drone.EventPush {
				t.Errorf("0.8 create: parent %d (fake %d) event %q, want a re-run of #2", b.Parent, spec.Parent, b.Event)
			}
			wantSeen(t, s, "", "GET /api/repos/octo/demo/builds/latest?branch=dev", "POST /api/repos/octo/demo/builds/2?GREETING=hello")
			s.ResetRequests()
			_, err = c.CreateBuild(ctxOf(t), demo, drone.CreateOptions{Branch: "release"})
			if e := wantKind(t, err, drone.KindNotFound, s.Token); !strings.Contains(e.Message, "branch release has no build to re-run") {
				t.Errorf("message = %q", e.Message)
			}
			wantSeen(t, s, http.MethodPost)
		})
		t.Run("RestartBuild", func(t *testing.T) {
			s := newFake(t, d)
			n := s.AddBuild(demo, failedBuild(nil))
			c := newClient(t, s)
			b, err := c.RestartBuild(ctxOf(t), demo, n, map[string]string{"DEBUG": "1"})
			if err != nil || b.Number != 2 || b.Parent != n || b.Status != drone.StatusPending || b.Params["DEBUG"] != "1" {
				t.Fatalf("RestartBuild = %+v, %v", b, err)
			}
			// 1.x answers without stages; 0.8 with a flat proc list the client nests.
			want := map[drone.Dialect][]string{drone.DialectV08: {"1 build pending exit=0", "  3 clone pending exit=0",
				"  4 test pending exit=0", "2 notify pending exit=0", "  5 slack pending exit=0"}}
			if got := shape(b); !reflect.DeepEqual(got, want[d]) {
				t.Errorf("restart stages = %q, want %q", got, want[d])
			}
			if spec := fakeBuild(t, s, 2); spec.Parent != n || spec.Params["DEBUG"] != "1" || spec.Status != drone.StatusPending {
				t.Errorf("fake holds %+v", spec)
			}
			wantSeen(t, s, http.MethodPost, "POST /api/repos/octo/demo/builds/1?DEBUG=1")
		})
		t.Run("CancelBuild", func(t *testing.T) {
			s := newFake(t, d)
			running := s.AddBuild(demo, runningBuild())
			pending := s.AddBuild(demo, dronetest.BuildSpec{Status: drone.StatusPending})
			c := newClient(t, s)
			if err := c.CancelBuild(ctxOf(t), demo, running); err != nil {
				t.Fatalf("CancelBuild: %v", err)
			}
			spec := fakeBuild(t, s, running)
			want := map[drone.Dialect][]string{
				drone.DialectV1:  {"clone success 0", "test killed 130", "deploy skipped 130"},
				drone.DialectV08: {"clone success 0", "test killed 137", "deploy killed 137"},
			}
			if got := stepStates(spec.Stages[0]); spec.Status != drone.StatusKilled || !reflect.DeepEqual(got, want[d]) {
				t.Errorf("fake holds %s with steps %q, want killed with %q", spec.Status, got, want[d])
			}
			if v1 {
				wantSeen(t, s, http.MethodDelete, "DELETE /api/repos/octo/demo/builds/1")
				return
			}
			wantSeen(t, s, http.MethodDelete, "DELETE /api/repos/octo/demo/builds/1/1") // the running top-level proc
			err := c.CancelBuild(ctxOf(t), demo, pending)
			wantKind(t, err, drone.KindBadRequest, s.Token)
			wantSeen(t, s, http.MethodDelete, "DELETE /api/repos/octo/demo/builds/1/1")
		})
		for _, verb := range []string{"approve", "decline"} {
			t.Run(verb+"Build", func(t *testing.T) {
				s := newFake(t, d)
				n := s.AddBuild(demo, blockedBuild())
				c := newClient(t, s)
				run, after := c.ApproveBuild, drone.StatusPending
				if verb == "decline" {
					run, after = c.DeclineBuild, drone.StatusDeclined
				}
				if err := run(ctxOf(t), demo, n); err != nil {
					t.Fatalf("%s: %v", verb, err)
				}
				if spec := fakeBuild(t, s, n); spec.Status != after || spec.Stages[1].Status != after {
					t.Errorf("fake holds build %s, deploy stage %s; want both %s", spec.Status, spec.Stages[1].Status, after)
				}
				path := "POST /api/repos/octo/demo/builds/1/" + verb
				if v1 {
					path += "/2" // each blocked stage
				}
				wantSeen(t, s, http.MethodPost, path)
			})
		}
		t.Run("PromoteBuild", func(t *testing.T) {
			s := newFake(t, d)
			n := s.AddBuild(demo, dronetest.BuildSpec{Status: drone.StatusSuccess})
			c := newClient(t, s)
			b, err := c.PromoteBuild(ctxOf(t), demo, n, "prod", map[string]string{"VERSION": "1.2"})
			if err != nil || b.Number != 2 || b.Parent != n || b.Event != drone.EventPromote || b.DeployTo != "prod" {
				t.Fatalf("PromoteBuild = %+v, %v", b, err)
			}
			spec := fakeBuild(t, s, 2)
			if spec.Event != drone.EventPromote || spec.DeployTo != "prod" || spec.Params["VERSION"] != "1.2" || spec.Parent != n {
				t.Errorf("fake holds %+v", spec)
			}
			want := map[drone.Dialect]string{
				drone.DialectV1:  "POST /api/repos/octo/demo/builds/1/promote?VERSION=1.2&target=prod",
				drone.DialectV08: "POST /api/repos/octo/demo/builds/1?VERSION=1.2&deploy_to=prod&event=deployment",
			}
			wantSeen(t, s, http.MethodPost, want[d])
		})
	})
}

const wrongToken = "wrong-token-9f8e7d6c5b4a"

func TestFakeClientErrorKinds(t *testing.T) {
	withToken := func(tok string) func(*drone.Config) { return func(c *drone.Config) { c.Token = tok } }
	noRetry := func(c *drone.Config) { c.Retries = -1 }
	cases := []struct {
		name  string
		only  drone.Dialect // "" = both
		setup func(t *testing.T, s *dronetest.Server) drone.Client
		run   func(ctx context.Context, c drone.Client) error
		kind  drone.Kind
		after func(t *testing.T, s *dronetest.Server) // checks the fake's state
	}{
		{name: "unknown repository", kind: drone.KindNotFound,
			run: func(ctx context.Context, c drone.Client) error { _, err := c.Repo(ctx, "octo/nope"); return err }},
		{name: "unknown build", kind: drone.KindNotFound,
			run: func(ctx context.Context, c drone.Client) error { _, err := c.Build(ctx, demo, 99); return err }},
		{name: "restart of an unknown build", kind: drone.KindNotFound,
			run: func(ctx context.Context, c drone.Client) error {
				_, err := c.RestartBuild(ctx, demo, 99, nil)
				return err
			}},
		{name: "wrong token on /api/user", kind: drone.KindUnauthorized,
			setup: func(t *testing.T, s *dronetest.Server) drone.Client { return newClient(t, s, withToken(wrongToken)) },
			run:   func(ctx context.Context, c drone.Client) error { _, err := c.Self(ctx); return err }},
		{name: "wrong token on a private repository", kind: drone.KindUnauthorized,
			setup: func(t *testing.T, s *dronetest.Server) drone.Client { return newClient(t, s, withToken(wrongToken)) },
			run:   func(ctx context.Context, c drone.Client) error { _, err := c.Repo(ctx, "octo/secret"); return err }},
		{name: "activate twice", only: drone.DialectV08, kind: drone.KindConflict,
			run: func(ctx context.Context, c drone.Client) error { _, err := c.EnableRepo(ctx, demo); return err }},
		{name: "restart of a blocked build", kind: drone.KindBadRequest,
			run: func(ctx context.Context, c drone.Client) error {
				_, err := c.RestartBuild(ctx, demo, 2, nil)
				return err
			}},
		{name: "approve of a finished build", kind: drone.KindBadRequest,
			run: func(ctx context.Context, c drone.Client) error { return c.ApproveBuild(ctx, demo, 1) }},
		{name: "server fails a write", kind: drone.KindServer,
			setup: func(t *testing.T, s *dronetest.Server) drone.Client {
				s.Fail(http.MethodPost, "/api/repos/octo/demo/builds/1", http.StatusInternalServerError, 1)
				return newClient(t, s)
			},
			run: func(ctx context.Context, c drone.Client) error {
				_, err := c.RestartBuild(ctx, demo, 1, nil)
				return err
			},
			after: func(t *testing.T, s *dronetest.Server) {
				if _, ok := s.BuildSpec(demo, 3); ok {
					t.Error("a failed restart left a build behind")
				}
			}},
		{name: "promote on an open-source server", only: drone.DialectV1, kind: drone.KindNotImplemented,
			setup: func(t *testing.T, s *dronetest.Server) drone.Client { s.SetOSS(true); return newClient(t, s) },
			run: func(ctx context.Context, c drone.Client) error {
				_, err := c.PromoteBuild(ctx, demo, 1, "prod", nil)
				return err
			}},
		{name: "create answered null", only: drone.DialectV1, kind: drone.KindNothingTriggered,
			setup: func(t *testing.T, s *dronetest.Server) drone.Client {
				front := nullProxy(t, s, http.MethodPost, "/api/repos/octo/demo/builds")
				return newClient(t, s, func(c *drone.Config) { c.Server = front })
			},
			run: func(ctx context.Context, c drone.Client) error {
				_, err := c.CreateBuild(ctx, demo, drone.CreateOptions{})
				return err
			}},
		// 0.8 always answers a restart with a build: null there is a broken answer.
		{name: "restart answered null", only: drone.DialectV08, kind: drone.KindServer,
			setup: func(t *testing.T, s *dronetest.Server) drone.Client {
				front := nullProxy(t, s, http.MethodPost, "/api/repos/octo/demo/builds/1")
				return newClient(t, s, func(c *drone.Config) { c.Server = front })
			},
			run: func(ctx context.Context, c drone.Client) error {
				_, err := c.RestartBuild(ctx, demo, 1, nil)
				return err
			}},
		{name: "server down", kind: drone.KindUnreachable,
			setup: func(t *testing.T, s *dronetest.Server) drone.Client { s.SetDown(true); return newClient(t, s, noRetry) },
			run:   func(ctx context.Context, c drone.Client) error { _, err := c.Self(ctx); return err }},
		{name: "answer slower than the timeout", kind: drone.KindUnreachable,
			setup: func(t *testing.T, s *dronetest.Server) drone.Client {
				s.SetDelay(10 * clientTimeout)
				return newClient(t, s, noRetry)
			},
			run: func(ctx context.Context, c drone.Client) error { _, err := c.Self(ctx); return err }},
	}
	forEachDialect(t, func(t *testing.T, d drone.Dialect) {
		for _, tc := range cases {
			if tc.only != "" && tc.only != d {
				continue
			}
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				s := newFake(t, d)
				s.AddRepo("octo/secret", dronetest.RepoOptions{Private: true})
				s.AddBuild(demo, dronetest.BuildSpec{Status: drone.StatusSuccess})
				s.AddBuild(demo, blockedBuild())
				c := newClient(t, s)
				if tc.setup != nil {
					c = tc.setup(t, s)
				}
				err := tc.run(ctxOf(t), c)
				if e := wantKind(t, err, tc.kind, s.Token, wrongToken); e.Op == "" || e.Message == "" {
					t.Errorf("error without op or message: %+v", e)
				}
				if tc.after != nil {
					tc.after(t, s)
				}
			})
		}
	})
}

// TestFakeClientRetryRule: only GETs are retried, and only on 502/503/504 or
// no answer (Config.Retries defaults to 2 extra attempts).
func TestFakeClientRetryRule(t *testing.T) {
	getRepo := func(ctx context.Context, c drone.Client) error { _, err := c.Repo(ctx, demo); return err }
	forEachDialect(t, func(t *testing.T, d drone.Dialect) {
		for _, status := range []int{http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
			t.Run(fmt.Sprintf("GET %d twice then ok", status), func(t *testing.T) {
				t.Parallel()
				s := newFake(t, d)
				s.Fail(http.MethodGet, "/api/repos/octo/demo", status, 2)
				if err := getRepo(ctxOf(t), newClient(t, s)); err != nil {
					t.Fatalf("third attempt should succeed: %v", err)
				}
				if n := len(seen(s, http.MethodGet)); n != 3 {
					t.Errorf("the fake saw %d GETs, want 3", n)
				}
			})
		}
		cases := []struct {
			name   string
			method string
			fault  func(s *dronetest.Server)
			run    func(ctx context.Context, c drone.Client) error
			kind   drone.Kind
			want   int // requests of method the fake saw
		}{
			{"GET 500 not retried", http.MethodGet,
				func(s *dronetest.Server) { s.Fail(http.MethodGet, "/api/repos/octo/demo", 500, 1) },
				getRepo, drone.KindServer, 1},
			{"POST 503 attempted once", http.MethodPost,
				func(s *dronetest.Server) { s.Fail(http.MethodPost, "/api/repos/octo/demo/builds/1", 503, 1) },
				func(ctx context.Context, c drone.Client) error {
					_, err := c.RestartBuild(ctx, demo, 1, nil)
					return err
				},
				drone.KindUnreachable, 1},
			{"DELETE 503 attempted once", http.MethodDelete,
				func(s *dronetest.Server) { s.Fail(http.MethodDelete, "/api/repos/octo/demo", 503, 1) },
				func(ctx context.Context, c drone.Client) error { _, err := c.DisableRepo(ctx, demo); return err },
				drone.KindUnreachable, 1},
			// The client is fresh, so no pooled connection is replayed by net/http itself.
			{"GET with the server down retried", http.MethodGet,
				func(s *dronetest.Server) { s.SetDown(true) },
				getRepo, drone.KindUnreachable, 3},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				s := newFake(t, d)
				s.AddBuild(demo, dronetest.BuildSpec{Status: drone.StatusSuccess})
				tc.fault(s)
				err := tc.run(ctxOf(t), newClient(t, s))
				wantKind(t, err, tc.kind, s.Token)
				if n := len(seen(s, tc.method)); n != tc.want {
					t.Errorf("the fake saw %d %s requests, want %d", n, tc.method, tc.want)
				}
				s.SetDown(false)
				if _, ok := s.BuildSpec(demo, 2); ok {
					t.Error("a failed write created a build")
				}
				if r, err := newClient(t, s).Repo(ctxOf(t), demo); err != nil || !r.Active {
					t.Errorf("repository after the failure: %+v, %v", r, err)
				}
			})
		}
	})
}
