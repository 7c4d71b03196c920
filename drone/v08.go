package drone

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strconv"
)

// v08API speaks the Drone 0.8 API: builds with procs, no create endpoint.
type v08API struct {
	t *transport
}

var _ Client = (*v08API)(nil)

// v08Reserved are the query keys 0.8 reads itself on a restart; the rest
// become pipeline environment variables.
func v08Reserved() []string { return []string{"access_token", "fork", "event", "deploy_to"} }

func (a *v08API) do(ctx context.Context, c call, out any) error {
	return a.t.do(ctx, c, mapV08, out)
}

func (a *v08API) Dialect(context.Context) (Dialect, error) { return DialectV08, nil }

func (a *v08API) Self(ctx context.Context) (*User, error) {
	var u v08User
	if err := a.do(ctx, call{op: "self", what: "get user", method: http.MethodGet, path: "/api/user"}, &u); err != nil {
		return nil, err
	}
	return u.model(), nil
}

func (a *v08API) Repos(ctx context.Context, latest bool) ([]*Repo, error) {
	if latest {
		var feed []*v08Build
		c := call{op: "repos", what: "list repositories", method: http.MethodGet, path: "/api/user/feed",
			query: url.Values{"latest": {"true"}}}
		if err := a.do(ctx, c, &feed); err != nil {
			return nil, err
		}
		out := make([]*Repo, 0, len(feed))
		for _, f := range feed {
			if f != nil {
				out = append(out, f.feedRepo())
			}
		}
		return out, nil
	}
	return a.listRepos(ctx, call{op: "repos", what: "list repositories", method: http.MethodGet, path: "/api/user/repos"}, true)
}

func (a *v08API) SyncRepos(ctx context.Context) ([]*Repo, error) {
	return a.listRepos(ctx, call{op: "sync", what: "sync repositories", method: http.MethodGet, path: "/api/user/repos",
		query: url.Values{"all": {"true"}, "flush": {"true"}}}, false)
}

func (a *v08API) listRepos(ctx context.Context, c call, activeOnly bool) ([]*Repo, error) {
	var rs []*v08Repo
	if err := a.do(ctx, c, &rs); err != nil {
		return nil, err
	}
	out := make([]*Repo, 0, len(rs))
	for _, r := range rs {
		if r != nil && (r.Active || !activeOnly) {
			out = append(out, r.model())
		}
	}
	return out, nil
}

func (a *v08API) repoCall(ctx context.Context, op, verb, method, slug, hint string) (*Repo, error) {
	p, err := repoPath(slug)
	if err != nil {
		return nil, err
	}
	var r v08Repo
	c := call{op: op, what: verb + " " + slug, method: method, path: p, notFound: "repository " + slug + " not found" + hint}
	if err := a.do(ctx, c, &r); err != nil {
		return nil, err
	}
	return r.model(), nil
}

func (a *v08API) Repo(ctx context.Context, slug string) (*Repo, error) {
	return a.repoCall(ctx, "repo", "get repository", http.MethodGet, slug, "")
}

func (a *v08API) EnableRepo(ctx context.Context, slug string) (*Repo, error) {
	return a.repoCall(ctx, "enable", "enable repository", http.MethodPost, slug, writeHint)
}

func (a *v08API) DisableRepo(ctx context.Context, slug string) (*Repo, error) {
	return a.repoCall(ctx, "disable", "disable repository", http.MethodDelete, slug, writeHint)
}

// Builds lists one page of 50. 0.8 cannot filter by branch, so a branch
// filter applies to that page only.
func (a *v08API) Builds(ctx context.Context, slug string, opts ListOptions) ([]*Build, error) {
	p, err := repoPath(slug)
	if err != nil {
		return nil, err
	}
	c := call{op: "builds", what: "list builds of " + slug, method: http.MethodGet, path: p + "/builds",
		notFound: "repository " + slug + " not found"}
	if opts.Page > 1 {
		c.query = url.Values{"page": {strconv.Itoa(opts.Page)}}
	}
	var bs []*v08Build
	if err := a.do(ctx, c, &bs); err != nil {
		return nil, err
	}
	out := make([]*Build, 0, len(bs))
	for _, b := range bs {
		if b != nil && (opts.Branch == "" || b.Branch == opts.Branch) {
			out = append(out, b.model())
		}
	}
	return out, nil
}

func (a *v08API) buildCall(ctx context.Context, c call) (*Build, error) {
	var b *v08Build
	if err := a.do(ctx, c, &b); err != nil {
		return nil, err
	}
	if b == nil {
		return nil, &Error{Kind: KindServer, Op: c.what, Message: "Drone answered without a build"}
	}
	return b.model(), nil
}

func (a *v08API) Build(ctx context.Context, slug string, number int64) (*Build, error) {
	p, err := buildPath(slug, number)
	if err != nil {
		return nil, err
	}
	return a.buildCall(ctx, call{op: "build", what: fmt.Sprintf("get build %s#%d", slug, number), method: http.MethodGet,
		path: p, missing500: true, notFound: fmt.Sprintf("build #%d of %s not found", number, slug)})
}

func (a *v08API) LatestBuild(ctx context.Context, slug, branch string) (*Build, error) {
	p, err := repoPath(slug)
	if err != nil {
		return nil, err
	}
	c := call{op: "latest", what: "get latest build of " + slug, method: http.MethodGet, path: p + "/builds/latest",
		missing500: true, notFound: "no build found for " + slug}
	if branch != "" {
		c.query = url.Values{"branch": {branch}}
		c.notFound = fmt.Sprintf("no build found for %s on branch %s", slug, branch)
	}
	return a.buildCall(ctx, c)
}

