package drone

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// woodpeckerAPI speaks the Woodpecker CI 3.x API: repositories are
// addressed by a numeric id, looked up once from owner/name and cached.
type woodpeckerAPI struct {
	t *transport

	mu  sync.Mutex
	ids map[string]int64 // owner/name -> Woodpecker repository id
}

var _ Client = (*woodpeckerAPI)(nil)

// wpPerPage is the largest page Woodpecker serves (more is cut to it silently).
const wpPerPage = 50

// wpReserved are the query keys Woodpecker reads itself on a restart; the
// rest become pipeline variables.
func wpReserved() []string {
	return []string{"access_token", "fork", "event", "deploy_to", "deploy_task"}
}

func newWoodpeckerAPI(t *transport) *woodpeckerAPI {
	return &woodpeckerAPI{t: t, ids: map[string]int64{}}
}

func (a *woodpeckerAPI) do(ctx context.Context, c call, out any) error {
	return a.t.do(ctx, c, mapWoodpecker, out)
}

func (a *woodpeckerAPI) Dialect(context.Context) (Dialect, error) { return DialectWoodpecker, nil }

func (a *woodpeckerAPI) Self(ctx context.Context) (*User, error) {
	var u wpUser
	if err := a.do(ctx, call{op: "self", what: "get user", method: http.MethodGet, path: "/api/user"}, &u); err != nil {
		return nil, err
	}
	return u.model(), nil
}

// Repos lists the active repositories, each with its latest pipeline (one
// request either way: GET /api/user/repos always carries last_pipeline).
func (a *woodpeckerAPI) Repos(ctx context.Context, latest bool) ([]*Repo, error) {
	rs, err := a.listRepos(ctx, call{op: "repos", what: "list repositories", method: http.MethodGet, path: "/api/user/repos"})
	if err != nil {
		return nil, err
	}
	out := make([]*Repo, 0, len(rs))
	for _, r := range rs {
		if r.Active {
			m := r.model()
			if !latest {
				m.Build = nil
			}
			out = append(out, m)
		}
	}
	return out, nil
}

// SyncRepos lists every forge repository the user may activate; ?all=true
// asks the forge itself, so no separate sync is needed.
func (a *woodpeckerAPI) SyncRepos(ctx context.Context) ([]*Repo, error) {
	rs, err := a.listRepos(ctx, call{op: "sync", what: "sync repositories", method: http.MethodGet, path: "/api/user/repos",
		query: url.Values{"all": {"true"}}})
	if err != nil {
		return nil, err
	}
	out := make([]*Repo, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.model())
	}
	return out, nil
}

// listRepos reads a repository list and remembers the ids it names.
func (a *woodpeckerAPI) listRepos(ctx context.Context, c call) ([]*wpRepo, error) {
	var rs []*wpRepo
	if err := a.do(ctx, c, &rs); err != nil {
		return nil, err
	}
	out := rs[:0]
	for _, r := range rs {
		if r == nil {
			continue
		}
		if r.ID > 0 && r.FullName != "" {
			a.remember(r.FullName, r.ID)
		}
		out = append(out, r)
	}
	return out, nil
}

func (a *woodpeckerAPI) remember(slug string, id int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.ids[slug] = id
}

func (a *woodpeckerAPI) forget(slug string, id int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ids[slug] == id {
		delete(a.ids, slug)
	}
}

func (a *woodpeckerAPI) cached(slug string) (int64, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	id, ok := a.ids[slug]
	return id, ok
}

// lookup asks GET /api/repos/lookup/{owner}/{name} and caches the id.
func (a *woodpeckerAPI) lookup(ctx context.Context, slug string) (*wpRepo, error) {
	owner, name, err := ValidSlug(slug)
	if err != nil {
		return nil, err
	}
	var r wpRepo
	c := call{op: "lookup", what: "look up repository " + slug, method: http.MethodGet,
		path:     "/api/repos/lookup/" + url.PathEscape(owner) + "/" + url.PathEscape(name),
		notFound: "repository " + slug + " not found (or not active in Woodpecker)"}
	if err := a.do(ctx, c, &r); err != nil {
		return nil, err
	}
	if r.ID <= 0 {
		return nil, &Error{Kind: KindServer, Op: c.what, Message: "Woodpecker answered without a repository id"}
	}
	a.remember(slug, r.ID)
	return &r, nil
}

