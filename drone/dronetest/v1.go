package dronetest

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/dronebot/dronebot/drone"
)

// Error texts of Drone 2.25, as recorded.
const (
	msgUnauthorized = "Unauthorized"
	msgNotFound     = "Not Found"
	msgNoRows       = "sql: no rows in result set"
)

// answer writes a response computed while the lock was held.
type answer func(w http.ResponseWriter)

func okJSONv1(v any) answer {
	return func(w http.ResponseWriter) { writeJSON(w, http.StatusOK, ctJSONv1, v) }
}

func errV1(status int, msg string) answer {
	return func(w http.ResponseWriter) { jsonError(w, status, msg) }
}

func noContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }

// locked runs fn under the server lock and writes its answer after.
func (s *Server) locked(fn func(r *http.Request) answer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		a := fn(r)
		s.mu.Unlock()
		a(w)
	}
}

func (s *Server) routesV1(mux *http.ServeMux) {
	const repo = "/api/repos/{owner}/{name}"
	mux.HandleFunc("GET /version", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, ctJSONv1, map[string]string{"version": versionV1})
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusOK, ctText, []byte("OK"))
	})
	mux.HandleFunc("GET /api/user", s.locked(s.v1User))
	mux.HandleFunc("GET /api/user/repos", s.locked(s.v1UserRepos))
	mux.HandleFunc("POST /api/user/repos", s.locked(s.v1Sync))
	mux.HandleFunc("GET /api/user/builds", s.locked(s.v1RecentBuilds))
	mux.HandleFunc("GET "+repo, s.locked(s.v1Repo))
	mux.HandleFunc("POST "+repo, s.locked(s.v1SetActive(true)))
	mux.HandleFunc("DELETE "+repo, s.locked(s.v1SetActive(false)))
	mux.HandleFunc("GET "+repo+"/builds", s.locked(s.v1Builds))
	mux.HandleFunc("POST "+repo+"/builds", s.v1Create)
	mux.HandleFunc("GET "+repo+"/builds/latest", s.locked(s.v1Latest))
	mux.HandleFunc("GET "+repo+"/builds/{number}", s.locked(s.v1Build))
	mux.HandleFunc("POST "+repo+"/builds/{number}", s.v1Restart)
	mux.HandleFunc("DELETE "+repo+"/builds/{number}", s.locked(s.v1Cancel))
	mux.HandleFunc("POST "+repo+"/builds/{number}/promote", s.v1Promote)
	mux.HandleFunc("POST "+repo+"/builds/{number}/approve/{stage}", s.locked(s.v1Gate(true)))
	mux.HandleFunc("POST "+repo+"/builds/{number}/decline/{stage}", s.locked(s.v1Gate(false)))
	mux.HandleFunc("POST "+repo+"/builds/{number}/decline", s.locked(s.v1DeclineBuild))
	mux.HandleFunc("GET "+repo+"/builds/{number}/logs/{stage}/{step}", s.locked(s.v1Log))
}

func (s *Server) v1User(r *http.Request) answer {
	if !s.tokenOK(r) {
		return errV1(http.StatusUnauthorized, msgUnauthorized)
	}
	return okJSONv1(s.userV1Locked())
}

// v1UserRepos lists every synced repository, active or not; ?latest=true
// embeds each one's newest build.
func (s *Server) v1UserRepos(r *http.Request) answer {
	if !s.tokenOK(r) {
		return errV1(http.StatusUnauthorized, msgUnauthorized)
	}
	latest := r.URL.Query().Get("latest") == "true"
	out := []*repoV1{}
	for _, repo := range s.visibleReposLocked(false) {
		rv := s.repoV1Locked(repo)
		if latest && len(repo.builds) > 0 {
			rv.Build = s.buildV1Locked(repo, repo.builds[len(repo.builds)-1], false)
		}
		out = append(out, rv)
	}
	return okJSONv1(out)
}

func (s *Server) v1Sync(r *http.Request) answer {
	if !s.tokenOK(r) {
		return errV1(http.StatusUnauthorized, msgUnauthorized)
	}
	s.syncLocked()
	return s.v1UserRepos(r)
}

// v1RecentBuilds is GET /api/user/builds: the 25 newest builds, each inside
// its repository.
func (s *Server) v1RecentBuilds(r *http.Request) answer {
	if !s.tokenOK(r) {
		return errV1(http.StatusUnauthorized, msgUnauthorized)
	}
	type pair struct {
		repo  *repoState
		build *buildState
	}
	var all []pair
	for _, repo := range s.visibleReposLocked(true) {
		for _, b := range repo.builds {
			all = append(all, pair{repo, b})
		}
	}
	slices.SortFunc(all, func(a, b pair) int { return int(b.build.id - a.build.id) })
	out := []*repoV1{}
	for _, p := range all[:min(len(all), 25)] {
		rv := s.repoV1Locked(p.repo)
		rv.Build = s.buildV1Locked(p.repo, p.build, false)
		out = append(out, rv)
	}
	return okJSONv1(out)
}

