package dronetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dronebot/dronebot/drone"
)

// The Woodpecker 3.17 routes, recorded from a real server (see
// testdata/woodpecker-3.17). Repositories are addressed by their numeric
// id; the fake's repository id doubles as the forge's id. Errors are
// text/plain or, mostly, empty.

const (
	ctJSONwp = "application/json; charset=utf-8"
	// wpWorkers is how many workflows the fake's one pretend agent takes.
	wpWorkers = 2
)

// wpServer is the state only the Woodpecker dialect has.
type wpServer struct {
	paused      bool   // the queue is paused: nothing would start
	session     string // the user_sess cookie of the web UI
	csrf        string // the X-CSRF-TOKEN that must come with the cookie
	forgeClient string // the forge's OAuth client id, public by design
	rotations   int
	subs        map[*wpSub]struct{}
	changed     chan struct{} // closed and replaced on every change
}

func (w *wpServer) init() {
	w.session = "dronetest-session-cookie"
	w.csrf = "dronetest-csrf-token"
	w.forgeClient = "dronetest-oauth-client"
	w.subs = map[*wpSub]struct{}{}
	w.changed = make(chan struct{})
}

// WoodpeckerSession returns the web UI's session cookie value (user_sess)
// and the CSRF token a non-GET request with that cookie must carry.
func (s *Server) WoodpeckerSession() (cookie, csrf string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.wp.session, s.wp.csrf
}

// SetForgeClientID sets the forge's OAuth client id that GET /api/forges shows.
func (s *Server) SetForgeClientID(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wp.forgeClient = id
}

func okWP(status int, v any) answer {
	body, err := json.Marshal(v)
	if err != nil {
		return emptyV08(http.StatusInternalServerError)
	}
	return func(w http.ResponseWriter) { writeRaw(w, status, ctJSONwp, body) }
}