// withRepo runs fn with the repository's id. When a cached id is not found
// any more (the repository was removed and added again), the id is looked
// up afresh and fn runs once more if it changed.
func (a *woodpeckerAPI) withRepo(ctx context.Context, slug string, fn func(path string) error) error {
	if _, _, err := ValidSlug(slug); err != nil {
		return err
	}
	id, hit := a.cached(slug)
	if !hit {
		r, err := a.lookup(ctx, slug)
		if err != nil {
			return err
		}
		id = r.ID
	}
	err := fn(wpRepoPath(id))
	if !hit || !IsNotFound(err) {
		return err
	}
	a.forget(slug, id)
	r, lerr := a.lookup(ctx, slug)
	if lerr != nil || r.ID == id {
		return err
	}
	return fn(wpRepoPath(r.ID))
}

func wpRepoPath(id int64) string { return "/api/repos/" + strconv.FormatInt(id, 10) }

func wpPipelinePath(repo string, number int64) (string, error) {
	if number <= 0 {
		return "", &Error{Kind: KindInvalid, Op: "check build number", Message: fmt.Sprintf("build number must be positive, got %d", number)}
	}
	return repo + "/pipelines/" + strconv.FormatInt(number, 10), nil
}

// Repo reads the repository by its cached id, or else by the lookup, which
// answers with the repository itself.
func (a *woodpeckerAPI) Repo(ctx context.Context, slug string) (*Repo, error) {
	if _, _, err := ValidSlug(slug); err != nil {
		return nil, err
	}
	if _, hit := a.cached(slug); !hit {
		r, err := a.lookup(ctx, slug)
		if err != nil {
			return nil, err
		}
		return r.model(), nil
	}
	var r wpRepo
	err := a.withRepo(ctx, slug, func(p string) error {
		return a.do(ctx, call{op: "repo", what: "get repository " + slug, method: http.MethodGet, path: p,
			notFound: "repository " + slug + " not found"}, &r)
	})
	if err != nil {
		return nil, err
	}
	return r.model(), nil
}

// EnableRepo activates a forge repository: its forge id comes from the
// forge listing, as Woodpecker activates by forge_remote_id.
func (a *woodpeckerAPI) EnableRepo(ctx context.Context, slug string) (*Repo, error) {
	if _, _, err := ValidSlug(slug); err != nil {
		return nil, err
	}
	all, err := a.listRepos(ctx, call{op: "sync", what: "enable repository " + slug, method: http.MethodGet, path: "/api/user/repos",
		query: url.Values{"all": {"true"}}})
	if err != nil {
		return nil, err
	}
	var remote string
	for _, r := range all {
		if r.FullName == slug {
			remote = r.ForgeRemoteID
			break
		}
	}
	if remote == "" {
		return nil, &Error{Kind: KindNotFound, Op: "enable repository " + slug, Message: "repository " + slug + " not found on the forge" + writeHint}
	}
	var r wpRepo
	c := call{op: "enable", what: "enable repository " + slug, method: http.MethodPost, path: "/api/repos",
		query: url.Values{"forge_remote_id": {remote}}, notFound: "repository " + slug + " not found" + writeHint}
	if err := a.do(ctx, c, &r); err != nil {
		return nil, err
	}
	if r.ID > 0 {
		a.remember(slug, r.ID)
	}
	return r.model(), nil
}

func (a *woodpeckerAPI) DisableRepo(ctx context.Context, slug string) (*Repo, error) {
	var r wpRepo
	err := a.withRepo(ctx, slug, func(p string) error {
		return a.do(ctx, call{op: "disable", what: "disable repository " + slug, method: http.MethodDelete, path: p,
			notFound: "repository " + slug + " not found" + writeHint}, &r)
	})
	if err != nil {
		return nil, err
	}
	return r.model(), nil
}

func (a *woodpeckerAPI) Builds(ctx context.Context, slug string, opts ListOptions) ([]*Build, error) {
	q := url.Values{}
	if opts.Page > 1 {
		q.Set("page", strconv.Itoa(opts.Page))
	}
	if opts.PerPage > 0 {
		q.Set("perPage", strconv.Itoa(min(opts.PerPage, wpPerPage)))
	}
	if opts.Branch != "" {
		q.Set("branch", opts.Branch)
	}
	var ps []*wpPipeline
	err := a.withRepo(ctx, slug, func(p string) error {
		return a.do(ctx, call{op: "builds", what: "list builds of " + slug, method: http.MethodGet, path: p + "/pipelines",
			query: q, notFound: "repository " + slug + " not found"}, &ps)
	})
	if err != nil {
		return nil, err
	}
	out := make([]*Build, 0, len(ps))
	for _, p := range ps {
		if p != nil {
			out = append(out, p.model())
		}
	}
	return out, nil
}

