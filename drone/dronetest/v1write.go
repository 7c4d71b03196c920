package dronetest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/dronebot/dronebot/drone"
)

// created runs the OnCreate hook for a new build outside the lock, then
// answers with the build as it stands.
func (s *Server) created(w http.ResponseWriter, slug string, number int64) {
	s.runCreateHook(slug, number)
	s.mu.Lock()
	repo, b := s.findLocked(slug, number)
	a := okJSONv1(s.buildV1Locked(repo, b, true))
	s.mu.Unlock()
	a(w)
}

// queryParams turns the query into build params, leaving out skip.
func queryParams(r *http.Request, skip ...string) map[string]string {
	params := map[string]string{}
	for k, v := range r.URL.Query() {
		if k == "access_token" || len(v) == 0 || slices.Contains(skip, k) {
			continue
		}
		params[k] = v[0]
	}
	if len(params) == 0 {
		return nil
	}
	return params
}

func trimHeads(ref string) string { return strings.TrimPrefix(ref, "refs/heads/") }

// v1Create is POST builds?branch=&commit=&KEY=VAL: a pending custom build of
// the branch head, without stages.
func (s *Server) v1Create(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	repo, fail := s.repoV1(r, true)
	if fail == nil && !repo.active {
		fail = errV1(http.StatusNotFound, msgNoRows)
	}
	q := r.URL.Query()
	branch := q.Get("branch")
	if fail == nil && branch == "" {
		branch = repo.opts.DefaultBranch
	}
	if fail == nil && !repo.branchKnown(branch) {
		// Drone 2.25 really answers 404 with this text for an unknown branch.
		fail = errV1(http.StatusNotFound, "Internal Server Error")
	}
	if fail != nil {
		s.mu.Unlock()
		fail(w)
		return
	}
	spec := BuildSpec{Event: drone.EventCustom, Branch: branch, Author: s.Login,
		Commit: q.Get("commit"), Params: queryParams(r, "commit", "branch")}
	if head := repo.headOf(branch, false); head != nil {
		spec.Author, spec.AuthorEmail = head.spec.Author, head.spec.AuthorEmail
		spec.Message = strings.TrimSuffix(head.spec.Message, "\n")
		if spec.Commit == "" {
			spec.Commit = head.spec.Commit
		}
	}
	if spec.Commit == "" {
		spec.Commit = fakeSHA(repo.slug() + "@" + branch)
	}
	spec.Link = s.forgeLink("api/v1/repos", repo.slug(), "commits", spec.Commit)
	b := s.insertBuildLocked(repo, spec, s.Login, true)
	slug, number := repo.slug(), b.num
	s.mu.Unlock()
	s.created(w, slug, number)
}

// childOf is a new pending build copied from parent, as restart and promote
// make it.
func childOf(parent *buildState) BuildSpec {
	p := cloneSpec(parent.spec)
	return BuildSpec{Event: p.Event, Branch: p.Branch, Source: p.Source, Commit: p.Commit,
		Message: p.Message, Author: p.Author, AuthorEmail: p.AuthorEmail, Params: p.Params,
		DeployTo: p.DeployTo, Link: p.Link, Parent: parent.num}
}

// v1Restart is POST builds/{n}: new pending build with parent n. Query
// params are added to the build's params; the old params win.
func (s *Server) v1Restart(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	repo, parent, fail := s.buildOfV1(r, true)
	if fail == nil && (parent.spec.Status == drone.StatusBlocked || parent.spec.Status == drone.StatusDeclined) {
		fail = errV1(http.StatusBadRequest, fmt.Sprintf("cannot start a %s build", parent.spec.Status))
	}
	if fail != nil {
		s.mu.Unlock()
		fail(w)
		return
	}
	spec := childOf(parent)
	params := queryParams(r, "debug")
	for k, v := range parent.spec.Params {
		if params == nil {
			params = map[string]string{}
		}
		params[k] = v
	}
	spec.Params = params
	b := s.insertBuildLocked(repo, spec, s.Login, parent.viaAPI)
	slug, number := repo.slug(), b.num
	s.mu.Unlock()
	s.created(w, slug, number)
}

// v1Promote is POST builds/{n}/promote?target=ENV. Not recorded (the
// recorded server is OSS-free); it follows the 2.25 handler: 400 "Missing
// target environment", 501 in OSS builds.
func (s *Server) v1Promote(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	var fail answer
	var repo *repoState
	var parent *buildState
	target := r.URL.Query().Get("target")
	switch {
	case s.oss:
		fail = errV1(http.StatusNotImplemented, "Not Implemented")
	default:
		repo, parent, fail = s.buildOfV1(r, true)
		if fail == nil && target == "" {
			fail = errV1(http.StatusBadRequest, "Missing target environment")
		}
	}
	if fail != nil {
		s.mu.Unlock()
		fail(w)
		return
	}
	spec := childOf(parent)
	spec.Event, spec.DeployTo, spec.Params = drone.EventPromote, target, queryParams(r, "target")
	b := s.insertBuildLocked(repo, spec, s.Login, parent.viaAPI)
	slug, number := repo.slug(), b.num
	s.mu.Unlock()
	s.created(w, slug, number)
}

// v1Gate approves or declines one blocked stage: 204, or 400 when the stage
// is not blocked. Not recorded; follows the 2.25 handlers.
func (s *Server) v1Gate(approve bool) func(r *http.Request) answer {
	return func(r *http.Request) answer {
		repo, b, fail := s.buildOfV1(r, true)
		if fail != nil {
			return fail
		}
		n, err := strconv.Atoi(r.PathValue("stage"))
		if err != nil {
			return errV1(http.StatusBadRequest, err.Error())
		}
		if n < 1 || n > len(b.spec.Stages) {
			return errV1(http.StatusNotFound, msgNoRows)
		}
		verb := map[bool]string{true: "approve", false: "decline"}[approve]
		if st := b.spec.Stages[n-1].Status; st != drone.StatusBlocked {
			return errV1(http.StatusBadRequest, fmt.Sprintf("Cannot %s a Pipeline with Status %q", verb, st))
		}
		spec := cloneSpec(b.spec)
		if approve {
			spec.Stages[n-1].Status = drone.StatusPending
			if spec.Status == drone.StatusBlocked && !anyBlocked(spec) {
				spec.Status = drone.StatusPending
			}
		} else {
			spec.Stages[n-1].Status = drone.StatusDeclined
			spec.Status = drone.StatusDeclined
		}
		s.setSpecLocked(repo, b, spec)
		return noContent
	}
}

// v1DeclineBuild is POST builds/{n}/decline (2.24+): every stage must be
// blocked. Not recorded; follows the 2.25 handler.
func (s *Server) v1DeclineBuild(r *http.Request) answer {
	repo, b, fail := s.buildOfV1(r, true)
	if fail != nil {
		return fail
	}
	spec := cloneSpec(b.spec)
	for i, st := range spec.Stages {
		if st.Status != drone.StatusBlocked {
			return errV1(http.StatusBadRequest, fmt.Sprintf("Cannot decline a Pipeline with Status %q", st.Status))
		}
		spec.Stages[i].Status = drone.StatusDeclined
	}
	spec.Status = drone.StatusDeclined
	s.setSpecLocked(repo, b, spec)
	return noContent
}

func anyBlocked(spec BuildSpec) bool {
	for _, st := range spec.Stages {
		if st.Status == drone.StatusBlocked {
			return true
		}
	}
	return false
}
