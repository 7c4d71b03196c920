package dronetest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/dronebot/dronebot/drone"
)

const msgUserNotAuthorized = "User not authorized"

func okJSONv08(status int, v any) answer {
	return func(w http.ResponseWriter) { writeJSON(w, status, ctJSONv08, v) }
}

func textV08(status int, msg string) answer {
	return func(w http.ResponseWriter) { textError(w, status, msg) }
}

func emptyV08(status int) answer {
	return func(w http.ResponseWriter) { emptyError(w, status) }
}

// noContentV08: 0.8 answers 204 through c.String, so a Content-Type comes along.
func noContentV08(w http.ResponseWriter) {
	w.Header().Set("Content-Type", ctText)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) routesV08(mux *http.ServeMux) {
	const repo = "/api/repos/{owner}/{name}"
	mux.HandleFunc("GET /version", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, ctJSONv08, struct {
			Source  string `json:"source"`
			Version string `json:"version"`
		}{"https://github.com/drone/drone", versionV08})
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, http.StatusOK, ctText, nil)
	})
	mux.HandleFunc("GET /api/user", s.locked(s.v08User))
	mux.HandleFunc("GET /api/user/repos", s.locked(s.v08UserRepos))
	mux.HandleFunc("GET /api/user/feed", s.locked(s.v08Feed))
	mux.HandleFunc("GET "+repo, s.locked(s.v08Repo))
	mux.HandleFunc("POST "+repo, s.locked(s.v08Activate))
	mux.HandleFunc("DELETE "+repo, s.locked(s.v08Deactivate))
	mux.HandleFunc("GET "+repo+"/builds", s.locked(s.v08Builds))
	mux.HandleFunc("GET "+repo+"/builds/latest", s.locked(s.v08Latest))
	mux.HandleFunc("GET "+repo+"/builds/{number}", s.locked(s.v08Build))
	mux.HandleFunc("POST "+repo+"/builds/{number}", s.v08Restart)
	mux.HandleFunc("DELETE "+repo+"/builds/{number}", s.locked(s.v08ZombieKill))
	mux.HandleFunc("DELETE "+repo+"/builds/{number}/{pid}", s.locked(s.v08Cancel))
	mux.HandleFunc("POST "+repo+"/builds/{number}/approve", s.locked(s.v08Gate(true)))
	mux.HandleFunc("POST "+repo+"/builds/{number}/decline", s.locked(s.v08Gate(false)))
	mux.HandleFunc("GET "+repo+"/logs/{number}/{pid}", s.locked(s.v08Log))
}

func (s *Server) v08User(r *http.Request) answer {
	if !s.tokenOK(r) {
		return textV08(http.StatusUnauthorized, msgUserNotAuthorized)
	}
	return okJSONv08(http.StatusOK, s.userV08Locked())
}

// v08UserRepos lists active repositories; ?all=true adds inactive ones and
// ?flush=true syncs with the forge first.
func (s *Server) v08UserRepos(r *http.Request) answer {
	if !s.tokenOK(r) {
		return textV08(http.StatusUnauthorized, msgUserNotAuthorized)
	}
	q := r.URL.Query()
	if q.Get("flush") == "true" {
		s.syncLocked()
	}
	out := []*repoV08{}
	for _, repo := range s.visibleReposLocked(q.Get("all") != "true") {
		out = append(out, s.repoV08Locked(repo))
	}
	return okJSONv08(http.StatusOK, out)
}

// v08Feed is the last 50 builds of active repositories, newest first; with
// ?latest=true one entry per active repository, by name.
func (s *Server) v08Feed(r *http.Request) answer {
	if !s.tokenOK(r) {
		return textV08(http.StatusUnauthorized, msgUserNotAuthorized)
	}
	out := []feedV08{}
	repos := s.visibleReposLocked(true)
	if r.URL.Query().Get("latest") == "true" {
		for _, repo := range repos {
			var last *buildState
			if len(repo.builds) > 0 {
				last = repo.builds[len(repo.builds)-1]
			}
			out = append(out, s.feedV08Locked(repo, last))
		}
		return okJSONv08(http.StatusOK, out)
	}
	type pair struct {
		repo  *repoState
		build *buildState
	}
	var all []pair
	for _, repo := range repos {
		for _, b := range repo.builds {
			all = append(all, pair{repo, b})
		}
	}
	slices.SortFunc(all, func(a, b pair) int { return int(b.build.id - a.build.id) })
	for _, p := range all[:min(len(all), 50)] {
		out = append(out, s.feedV08Locked(p.repo, p.build))
	}
	return okJSONv08(http.StatusOK, out)
}

// repoV08 finds the repository and checks access like 0.8's session
// middleware: unknown 404 (401 for a guest), private without token 401, both
// with empty bodies. need says what a write needs: push (empty 401) or
// admin (401 "User not authorized").
func (s *Server) repoV08(r *http.Request, need perm) (*repoState, answer) {
	authed := s.tokenOK(r)
	repo := s.repos[r.PathValue("owner")+"/"+r.PathValue("name")]
	if repo == nil || !repo.synced {
		if !authed {
			return nil, emptyV08(http.StatusUnauthorized)
		}
		return nil, emptyV08(http.StatusNotFound)
	}
	switch {
	case authed:
		return repo, nil
	case need == permAdmin:
		return nil, textV08(http.StatusUnauthorized, msgUserNotAuthorized)
	case need == permPush || repo.opts.Private:
		return nil, emptyV08(http.StatusUnauthorized)
	}
	return repo, nil
}