// pipelineCall runs c and decodes a pipeline; an empty answer (create's
// 204 "Pipeline-Filtered") is KindNothingTriggered.
func (a *woodpeckerAPI) pipelineCall(ctx context.Context, c call) (*Build, error) {
	var p *wpPipeline
	if err := a.do(ctx, c, &p); err != nil {
		return nil, err
	}
	if p == nil {
		return nil, &Error{Kind: KindNothingTriggered, Op: c.what, Status: http.StatusNoContent,
			Message: "nothing triggered: no workflow matched, or the branch has no pipeline configuration"}
	}
	return p.model(), nil
}

// onPipeline runs a call on pipeline number of slug and decodes the answer.
func (a *woodpeckerAPI) onPipeline(ctx context.Context, slug string, number int64, build func(p string) call) (*Build, error) {
	var b *Build
	err := a.withRepo(ctx, slug, func(repo string) error {
		p, err := wpPipelinePath(repo, number)
		if err != nil {
			return err
		}
		b, err = a.pipelineCall(ctx, build(p))
		return err
	})
	return b, err
}

func (a *woodpeckerAPI) Build(ctx context.Context, slug string, number int64) (*Build, error) {
	return a.onPipeline(ctx, slug, number, func(p string) call {
		return call{op: "build", what: fmt.Sprintf("get build %s#%d", slug, number), method: http.MethodGet, path: p,
			notFound: fmt.Sprintf("build #%d of %s not found", number, slug)}
	})
}

// LatestBuild is Woodpecker's latest push pipeline of the branch: manual,
// deployment and pull request pipelines do not count there.
func (a *woodpeckerAPI) LatestBuild(ctx context.Context, slug, branch string) (*Build, error) {
	var b *Build
	err := a.withRepo(ctx, slug, func(p string) error {
		c := call{op: "latest", what: "get latest build of " + slug, method: http.MethodGet, path: p + "/pipelines/latest",
			notFound: "no build found for " + slug}
		if branch != "" {
			c.query = url.Values{"branch": {branch}}
			c.notFound = fmt.Sprintf("no build found for %s on branch %s", slug, branch)
		}
		var err error
		b, err = a.pipelineCall(ctx, c)
		return err
	})
	return b, err
}

// wpCreate is the body of POST /api/repos/{id}/pipelines.
type wpCreate struct {
	Branch    string            `json:"branch"`
	Variables map[string]string `json:"variables,omitempty"`
}

// CreateBuild starts a manual pipeline on the head of the branch; Woodpecker
// cannot start one at a given commit.
func (a *woodpeckerAPI) CreateBuild(ctx context.Context, slug string, opts CreateOptions) (*Build, error) {
	what := "create build of " + slug
	if opts.Commit != "" {
		return nil, &Error{Kind: KindInvalid, Op: what, Message: "Woodpecker builds the head of a branch; it cannot start a pipeline at a given commit"}
	}
	if _, err := paramQuery(opts.Params); err != nil {
		return nil, err
	}
	branch := opts.Branch
	if branch == "" {
		r, err := a.lookup(ctx, slug)
		if err != nil {
			return nil, err
		}
		branch = r.DefaultBranch
	}
	var b *Build
	err := a.withRepo(ctx, slug, func(p string) error {
		var err error
		b, err = a.pipelineCall(ctx, call{op: "create", what: what, method: http.MethodPost, path: p + "/pipelines",
			body: wpCreate{Branch: branch, Variables: opts.Params}, notFound: "repository " + slug + " not found" + writeHint})
		return err
	})
	return b, err
}

func (a *woodpeckerAPI) RestartBuild(ctx context.Context, slug string, number int64, params map[string]string) (*Build, error) {
	return a.restart(ctx, slug, number, params, nil, "restart")
}

// restart posts …/pipelines/{n}; extra carries the keys only dronebot may set.
func (a *woodpeckerAPI) restart(ctx context.Context, slug string, number int64, params map[string]string, extra url.Values, op string) (*Build, error) {
	q, err := paramQuery(params, wpReserved()...)
	if err != nil {
		return nil, err
	}
	maps.Copy(q, extra)
	b, err := a.onPipeline(ctx, slug, number, func(p string) call {
		return call{op: op, what: fmt.Sprintf("%s build %s#%d", op, slug, number), method: http.MethodPost, path: p, query: q,
			notFound: fmt.Sprintf("build #%d of %s not found", number, slug) + writeHint}
	})
	if err != nil {
		return nil, err
	}
	if b.Parent == 0 {
		b.Parent = number
	}
	return b, nil
}

func (a *woodpeckerAPI) CancelBuild(ctx context.Context, slug string, number int64) error {
	return a.action(ctx, slug, number, "cancel")
}

