// Package dronetest is an in-process fake Drone server for tests and the demo.
//
// It speaks either Drone 1.x/2.x (recorded from 2.25.0) or Drone 0.8 (recorded
// from 0.8.10) and answers with the JSON shapes, field order, status codes,
// Content-Types and error bodies of the real servers, as recorded in the
// project's fixtures. State lives in memory: repositories and builds are
// added with AddRepo and AddBuild and changed with UpdateBuild.
package dronetest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/dronebot/dronebot/drone"
)

// Versions the fake reports, as the recorded servers did.
const (
	versionV1  = "2.25.0"
	versionV08 = "0.8.9"
	versionWP  = "3.17.0"
)

// Server is a fake Drone server listening on 127.0.0.1.
type Server struct {
	URL   string // base URL, e.g. http://127.0.0.1:41234
	Token string // the accepted API token
	Login string // the token's user (set before the first request)
	Email string // the user's e-mail (Woodpecker shows it; default Login@example.com)

	dialect drone.Dialect
	httpSrv *httptest.Server

	mu       sync.Mutex
	now      func() time.Time
	forgeURL string
	oss      bool
	repos    map[string]*repoState // by slug
	seq      idSeq
	onCreate func(slug string, number int64, b *BuildSpec)
	faults   []*fault
	delay    time.Duration
	down     bool
	requests []Request
	wp       wpServer // Woodpecker's own state
}

// idSeq hands out database ids the way the real servers' tables do.
type idSeq struct{ repo, build, stage, step, proc, logLine int64 }

// RepoOptions describe a repository when it is added.
type RepoOptions struct {
	Private       bool
	Inactive      bool
	DefaultBranch string   // default "main"
	Branches      []string // further branches the forge knows (create accepts them)
	// Unsynced hides the repository until a sync (1.x POST /api/user/repos,
	// 0.8 ?flush=true), like a repository created on the forge after the
	// last sync.
	Unsynced bool
	// AllowDeploy lets Woodpecker deploy (promote) its pipelines; off by
	// default, as after activation.
	AllowDeploy bool
}

// New starts a fake server for dialect (drone.DialectV1, drone.DialectV08
// or drone.DialectWoodpecker). Anything else, including DialectAuto, means
// DialectV1.
func New(dialect drone.Dialect) *Server {
	if dialect != drone.DialectV08 && dialect != drone.DialectWoodpecker {
		dialect = drone.DialectV1
	}
	s := &Server{
		Token:    "fake-drone-token-0123456789abcdef",
		Login:    "octo",
		dialect:  dialect,
		now:      time.Now,
		forgeURL: "https://git.example.com",
		repos:    map[string]*repoState{},
	}
	s.Email = s.Login + "@example.com"
	s.wp.init()
	mux := http.NewServeMux()
	switch dialect {
	case drone.DialectV08:
		s.routesV08(mux)
	case drone.DialectWoodpecker:
		s.routesWoodpecker(mux)
	default:
		s.routesV1(mux)
	}
	s.httpSrv = httptest.NewServer(s.middleware(mux))
	s.URL = s.httpSrv.URL
	return s
}

// Close shuts the server down, dropping open connections.
func (s *Server) Close() {
	s.closeStreams()
	s.httpSrv.CloseClientConnections()
	s.httpSrv.Close()
}

// Dialect is the API generation the server speaks.
func (s *Server) Dialect() drone.Dialect { return s.dialect }

// SetNow sets the clock used for created/started/finished stamps.
func (s *Server) SetNow(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// SetForgeURL sets the forge base URL used in repository, avatar and commit
// links (default https://git.example.com; nothing ever fetches it).
func (s *Server) SetForgeURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forgeURL = strings.TrimRight(u, "/")
}

// SetOSS makes the 1.x server behave like an open-source build: promote
// answers 501 {"message":"Not Implemented"}.
func (s *Server) SetOSS(oss bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oss = oss
}

// AddRepo adds (or replaces the options of) the repository slug "owner/name".
func (s *Server) AddRepo(slug string, opts RepoOptions) {
	owner, name, _ := strings.Cut(slug, "/")
	if opts.DefaultBranch == "" {
		opts.DefaultBranch = "main"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.repos[slug]; ok {
		r.opts = opts
		r.active = !opts.Inactive
		r.synced = !opts.Unsynced
		r.allowDeploy = opts.AllowDeploy
		return
	}
	s.seq.repo++
	now := s.now()
	r := &repoState{
		id: s.seq.repo, owner: owner, name: name, opts: opts,
		active: !opts.Inactive, everActive: !opts.Inactive, synced: !opts.Unsynced,
		created: now, allowDeploy: opts.AllowDeploy, requireApproval: "forks",
	}
	s.repos[slug] = r
}

// OnCreate decides what POST create/restart/promote produce: fn receives the
// new build (pending; on 1.x without stages, as the real server answers) and
// may change it in place or schedule changes with UpdateBuild later. The
// answer to the request shows the build as fn left it. Default: it stays
// pending.
func (s *Server) OnCreate(fn func(slug string, number int64, b *BuildSpec)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onCreate = fn
}

// tokenOK reports whether the request carries the server's token, in any of
// the places Drone accepts it.
func (s *Server) tokenOK(r *http.Request) bool {
	auth := strings.TrimSpace(r.Header.Get("Authorization"))
	if auth != "" {
		return strings.TrimPrefix(auth, "Bearer ") == s.Token
	}
	return r.URL.Query().Get("access_token") == s.Token
}

// forgeLink is the forge URL of a repository path.
func (s *Server) forgeLink(parts ...string) string {
	return s.forgeURL + "/" + strings.Join(parts, "/")
}

// avatar is the forge avatar of the token's user.
func (s *Server) avatar() string { return s.forgeURL + "/avatars/1" }