// repoV1 finds the repository of the request and checks access the way
// Drone's ACL does: unknown 404, private or write without token 401.
func (s *Server) repoV1(r *http.Request, write bool) (*repoState, answer) {
	repo := s.repos[r.PathValue("owner")+"/"+r.PathValue("name")]
	if repo == nil || !repo.synced {
		return nil, errV1(http.StatusNotFound, msgNotFound)
	}
	if (write || repo.opts.Private) && !s.tokenOK(r) {
		return nil, errV1(http.StatusUnauthorized, msgUnauthorized)
	}
	return repo, nil
}

// buildOfV1 also finds the build named by {number}: non-numeric 400, unknown 404.
func (s *Server) buildOfV1(r *http.Request, write bool) (*repoState, *buildState, answer) {
	repo, fail := s.repoV1(r, write)
	if fail != nil {
		return nil, nil, fail
	}
	n, err := strconv.ParseInt(r.PathValue("number"), 10, 64)
	if err != nil {
		return nil, nil, errV1(http.StatusBadRequest, err.Error())
	}
	_, b := s.findLocked(repo.slug(), n)
	if b == nil {
		return nil, nil, errV1(http.StatusNotFound, msgNoRows)
	}
	return repo, b, nil
}

func (s *Server) v1Repo(r *http.Request) answer {
	repo, fail := s.repoV1(r, false)
	if fail != nil {
		return fail
	}
	rv := s.repoV1Locked(repo)
	rv.Perms = &permsV1{Read: true}
	if s.tokenOK(r) {
		rv.Perms.Write, rv.Perms.Admin = true, true
	}
	return okJSONv1(rv)
}

func (s *Server) v1SetActive(active bool) func(r *http.Request) answer {
	return func(r *http.Request) answer {
		repo, fail := s.repoV1(r, true)
		if fail != nil {
			return fail
		}
		repo.active = active
		repo.everActive = repo.everActive || active
		return okJSONv1(s.repoV1Locked(repo))
	}
}

// v1Builds lists builds newest first: page (1-based), per_page (default 25,
// over 100 means 25), branch.
func (s *Server) v1Builds(r *http.Request) answer {
	repo, fail := s.repoV1(r, false)
	if fail != nil {
		return fail
	}
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	perPage, _ := strconv.Atoi(q.Get("per_page"))
	if page < 1 {
		page = 1
	}
	if perPage < 1 || perPage > 100 {
		perPage = 25
	}
	branch := q.Get("branch")
	var matched []*buildState
	for i := len(repo.builds) - 1; i >= 0; i-- {
		if b := repo.builds[i]; branch == "" || b.spec.Branch == branch {
			matched = append(matched, b)
		}
	}
	out := []*buildV1{}
	for i := (page - 1) * perPage; i < len(matched) && i < page*perPage; i++ {
		out = append(out, s.buildV1Locked(repo, matched[i], false))
	}
	return okJSONv1(out)
}

func (s *Server) v1Latest(r *http.Request) answer {
	repo, fail := s.repoV1(r, false)
	if fail != nil {
		return fail
	}
	branch := r.URL.Query().Get("branch")
	if ref := r.URL.Query().Get("ref"); branch == "" && ref != "" {
		branch = trimHeads(ref)
	}
	if branch == "" {
		branch = repo.opts.DefaultBranch
	}
	b := repo.headOf(branch, false)
	if b == nil {
		return errV1(http.StatusNotFound, msgNoRows)
	}
	return okJSONv1(s.buildV1Locked(repo, b, true))
}

func (s *Server) v1Build(r *http.Request) answer {
	repo, b, fail := s.buildOfV1(r, false)
	if fail != nil {
		return fail
	}
	return okJSONv1(s.buildV1Locked(repo, b, true))
}

// v1Cancel is DELETE builds/{n}: running steps end killed with exit code
// 130, steps not started are skipped; a finished build comes back unchanged.
func (s *Server) v1Cancel(r *http.Request) answer {
	repo, b, fail := s.buildOfV1(r, true)
	if fail != nil {
		return fail
	}
	if !b.spec.Status.Done() {
		spec := cloneSpec(b.spec)
		spec.Status, spec.Finished = drone.StatusKilled, s.now()
		for i := range spec.Stages {
			st := &spec.Stages[i]
			for j := range st.Steps {
				step := &st.Steps[j]
				switch {
				case step.Status == drone.StatusRunning:
					step.Status, step.ExitCode = drone.StatusKilled, 130
				case !step.Status.Done():
					step.Status, step.ExitCode = drone.StatusSkipped, 130
				}
			}
			if !st.Status.Done() {
				st.Status = drone.StatusKilled
			}
		}
		s.setSpecLocked(repo, b, spec)
	}
	return okJSONv1(s.buildV1Locked(repo, b, true))
}