func (s *Server) routesWoodpecker(root *http.ServeMux) {
	// The lookup's wildcard would clash with the id routes in one mux.
	root.HandleFunc("GET /api/repos/lookup/{full...}", s.locked(s.wpLookup))
	mux := http.NewServeMux()
	root.Handle("/", mux)
	const repo = "/api/repos/{id}"
	const pipeline = repo + "/pipelines/{number}"
	mux.HandleFunc("GET /version", func(w http.ResponseWriter, r *http.Request) {
		okWP(http.StatusOK, struct {
			Source  string `json:"source"`
			Version string `json:"version"`
		}{"https://github.com/woodpecker-ci/woodpecker", versionWP})(w)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("GET /api/user", s.locked(s.wpUser))
	mux.HandleFunc("POST /api/user/token", s.locked(s.wpToken(false)))
	mux.HandleFunc("DELETE /api/user/token", s.locked(s.wpToken(true)))
	mux.HandleFunc("GET /api/user/repos", s.locked(s.wpUserRepos))
	mux.HandleFunc("GET /api/user/feed", s.locked(s.wpFeed))
	mux.HandleFunc("GET /api/forges", s.locked(s.wpForges))
	mux.HandleFunc("GET /api/queue/info", s.locked(s.wpQueueInfo))
	mux.HandleFunc("POST /api/queue/pause", s.locked(s.wpQueuePause(true)))
	mux.HandleFunc("POST /api/queue/resume", s.locked(s.wpQueuePause(false)))
	mux.HandleFunc("GET /api/pipelines", s.locked(s.wpRunningPipelines))
	mux.HandleFunc("POST /api/repos", s.locked(s.wpActivate))
	mux.HandleFunc("GET "+repo, s.locked(s.wpRepoGet))
	mux.HandleFunc("PATCH "+repo, s.locked(s.wpRepoPatch))
	mux.HandleFunc("DELETE "+repo, s.locked(s.wpRepoDelete))
	mux.HandleFunc("GET "+repo+"/permissions", s.locked(s.wpPermissions))
	mux.HandleFunc("GET "+repo+"/branches", s.locked(s.wpBranches))
	mux.HandleFunc("GET "+repo+"/pull_requests", s.locked(s.wpPullRequests))
	mux.HandleFunc("GET "+repo+"/pipelines", s.locked(s.wpPipelines))
	mux.HandleFunc("POST "+repo+"/pipelines", s.wpCreate)
	mux.HandleFunc("GET "+repo+"/pipelines/latest", s.locked(s.wpLatest))
	mux.HandleFunc("GET "+pipeline, s.locked(s.wpPipeline))
	mux.HandleFunc("POST "+pipeline, s.wpRestart)
	mux.HandleFunc("GET "+pipeline+"/config", s.locked(s.wpConfig))
	mux.HandleFunc("POST "+pipeline+"/cancel", s.locked(s.wpCancel))
	mux.HandleFunc("POST "+pipeline+"/approve", s.locked(s.wpGate(true)))
	mux.HandleFunc("POST "+pipeline+"/decline", s.locked(s.wpGate(false)))
	mux.HandleFunc("GET "+repo+"/logs/{number}/{step}", s.locked(s.wpLog))
	mux.HandleFunc("GET /api/badges/{id}/status.svg", s.locked(s.wpBadge))
	mux.HandleFunc("GET /api/badges/{owner}/{name}/status.svg", s.locked(s.wpBadge))
	mux.HandleFunc("GET /api/stream/events", s.wpEvents)
	mux.HandleFunc("GET /api/stream/logs/{id}/{number}/{step}", s.wpLogStream)
}

// wpAuthed reports whether the request acts as the user: a bearer token
// (exactly "Bearer"), ?access_token=, or the session cookie, which needs
// the CSRF header on anything but GET. Anything else is anonymous.
func (s *Server) wpAuthed(r *http.Request) bool {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && tok == s.Token {
		return true
	}
	if r.URL.Query().Get("access_token") == s.Token {
		return true
	}
	if c, err := r.Cookie("user_sess"); err == nil && c.Value == s.wp.session {
		return r.Method == http.MethodGet || r.Header.Get("X-CSRF-TOKEN") == s.wp.csrf
	}
	return false
}

// wpMustUser answers the /api/user* routes' refusal, nil for the user.
func (s *Server) wpMustUser(r *http.Request) answer {
	if s.wpAuthed(r) {
		return nil
	}
	if _, err := r.Cookie("user_sess"); err == nil {
		return emptyV08(http.StatusUnauthorized) // a session without its CSRF token
	}
	return textV08(http.StatusUnauthorized, msgUserNotAuthorized)
}

func (s *Server) wpUser(r *http.Request) answer {
	if fail := s.wpMustUser(r); fail != nil {
		return fail
	}
	return okWP(http.StatusOK, s.userWPLocked())
}

// wpToken answers the user's API token; rotate gives the user a new one,
// which revokes the old.
func (s *Server) wpToken(rotate bool) func(r *http.Request) answer {
	return func(r *http.Request) answer {
		if fail := s.wpMustUser(r); fail != nil {
			return fail
		}
		if rotate {
			s.wp.rotations++
			s.Token = fmt.Sprintf("fake-woodpecker-token-%d-%s", s.wp.rotations, fakeSHA(s.Token)[:16])
		}
		return textV08(http.StatusOK, s.Token)
	}
}

// wpRepos are the repositories Woodpecker has rows for, in slug order.
func (s *Server) wpReposLocked() []*repoState {
	var out []*repoState
	for _, r := range s.visibleReposLocked(false) {
		if r.everActive && !r.removed {
			out = append(out, r)
		}
	}
	return out
}

// wpUserRepos lists the active repositories with their last pipeline, or
// with ?all=true every forge repository, activated or not. ?name= keeps
// the one with exactly that name.
func (s *Server) wpUserRepos(r *http.Request) answer {
	if fail := s.wpMustUser(r); fail != nil {
		return fail
	}
	q := r.URL.Query()
	out := []*repoWP{}
	if q.Get("all") == "true" {
		for _, repo := range s.visibleReposLocked(false) {
			rw := s.repoWPLocked(repo)
			if repo.removed {
				rw = s.repoWPLocked(&repoState{id: repo.id, owner: repo.owner, name: repo.name, opts: repo.opts})
			}
			out = append(out, rw)
		}
		return okWP(http.StatusOK, out)
	}
	for _, repo := range s.wpReposLocked() {
		if !repo.active || (q.Has("name") && repo.name != q.Get("name")) {
			continue
		}
		rw := s.repoWPLocked(repo)
		if n := len(repo.builds); n > 0 {
			rw.LastPipeline = s.pipelineWPLocked(repo, repo.builds[n-1], false)
		}
		out = append(out, rw)
	}
	return okWP(http.StatusOK, out)
}

// wpFeed is the newest 50 pipelines of the active repositories, newest
// first (null when there are none); ?latest=true gives one entry per
// active repository.
func (s *Server) wpFeed(r *http.Request) answer {
	if fail := s.wpMustUser(r); fail != nil {
		return fail
	}
	var repos []*repoState
	for _, repo := range s.wpReposLocked() {
		if repo.active {
			repos = append(repos, repo)
		}
	}
	var out []feedWP
	if r.URL.Query().Get("latest") == "true" {
		slices.SortStableFunc(repos, func(a, b *repoState) int { return int(lastID(b) - lastID(a)) })
		for _, repo := range repos {
			var last *buildState
			if n := len(repo.builds); n > 0 {
				last = repo.builds[n-1]
			}
			out = append(out, s.feedWPLocked(repo, last))
		}
		return okWP(http.StatusOK, out)
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
	for _, p := range all[:min(len(all), drone.FeedLimit)] {
		out = append(out, s.feedWPLocked(p.repo, p.build))
	}
	return okWP(http.StatusOK, out)
}

func lastID(r *repoState) int64 {
	if n := len(r.builds); n > 0 {
		return r.builds[n-1].id
	}
	return 0
}

func (s *Server) wpForges(*http.Request) answer {
	type forge struct {
		ID     int64  `json:"id"`
		Type   string `json:"type"`
		URL    string `json:"url"`
		Client string `json:"client"`
	}
	return okWP(http.StatusOK, []forge{{ID: 1, Type: "gitea", URL: s.forgeURL, Client: s.wp.forgeClient}})
}

// wpRepoByID finds a repository by the {id} path value and checks access:
// non-numeric 400, unknown 404 (401 for a guest), private without the
// user 401, all with empty bodies. A guest may read public repositories.
func (s *Server) wpRepoByID(r *http.Request, write bool) (*repoState, answer) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, emptyV08(http.StatusBadRequest)
	}
	authed := s.wpAuthed(r)
	var repo *repoState
	for _, c := range s.wpReposLocked() {
		if c.id == id {
			repo = c
		}
	}
	switch {
	case repo == nil && authed:
		return nil, emptyV08(http.StatusNotFound)
	case repo == nil, !authed && (write || repo.opts.Private):
		return nil, emptyV08(http.StatusUnauthorized)
	}
	return repo, nil
}

// wpPipelineOf also finds the pipeline {number}: non-numeric 400, unknown
// 404, empty bodies.
func (s *Server) wpPipelineOf(r *http.Request, write bool) (*repoState, *buildState, answer) {
	repo, fail := s.wpRepoByID(r, write)
	if fail != nil {
		return nil, nil, fail
	}
	n, err := strconv.ParseInt(r.PathValue("number"), 10, 64)
	if err != nil {
		return nil, nil, emptyV08(http.StatusBadRequest)
	}
	_, b := s.findLocked(repo.slug(), n)
	if b == nil {
		return nil, nil, emptyV08(http.StatusNotFound)
	}
	return repo, b, nil
}

func (s *Server) wpLookup(r *http.Request) answer {
	repo := s.repos[r.PathValue("full")]
	authed := s.wpAuthed(r)
	switch {
	case (repo == nil || !repo.everActive || repo.removed) && authed:
		return emptyV08(http.StatusNotFound)
	case repo == nil || !repo.everActive || repo.removed, !authed && repo.opts.Private:
		return emptyV08(http.StatusUnauthorized)
	}
	return okWP(http.StatusOK, s.repoWPLocked(repo))
}

func (s *Server) wpActivate(r *http.Request) answer {
	if fail := s.wpMustUser(r); fail != nil {
		return fail
	}
	remote := r.URL.Query().Get("forge_remote_id")
	if remote == "" {
		return textV08(http.StatusBadRequest, "No forge_remote_id provided")
	}
	var repo *repoState
	for _, c := range s.repos {
		if itoa(c.id) == remote {
			repo = c
		}
	}
	if repo == nil {
		return textV08(http.StatusInternalServerError, "Could not fetch repository from forge.")
	}
	if repo.active && repo.everActive && !repo.removed {
		return textV08(http.StatusConflict, "Repository is already active.")
	}
	if repo.removed {
		repo.removed, repo.builds = false, nil
	}
	repo.active, repo.everActive, repo.synced = true, true, true
	return okWP(http.StatusOK, s.repoWPLocked(repo))
}

func (s *Server) wpRepoGet(r *http.Request) answer {
	repo, fail := s.wpRepoByID(r, false)
	if fail != nil {
		return fail
	}
	return okWP(http.StatusOK, s.repoWPLocked(repo))
}

// wpRepoPatch changes settings: require_approval (none, forks,
// pull_requests or all_events) and allow_deploy.
func (s *Server) wpRepoPatch(r *http.Request) answer {
	repo, fail := s.wpRepoByID(r, true)
	if fail != nil {
		return fail
	}
	var patch struct {
		RequireApproval *string `json:"require_approval"`
		AllowDeploy     *bool   `json:"allow_deploy"`
	}
	if err := json.NewDecoder(r.Body).Decode(&patch); err != nil {
		return emptyV08(http.StatusBadRequest)
	}
	if ra := patch.RequireApproval; ra != nil {
		if !slices.Contains([]string{"none", "forks", "pull_requests", "all_events"}, *ra) {
			return textV08(http.StatusBadRequest, "Invalid require-approval setting")
		}
		repo.requireApproval = *ra
	}
	if patch.AllowDeploy != nil {
		repo.allowDeploy = *patch.AllowDeploy
	}
	return okWP(http.StatusOK, s.repoWPLocked(repo))
}

// wpRepoDelete deactivates (again is fine); ?remove=true deletes for good.
func (s *Server) wpRepoDelete(r *http.Request) answer {
	repo, fail := s.wpRepoByID(r, true)
	if fail != nil {
		return fail
	}
	repo.active = false
	a := okWP(http.StatusOK, s.repoWPLocked(repo))
	if r.URL.Query().Get("remove") == "true" {
		repo.removed = true
	}
	return a
}

func (s *Server) wpPermissions(r *http.Request) answer {
	repo, fail := s.wpRepoByID(r, false)
	if fail != nil {
		return fail
	}
	authed, t := s.wpAuthed(r), unix(repo.created)
	return okWP(http.StatusOK, permWP{Pull: true, Push: authed, Admin: authed, Synced: t, Created: t, Updated: t})
}

func (s *Server) wpBranches(r *http.Request) answer {
	repo, fail := s.wpRepoByID(r, false)
	if fail != nil {
		return fail
	}
	out := append([]string{repo.opts.DefaultBranch}, repo.opts.Branches...)
	for _, b := range repo.builds {
		out = append(out, b.spec.Branch) // pushed, so the forge has it
	}
	slices.Sort(out)
	return okWP(http.StatusOK, slices.Compact(out))
}

// wpPullRequests lists the pull requests that have pipelines.
func (s *Server) wpPullRequests(r *http.Request) answer {
	repo, fail := s.wpRepoByID(r, false)
	if fail != nil {
		return fail
	}
	type pr struct {
		Index string `json:"index"`
		Title string `json:"title"`
	}
	out := []pr{}
	seen := map[string]bool{}
	for i := len(repo.builds) - 1; i >= 0; i-- {
		b := repo.builds[i]
		if b.spec.Event != drone.EventPullRequest {
			continue
		}
		idx := strings.TrimSuffix(strings.TrimPrefix(refWP(b.spec, b.num), "refs/pull/"), "/head")
		if !seen[idx] {
			seen[idx] = true
			out = append(out, pr{Index: idx, Title: b.spec.Title})
		}
	}
	return okWP(http.StatusOK, out)
}

var (
	wpEvents   = []string{"push", "pull_request", "pull_request_closed", "pull_request_metadata", "tag", "release", "deployment", "cron", "manual"}
	wpStatuses = []string{"pending", "running", "success", "failure", "killed", "canceled", "error", "blocked", "declined", "skipped", "created"}
)

// wpPipelines lists pipelines newest first, without workflows: page,
// perPage (at most 50), branch, event (a comma list), status, ref
// (substring), before and after (RFC3339, against created). An invalid
// filter is 400 with an empty body.
func (s *Server) wpPipelines(r *http.Request) answer {
	repo, fail := s.wpRepoByID(r, false)
	if fail != nil {
		return fail
	}
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	perPage, _ := strconv.Atoi(q.Get("perPage"))
	page = max(page, 1)
	if perPage <= 0 || perPage > 50 {
		perPage = 50
	}
	var events []string
	if e := q.Get("event"); e != "" {
		events = strings.Split(e, ",")
		for _, ev := range events {
			if !slices.Contains(wpEvents, ev) {
				return emptyV08(http.StatusBadRequest)
			}
		}
	}
	status := q.Get("status")
	if status != "" && !slices.Contains(wpStatuses, status) {
		return emptyV08(http.StatusBadRequest)
	}
	var before, after time.Time
	for key, t := range map[string]*time.Time{"before": &before, "after": &after} {
		if v := q.Get(key); v != "" {
			parsed, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return emptyV08(http.StatusBadRequest)
			}
			*t = parsed
		}
	}
	var match []*buildState
	for i := len(repo.builds) - 1; i >= 0; i-- {
		b := repo.builds[i]
		sp := b.spec
		switch {
		case q.Get("branch") != "" && sp.Branch != q.Get("branch"),
			events != nil && !slices.Contains(events, wpEvent(sp.Event)),
			status != "" && string(sp.Status) != status,
			q.Get("ref") != "" && !strings.Contains(refWP(sp, b.num), q.Get("ref")),
			!before.IsZero() && !sp.Created.Before(before),
			!after.IsZero() && !sp.Created.After(after):
			continue
		}
		match = append(match, b)
	}
	out := []*pipelineWP{}
	for i := (page - 1) * perPage; i < len(match) && len(out) < perPage; i++ {
		out = append(out, s.pipelineWPLocked(repo, match[i], false))
	}
	return okWP(http.StatusOK, out)
}