// CreateBuild re-runs the latest build of the branch: 0.8 has no create call.
func (a *v08API) CreateBuild(ctx context.Context, slug string, opts CreateOptions) (*Build, error) {
	if _, err := paramQuery(opts.Params, v08Reserved()...); err != nil {
		return nil, err
	}
	latest, err := a.LatestBuild(ctx, slug, opts.Branch)
	if IsNotFound(err) {
		branch := opts.Branch
		if branch == "" {
			branch = "the default branch"
		}
		return nil, &Error{Kind: KindNotFound, Op: "create build of " + slug, Message: fmt.Sprintf("branch %s has no build to re-run", branch)}
	}
	if err != nil {
		return nil, err
	}
	return a.restart(ctx, slug, latest.Number, opts.Params, nil, "create")
}

func (a *v08API) RestartBuild(ctx context.Context, slug string, number int64, params map[string]string) (*Build, error) {
	return a.restart(ctx, slug, number, params, nil, "restart")
}

// restart posts …/builds/{n}; extra carries the keys only dronebot may set.
func (a *v08API) restart(ctx context.Context, slug string, number int64, params map[string]string, extra url.Values, op string) (*Build, error) {
	p, err := buildPath(slug, number)
	if err != nil {
		return nil, err
	}
	q, err := paramQuery(params, v08Reserved()...)
	if err != nil {
		return nil, err
	}
	maps.Copy(q, extra)
	b, err := a.buildCall(ctx, call{op: op, what: fmt.Sprintf("%s build %s#%d", op, slug, number), method: http.MethodPost,
		path: p, query: q, notFound: fmt.Sprintf("build #%d of %s not found", number, slug) + writeHint})
	if err != nil {
		return nil, err
	}
	if b.Parent == 0 {
		b.Parent = number
	}
	// 0.8 does not echo the parameters; they became the pipeline's environment.
	if len(params) > 0 && b.Params == nil {
		b.Params = maps.Clone(params)
	}
	return b, nil
}

// CancelBuild stops each running top-level proc; 0.8 cannot stop a queued build.
func (a *v08API) CancelBuild(ctx context.Context, slug string, number int64) error {
	b, err := a.Build(ctx, slug, number)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("cancel build %s#%d", slug, number)
	if b.Status == StatusPending {
		return &Error{Kind: KindBadRequest, Op: what, Message: "Drone 0.8 cannot cancel a queued build"}
	}
	p, _ := buildPath(slug, number)
	stopped := 0
	for _, s := range b.Stages {
		if s.Status != StatusRunning {
			continue
		}
		c := call{op: "cancel", what: what, method: http.MethodDelete, path: fmt.Sprintf("%s/%d", p, s.Number),
			notFound: fmt.Sprintf("build #%d of %s not found", number, slug) + writeHint}
		if err := a.do(ctx, c, nil); err != nil {
			return err
		}
		stopped++
	}
	if stopped == 0 {
		return &Error{Kind: KindBadRequest, Op: what, Message: fmt.Sprintf("build #%d is not running (it is %s)", number, b.Status)}
	}
	return nil
}

func (a *v08API) ApproveBuild(ctx context.Context, slug string, number int64) error {
	return a.gate(ctx, slug, number, "approve")
}

func (a *v08API) DeclineBuild(ctx context.Context, slug string, number int64) error {
	return a.gate(ctx, slug, number, "decline")
}

func (a *v08API) gate(ctx context.Context, slug string, number int64, verb string) error {
	p, err := buildPath(slug, number)
	if err != nil {
		return err
	}
	return a.do(ctx, call{op: verb, what: fmt.Sprintf("%s build %s#%d", verb, slug, number), method: http.MethodPost,
		path: p + "/" + verb, notFound: fmt.Sprintf("build #%d of %s not found", number, slug) + writeHint}, nil)
}

// PromoteBuild is a restart as a deployment to target.
func (a *v08API) PromoteBuild(ctx context.Context, slug string, number int64, target string, params map[string]string) (*Build, error) {
	if target == "" {
		return nil, &Error{Kind: KindInvalid, Op: "promote build", Message: "a target environment is required"}
	}
	return a.restart(ctx, slug, number, params, url.Values{"event": {"deployment"}, "deploy_to": {target}}, "promote")
}

// LogTail reads …/logs/{build}/{pid}; step.Step is the step's pid.
func (a *v08API) LogTail(ctx context.Context, slug string, number int64, step StepRef, opts TailOptions) (*LogTail, error) {
	p, err := repoPath(slug)
	if err != nil {
		return nil, err
	}
	if number <= 0 || step.Step <= 0 {
		return nil, &Error{Kind: KindInvalid, Op: "get log", Message: "build number and step pid must be positive"}
	}
	c := call{op: "log", what: fmt.Sprintf("get log of %s#%d pid %d", slug, number, step.Step), method: http.MethodGet,
		path: fmt.Sprintf("%s/logs/%d/%d", p, number, step.Step), log: true}
	var tail *LogTail
	err = a.t.stream(ctx, c, mapV08, func(r io.Reader) error {
		var err error
		tail, err = readLogTail(r, opts)
		return err
	})
	return tail, err
}

// RecentBuilds: the watcher reads 0.8 through its repository listing.
func (a *v08API) RecentBuilds(context.Context) ([]*RecentBuild, error) {
	return nil, &Error{Kind: KindNotImplemented, Op: "list recent builds", Message: notAvailable}
}

// WatchBuilds: the watcher reads 0.8 through its repository listing.
func (a *v08API) WatchBuilds(context.Context, func(), func(string, *Build)) error {
	return &Error{Kind: KindNotImplemented, Op: "follow build events", Message: notAvailable}
}