type perm int

const (
	permPull perm = iota
	permPush
	permAdmin
)

// buildOfV08 also finds the build: non-numeric 400 and unknown 500 (as
// GET build answers; write routes use 404), both with empty bodies.
func (s *Server) buildOfV08(r *http.Request, need perm, unknown int) (*repoState, *buildState, answer) {
	repo, fail := s.repoV08(r, need)
	if fail != nil {
		return nil, nil, fail
	}
	n, err := strconv.ParseInt(r.PathValue("number"), 10, 64)
	if err != nil {
		return nil, nil, emptyV08(http.StatusBadRequest)
	}
	_, b := s.findLocked(repo.slug(), n)
	if b == nil {
		return nil, nil, emptyV08(unknown)
	}
	return repo, b, nil
}

func (s *Server) v08Repo(r *http.Request) answer {
	repo, fail := s.repoV08(r, permPull)
	if fail != nil {
		return fail
	}
	return okJSONv08(http.StatusOK, s.repoV08Locked(repo))
}

func (s *Server) v08Activate(r *http.Request) answer {
	repo, fail := s.repoV08(r, permAdmin)
	if fail != nil {
		return fail
	}
	if repo.active {
		return textV08(http.StatusConflict, "Repository is already active.")
	}
	repo.active, repo.everActive = true, true
	return okJSONv08(http.StatusOK, s.repoV08Locked(repo))
}

func (s *Server) v08Deactivate(r *http.Request) answer {
	repo, fail := s.repoV08(r, permAdmin)
	if fail != nil {
		return fail
	}
	repo.active = false
	return okJSONv08(http.StatusOK, s.repoV08Locked(repo))
}

// v08Builds lists builds newest first, 50 a page (?page=N, since 0.8.5).
func (s *Server) v08Builds(r *http.Request) answer {
	repo, fail := s.repoV08(r, permPull)
	if fail != nil {
		return fail
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	out := []*buildV08{}
	for i := len(repo.builds) - 1 - (page-1)*50; i >= 0 && len(out) < 50; i-- {
		out = append(out, s.buildV08Locked(repo, repo.builds[i], false, false))
	}
	return okJSONv08(http.StatusOK, out)
}

func (s *Server) v08Latest(r *http.Request) answer {
	repo, fail := s.repoV08(r, permPull)
	if fail != nil {
		return fail
	}
	branch := r.URL.Query().Get("branch")
	if branch == "" {
		branch = repo.opts.DefaultBranch
	}
	b := repo.headOf(branch, true)
	if b == nil {
		return textV08(http.StatusInternalServerError, msgNoRows)
	}
	return okJSONv08(http.StatusOK, s.buildV08Locked(repo, b, true, true))
}

func (s *Server) v08Build(r *http.Request) answer {
	repo, b, fail := s.buildOfV08(r, permPull, http.StatusInternalServerError)
	if fail != nil {
		return fail
	}
	return okJSONv08(http.StatusOK, s.buildV08Locked(repo, b, true, true))
}

// v08Restart is POST builds/{n}[?KEY=VAL]: 202 with a new pending build whose
// procs come as a flat list. event=deployment&deploy_to=ENV makes it a
// deployment (promote).
func (s *Server) v08Restart(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	repo, parent, fail := s.buildOfV08(r, permPush, http.StatusNotFound)
	if fail == nil && (parent.spec.Status == drone.StatusBlocked || parent.spec.Status == drone.StatusDeclined) {
		fail = textV08(http.StatusInternalServerError, fmt.Sprintf("cannot restart a build with status %s", parent.spec.Status))
	}
	if fail != nil {
		s.mu.Unlock()
		fail(w)
		return
	}
	spec := childOf(parent)
	spec.Link = parent.spec.Link
	spec.Params = queryParams(r, "fork", "event", "deploy_to")
	if q := r.URL.Query(); q.Get("event") == "deployment" {
		spec.Event, spec.DeployTo = drone.EventPromote, q.Get("deploy_to")
	}
	for _, st := range parent.spec.Stages {
		fresh := StageSpec{Name: st.Name, Type: st.Type, Status: drone.StatusPending}
		for _, step := range st.Steps {
			fresh.Steps = append(fresh.Steps, StepSpec{Name: step.Name, Status: drone.StatusPending})
		}
		spec.Stages = append(spec.Stages, fresh)
	}
	b := s.insertBuildLocked(repo, spec, s.Login, false)
	slug, number := repo.slug(), b.num
	s.mu.Unlock()

	s.runCreateHook(slug, number)
	s.mu.Lock()
	repo, b = s.findLocked(slug, number)
	a := okJSONv08(http.StatusAccepted, s.buildV08Locked(repo, b, true, false))
	s.mu.Unlock()
	a(w)
}