func (s *Server) wpPipeline(r *http.Request) answer {
	repo, b, fail := s.wpPipelineOf(r, false)
	if fail != nil {
		return fail
	}
	return okWP(http.StatusOK, s.pipelineWPLocked(repo, b, true))
}

// wpLatest is the newest push pipeline of ?branch= (default: the default
// branch); other events do not count.
func (s *Server) wpLatest(r *http.Request) answer {
	repo, fail := s.wpRepoByID(r, false)
	if fail != nil {
		return fail
	}
	branch := r.URL.Query().Get("branch")
	if branch == "" {
		branch = repo.opts.DefaultBranch
	}
	for i := len(repo.builds) - 1; i >= 0; i-- {
		if b := repo.builds[i]; b.spec.Branch == branch && b.spec.Event == drone.EventPush {
			return okWP(http.StatusOK, s.pipelineWPLocked(repo, b, true))
		}
	}
	return emptyV08(http.StatusNotFound)
}

func (s *Server) wpConfig(r *http.Request) answer {
	_, b, fail := s.wpPipelineOf(r, false)
	if fail != nil {
		return fail
	}
	return okWP(http.StatusOK, configWPOf(b.spec))
}

// freshStages copies stages as a new run of them: everything pending, no logs.
func freshStages(stages []StageSpec) []StageSpec {
	var out []StageSpec
	for _, st := range stages {
		fresh := StageSpec{Name: st.Name, Type: st.Type, Config: st.Config, Status: drone.StatusPending}
		for _, step := range st.Steps {
			fresh.Steps = append(fresh.Steps, StepSpec{Name: step.Name, Type: step.Type, Status: drone.StatusPending})
		}
		out = append(out, fresh)
	}
	return out
}