// ApproveBuild and DeclineBuild act on the whole pipeline: Woodpecker gates
// pipelines, not workflows.
func (a *woodpeckerAPI) ApproveBuild(ctx context.Context, slug string, number int64) error {
	return a.action(ctx, slug, number, "approve")
}

func (a *woodpeckerAPI) DeclineBuild(ctx context.Context, slug string, number int64) error {
	return a.action(ctx, slug, number, "decline")
}

// action posts …/pipelines/{n}/{verb} and discards the answer.
func (a *woodpeckerAPI) action(ctx context.Context, slug string, number int64, verb string) error {
	return a.withRepo(ctx, slug, func(repo string) error {
		p, err := wpPipelinePath(repo, number)
		if err != nil {
			return err
		}
		return a.do(ctx, call{op: verb, what: fmt.Sprintf("%s build %s#%d", verb, slug, number), method: http.MethodPost,
			path: p + "/" + verb, notFound: fmt.Sprintf("build #%d of %s not found", number, slug) + writeHint}, nil)
	})
}

// PromoteBuild is a restart as a deployment to target.
func (a *woodpeckerAPI) PromoteBuild(ctx context.Context, slug string, number int64, target string, params map[string]string) (*Build, error) {
	if target == "" {
		return nil, &Error{Kind: KindInvalid, Op: "promote build", Message: "a target environment is required"}
	}
	return a.restart(ctx, slug, number, params, url.Values{"event": {wpEventDeployment}, "deploy_to": {target}}, "promote")
}

// LogTail reads …/logs/{number}/{step id}. Without the step's id (step.ID)
// the pipeline is read first to find it from the pid in step.Step.
func (a *woodpeckerAPI) LogTail(ctx context.Context, slug string, number int64, step StepRef, opts TailOptions) (*LogTail, error) {
	if number <= 0 || (step.ID <= 0 && step.Step <= 0) {
		return nil, &Error{Kind: KindInvalid, Op: "get log", Message: "build number and step must be positive"}
	}
	id := step.ID
	if id <= 0 {
		b, err := a.Build(ctx, slug, number)
		if err != nil {
			return nil, err
		}
		id = stepIDByPID(b, step.Step)
		if id == 0 {
			return nil, &Error{Kind: KindNotFound, Op: "get log", Message: fmt.Sprintf("build #%d of %s has no step with pid %d", number, slug, step.Step)}
		}
	}
	var tail *LogTail
	err := a.withRepo(ctx, slug, func(repo string) error {
		c := call{op: "log", what: fmt.Sprintf("get log of %s#%d step %d", slug, number, id), method: http.MethodGet,
			path: fmt.Sprintf("%s/logs/%d/%d", repo, number, id), log: true}
		return a.t.stream(ctx, c, mapWoodpecker, func(r io.Reader) error {
			var err error
			tail, err = readEntryTail(r, opts)
			return err
		})
	})
	return tail, err
}

func stepIDByPID(b *Build, pid int) int64 {
	for _, st := range b.Stages {
		for _, s := range st.Steps {
			if s.Number == pid {
				return s.ID
			}
		}
	}
	return 0
}

// readEntryTail decodes Woodpecker's log, a JSON array of one entry per
// line, one entry at a time. null (a step that never started or printed
// nothing) is an empty log.
func readEntryTail(r io.Reader, opts TailOptions) (*LogTail, error) {
	t := newTailer(opts)
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if errors.Is(err, io.EOF) || (err == nil && tok == nil) {
		return t.result(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read log: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("read log: want a JSON array, got %v", tok)
	}
	for dec.More() {
		var e wpLogEntry
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("read log entry %d: %w", t.total, err)
		}
		t.line(strings.TrimSuffix(string(e.Data), "\r"))
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("read log end: %w", err)
	}
	return t.result(), nil
}

// RecentBuilds reads GET /api/user/feed: the newest pipelines across the
// repositories the user may push to (null when there are none).
func (a *woodpeckerAPI) RecentBuilds(ctx context.Context) ([]*RecentBuild, error) {
	var feed []*wpFeed
	if err := a.do(ctx, call{op: "feed", what: "list recent builds", method: http.MethodGet, path: "/api/user/feed"}, &feed); err != nil {
		return nil, err
	}
	out := make([]*RecentBuild, 0, len(feed))
	for _, f := range feed {
		if f == nil || f.Number <= 0 || f.FullName == "" {
			continue
		}
		if f.RepoID > 0 {
			a.remember(f.FullName, f.RepoID)
		}
		out = append(out, &RecentBuild{Slug: f.FullName, Build: f.model()})
	}
	return out, nil
}