// configOf is what a new pipeline of repo runs: the workflows of its newest
// pipeline other than a deployment; nil when it has none (no config).
func configOf(repo *repoState) []StageSpec {
	for i := len(repo.builds) - 1; i >= 0; i-- {
		if sp := repo.builds[i].spec; len(sp.Stages) > 0 && sp.Event != drone.EventPromote {
			return freshStages(sp.Stages)
		}
	}
	return nil
}

// wpInsertLocked adds a pipeline made through the API; init sets what only
// Woodpecker shows before the spec is stored.
func (s *Server) wpInsertLocked(r *repoState, spec BuildSpec, init func(*wpBuild)) *buildState {
	s.seq.build++
	b := &buildState{id: s.seq.build, num: int64(len(r.builds)) + 1, trigger: s.Login, viaAPI: true}
	b.wp.init = true
	init(&b.wp)
	r.builds = append(r.builds, b)
	s.setSpecLocked(r, b, spec)
	return b
}

// wpCreate is POST pipelines {"branch","variables"}: a pending manual
// pipeline of the branch head. An unknown branch or an inactive repository
// is 500 with an empty body; a repository without config 204 with
// Pipeline-Filtered: true.
func (s *Server) wpCreate(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	repo, fail := s.wpRepoByID(r, true)
	var body struct {
		Branch    string            `json:"branch"`
		Variables map[string]string `json:"variables"`
	}
	if fail == nil && json.NewDecoder(r.Body).Decode(&body) != nil {
		fail = emptyV08(http.StatusBadRequest)
	}
	if fail == nil && (!repo.active || !repo.branchKnown(body.Branch)) {
		fail = emptyV08(http.StatusInternalServerError)
	}
	var stages []StageSpec
	if fail == nil {
		if stages = configOf(repo); stages == nil {
			s.seq.build++ // the id was taken before the config came back empty
			fail = func(w http.ResponseWriter) {
				w.Header().Set("Pipeline-Filtered", "true")
				w.WriteHeader(http.StatusNoContent)
			}
		}
	}
	if fail != nil {
		s.mu.Unlock()
		fail(w)
		return
	}
	commit := fakeSHA(repo.slug() + "@" + body.Branch)
	for _, b := range repo.builds {
		if b.spec.Branch == body.Branch && b.spec.Event == drone.EventPush {
			commit = b.spec.Commit // the branch head is its newest push
		}
	}
	now := s.now()
	spec := BuildSpec{Status: wpCreated, Event: drone.EventCustom, Branch: body.Branch, Commit: commit,
		Message: "MANUAL PIPELINE @ " + body.Branch, Author: s.Login, AuthorEmail: s.Email, Params: body.Variables, Stages: stages}
	s.mu.Unlock()
	s.wpCreateLocked(w, repo, spec, func(wb *wpBuild) { wb.timestamp = now }, true)
}

// wpCreateLocked stores a new pipeline and answers with it. The OnCreate
// hook sees it first, without the lock, so that the events the streams
// hear show what the hook made of it. A manual pipeline is created, then
// queued: two events.
func (s *Server) wpCreateLocked(w http.ResponseWriter, repo *repoState, spec BuildSpec, init func(*wpBuild), created bool) {
	s.mu.Lock()
	fn, number := s.onCreate, int64(len(repo.builds))+1
	s.mu.Unlock()
	if fn != nil {
		fn(repo.slug(), number, &spec)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.wpInsertLocked(repo, spec, init)
	if created {
		spec = cloneSpec(b.spec)
		spec.Status = drone.StatusPending
		s.setSpecLocked(repo, b, spec)
	}
	okWP(http.StatusOK, s.pipelineWPLocked(repo, b, true))(w)
}

// wpRestart is POST pipelines/{n}: a new pending pipeline with parent n;
// ?event=deployment&deploy_to=ENV[&deploy_task=T] makes it a deployment,
// which the repository must allow (403, empty). Other query keys become the
// steps' environment and are not shown.
func (s *Server) wpRestart(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	repo, parent, fail := s.wpPipelineOf(r, true)
	q := r.URL.Query()
	event := q.Get("event")
	switch {
	case fail != nil:
	case event != "" && event != "deployment":
		fail = emptyV08(http.StatusBadRequest)
	case event == "deployment" && !repo.allowDeploy:
		fail = emptyV08(http.StatusForbidden)
	case parent.spec.Status == drone.StatusBlocked:
		fail = textV08(http.StatusBadRequest, "cannot restart a pipeline with status blocked")
	}
	if fail != nil {
		s.mu.Unlock()
		fail(w)
		return
	}
	p := cloneSpec(parent.spec)
	spec := BuildSpec{Event: p.Event, Branch: p.Branch, Source: p.Source, Commit: p.Commit, Message: p.Message,
		Author: p.Author, AuthorEmail: p.AuthorEmail, Params: p.Params, Link: p.Link, Ref: refWP(p, parent.num),
		Title: p.Title, ChangedFiles: p.ChangedFiles, Parent: parent.num, Stages: freshStages(p.Stages)}
	if event == "deployment" {
		spec.Event, spec.DeployTo, spec.DeployTask = drone.EventPromote, q.Get("deploy_to"), q.Get("deploy_task")
	}
	ts, sender, rerun := parent.wp.timestamp, parent.wp.sender, parent.wp.rerun+1
	s.mu.Unlock()
	s.wpCreateLocked(w, repo, spec, func(wb *wpBuild) { wb.timestamp, wb.sender, wb.rerun = ts, sender, rerun }, false)
}

// wpCancel stops a pending, blocked or running pipeline (204, empty): a
// queued one ends canceled with its workflows skipped, a blocked one killed
// as it stands, a running one killed with its running steps killed and its
// pending steps canceled. Anything else is 400 text.
func (s *Server) wpCancel(r *http.Request) answer {
	repo, b, fail := s.wpPipelineOf(r, true)
	if fail != nil {
		return fail
	}
	spec := cloneSpec(b.spec)
	now := s.now()
	switch spec.Status {
	case drone.StatusPending, wpCreated:
		spec.Status = wpCanceled
		for i := range spec.Stages {
			spec.Stages[i].Status = drone.StatusSkipped
			for j := range spec.Stages[i].Steps {
				spec.Stages[i].Steps[j].Status = wpCanceled
			}
		}
	case drone.StatusBlocked:
		spec.Status = drone.StatusKilled
	case drone.StatusRunning:
		// As the server reports it: the pipeline is killed and its waiting
		// steps canceled first, then the agent kills the running steps, then
		// the workflows end.
		spec.Status, spec.Finished = drone.StatusKilled, now
		b.wp.cancelledBy = s.Login
		each := func(fn func(st *StageSpec, step *StepSpec)) {
			for i := range spec.Stages {
				for j := range spec.Stages[i].Steps {
					fn(&spec.Stages[i], &spec.Stages[i].Steps[j])
				}
			}
		}
		each(func(_ *StageSpec, step *StepSpec) {
			if step.Status == drone.StatusPending || step.Status == wpCreated {
				step.Status = wpCanceled
			}
		})
		s.setSpecLocked(repo, b, cloneSpec(spec))
		each(func(_ *StageSpec, step *StepSpec) {
			if step.Status == drone.StatusRunning {
				step.Status, step.Error = drone.StatusKilled, "Canceled"
			}
		})
		s.setSpecLocked(repo, b, cloneSpec(spec))
		for i := range spec.Stages {
			if !spec.Stages[i].Status.Done() {
				spec.Stages[i].Status = drone.StatusKilled
			}
		}
	default:
		return textV08(http.StatusBadRequest, "Cannot cancel a non-running or non-pending or non-blocked pipeline")
	}
	spec.Finished = now
	b.wp.cancelledBy = s.Login
	s.setSpecLocked(repo, b, spec)
	return func(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }
}

// wpGate approves (the pipeline queues again with new workflows) or
// declines a blocked pipeline. Approving anything else is 400 text;
// declining it fails inside the server: 500, empty.
func (s *Server) wpGate(approve bool) func(r *http.Request) answer {
	return func(r *http.Request) answer {
		repo, b, fail := s.wpPipelineOf(r, true)
		if fail != nil {
			return fail
		}
		if b.spec.Status != drone.StatusBlocked {
			if !approve {
				return emptyV08(http.StatusInternalServerError)
			}
			return textV08(http.StatusBadRequest, fmt.Sprintf("cannot approve a pipeline with status %s", b.spec.Status))
		}
		spec := cloneSpec(b.spec)
		next := drone.StatusPending
		if approve {
			b.stageID, b.stepID, b.wp.logID = nil, nil, nil // approval builds the workflows anew
		} else {
			next = drone.StatusDeclined
		}
		spec.Status = next
		for i := range spec.Stages {
			spec.Stages[i].Status = next
			for j := range spec.Stages[i].Steps {
				spec.Stages[i].Steps[j].Status = next
			}
		}
		b.wp.reviewer, b.wp.reviewed = s.Login, s.now()
		s.setSpecLocked(repo, b, spec)
		return okWP(http.StatusOK, s.pipelineWPLocked(repo, b, true))
	}
}

// findStepID finds the stage and step of a step id in b.
func findStepID(b *buildState, id int64) (stage, step int, ok bool) {
	for i, ids := range b.stepID {
		for j, sid := range ids {
			if sid == id {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

// wpLog is GET logs/{number}/{step id}: the entries of one step (null for
// a step that has not started); an unknown pipeline or a step id not of
// this pipeline is 404, a non-numeric one 400, both empty.
func (s *Server) wpLog(r *http.Request) answer {
	repo, fail := s.wpRepoByID(r, false)
	if fail != nil {
		return fail
	}
	n, err1 := strconv.ParseInt(r.PathValue("number"), 10, 64)
	id, err2 := strconv.ParseInt(r.PathValue("step"), 10, 64)
	if err1 != nil || err2 != nil {
		return emptyV08(http.StatusBadRequest)
	}
	_, b := s.findLocked(repo.slug(), n)
	if b == nil {
		return emptyV08(http.StatusNotFound)
	}
	i, j, ok := findStepID(b, id)
	if !ok {
		return emptyV08(http.StatusNotFound)
	}
	entries := s.logEntriesLocked(b, i, j, 0)
	if entries == nil {
		return okWP(http.StatusOK, nil)
	}
	return okWP(http.StatusOK, entries)
}

// logLines are a step's log lines, from Log or else LogChunks.
func logLines(step StepSpec) []string {
	if step.Log != nil || step.LogChunks == nil {
		return step.Log
	}
	return strings.Split(strings.TrimSuffix(strings.Join(step.LogChunks, ""), "\n"), "\n")
}

// logEntriesLocked are the stored entries of step j of stage i from line
// from on; nil when the step never started or has no lines.
func (s *Server) logEntriesLocked(b *buildState, i, j, from int) []logEntryWP {
	if i >= len(b.wp.logID) || j >= len(b.wp.logID[i]) {
		return nil
	}
	step := b.spec.Stages[i].Steps[j]
	lines := logLines(step)
	var out []logEntryWP
	for k := from; k < len(b.wp.logID[i][j]) && k < len(lines); k++ {
		out = append(out, logEntryWP{ID: b.wp.logID[i][j][k], StepID: b.stepID[i][j], Time: chunkTime(step, k), Line: k,
			Data: []byte(lines[k])})
	}
	return out
}

// AppendLog adds lines to the log of step of stage (indexes from 0) of
// build number, as an agent streams them, at seconds since the step
// started: log streams hear them, the event stream does not, as no
// pipeline changed.
func (s *Server) AppendLog(slug string, number int64, stage, step, at int, lines ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, b := s.findLocked(slug, number)
	if b == nil || stage >= len(b.spec.Stages) || step >= len(b.spec.Stages[stage].Steps) {
		panic("dronetest: AppendLog on unknown step")
	}
	st := &b.spec.Stages[stage].Steps[step]
	old := logLines(*st)
	for len(st.LogTimes) < len(old) {
		st.LogTimes = append(st.LogTimes, 0)
	}
	st.Log = append(old, lines...)
	for range lines {
		st.LogTimes = append(st.LogTimes, at)
	}
	st.LogChunks = nil
	s.assignLogIDsLocked(b)
	close(s.wp.changed)
	s.wp.changed = make(chan struct{})
}

// wpChangedLocked runs after every change of a pipeline: it stamps the
// change, gives new log lines of started steps their ids and tells the
// streams.
func (s *Server) wpChangedLocked(r *repoState, b *buildState, now time.Time) {
	sp := b.spec
	if !b.wp.init {
		// A pipeline from the forge's webhook: a pull request carries no
		// commit time.
		b.wp.init, b.wp.sender = true, sp.Author
		if sp.Event != drone.EventPullRequest {
			b.wp.timestamp = sp.Created
		}
	}
	b.wp.updated = now
	s.assignLogIDsLocked(b)
	s.publishLocked(r, b)
}

// assignLogIDsLocked numbers the new log lines of b's started steps from
// the server-wide sequence, as they are written.
func (s *Server) assignLogIDsLocked(b *buildState) {
	sp := b.spec
	for len(b.wp.logID) < len(sp.Stages) {
		b.wp.logID = append(b.wp.logID, nil)
	}
	for i, st := range sp.Stages {
		for len(b.wp.logID[i]) < len(st.Steps) {
			b.wp.logID[i] = append(b.wp.logID[i], nil)
		}
		for j, step := range st.Steps {
			if !wpRan(step.Status) {
				continue
			}
			for n := len(logLines(step)); len(b.wp.logID[i][j]) < n; {
				s.seq.logLine++
				b.wp.logID[i][j] = append(b.wp.logID[i][j], s.seq.logLine)
			}
		}
	}
}

// wpQueueInfo is the admin's view of the queue, indented as Woodpecker
// writes it.
func (s *Server) wpQueueInfo(r *http.Request) answer {
	if fail := s.wpMustUser(r); fail != nil {
		return fail
	}
	type task struct {
		ID               string            `json:"id"`
		PID              int               `json:"pid"`
		Name             string            `json:"name"`
		Labels           map[string]string `json:"labels"`
		Dependencies     []string          `json:"dependencies"`
		RunOn            []string          `json:"run_on"`
		DepStatus        map[string]string `json:"dep_status"`
		AgentID          int64             `json:"agent_id"`
		PipelineID       int64             `json:"pipeline_id"`
		RepoID           int64             `json:"repo_id"`
		ConcurrencyLimit int               `json:"concurrency_limit"`
		ConcurrencyGroup string            `json:"concurrency_group"`
		Created          int64             `json:"created"`
		PipelineNumber   int64             `json:"pipeline_number"`
		AgentName        string            `json:"agent_name"`
	}
	pending, running := []task{}, []task{}
	for _, repo := range s.wpReposLocked() {
		for _, b := range repo.builds {
			for i, st := range b.spec.Stages {
				if st.Status != drone.StatusPending && st.Status != drone.StatusRunning {
					continue
				}
				ev := wpEvent(b.spec.Event)
				t := task{ID: itoa(b.stageID[i]), PID: i + 1, Name: st.Name, DepStatus: map[string]string{},
					PipelineID: b.id, RepoID: repo.id, Created: unix(b.spec.Created), PipelineNumber: b.num,
					Labels: map[string]string{
						"org-id": "1", "repo": repo.slug(), "woodpecker-ci.org/branch": b.spec.Branch,
						"woodpecker-ci.org/commit-branch": b.spec.Branch, "woodpecker-ci.org/event": ev,
						"woodpecker-ci.org/forge-id": "gitea", "woodpecker-ci.org/org-id": "1",
						"woodpecker-ci.org/repo-forge-id": itoa(repo.id), "woodpecker-ci.org/repo-full-name": repo.slug(),
						"woodpecker-ci.org/repo-id": itoa(repo.id), "woodpecker-ci.org/repo-name": repo.name,
					}}
				if st.Status == drone.StatusRunning {
					running = append(running, t)
				} else {
					pending = append(pending, t)
				}
			}
		}
	}
	info := map[string]any{
		"pending": pending, "waiting_on_deps": []task{}, "running": running, "paused": s.wp.paused,
		"stats": map[string]int{"worker_count": wpWorkers, "pending_count": len(pending), "waiting_on_deps_count": 0, "running_count": len(running)},
	}
	body, err := json.MarshalIndent(orderedQueue(info), "", "    ")
	if err != nil {
		return emptyV08(http.StatusInternalServerError)
	}
	return func(w http.ResponseWriter) { writeRaw(w, http.StatusOK, ctJSONwp, body) }
}

// orderedQueue keeps the queue info's keys in Woodpecker's order.
func orderedQueue(info map[string]any) any {
	stats := info["stats"].(map[string]int)
	return struct {
		Pending       any `json:"pending"`
		WaitingOnDeps any `json:"waiting_on_deps"`
		Running       any `json:"running"`
		Stats         struct {
			Workers       int `json:"worker_count"`
			Pending       int `json:"pending_count"`
			WaitingOnDeps int `json:"waiting_on_deps_count"`
			Running       int `json:"running_count"`
		} `json:"stats"`
		Paused any `json:"paused"`
	}{
		Pending: info["pending"], WaitingOnDeps: info["waiting_on_deps"], Running: info["running"], Paused: info["paused"],
		Stats: struct {
			Workers       int `json:"worker_count"`
			Pending       int `json:"pending_count"`
			WaitingOnDeps int `json:"waiting_on_deps_count"`
			Running       int `json:"running_count"`
		}{stats["worker_count"], stats["pending_count"], stats["waiting_on_deps_count"], stats["running_count"]},
	}
}

func (s *Server) wpQueuePause(pause bool) func(r *http.Request) answer {
	return func(r *http.Request) answer {
		if fail := s.wpMustUser(r); fail != nil {
			return fail
		}
		s.wp.paused = pause
		return func(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }
	}
}

// wpRunningPipelines is the admin's list of pending and running pipelines.
func (s *Server) wpRunningPipelines(r *http.Request) answer {
	if fail := s.wpMustUser(r); fail != nil {
		return fail
	}
	out := []feedWP{}
	for _, repo := range s.wpReposLocked() {
		for _, b := range repo.builds {
			if st := b.spec.Status; st == drone.StatusPending || st == drone.StatusRunning {
				out = append(out, s.feedWPLocked(repo, b))
			}
		}
	}
	return okWP(http.StatusOK, out)
}
