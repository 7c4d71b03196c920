package drone

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// v1API speaks the Drone 1.x/2.x API.
type v1API struct {
	t *transport
}

var _ Client = (*v1API)(nil)

const writeHint = ", or the token may not write to it"

func (a *v1API) do(ctx context.Context, c call, out any) error {
	return a.t.do(ctx, c, mapV1, out)
}

func (a *v1API) Dialect(context.Context) (Dialect, error) { return DialectV1, nil }

func (a *v1API) Self(ctx context.Context) (*User, error) {
	var u v1User
	if err := a.do(ctx, call{op: "self", what: "get user", method: http.MethodGet, path: "/api/user"}, &u); err != nil {
		return nil, err
	}
	return u.model(), nil
}

func (a *v1API) Repos(ctx context.Context, latest bool) ([]*Repo, error) {
	c := call{op: "repos", what: "list repositories", method: http.MethodGet, path: "/api/user/repos"}
	if latest {
		c.query = url.Values{"latest": {"true"}}
	}
	var rs []*v1Repo
	if err := a.do(ctx, c, &rs); err != nil {
		return nil, err
	}
	return v1Repos(rs, true), nil
}

func (a *v1API) SyncRepos(ctx context.Context) ([]*Repo, error) {
	sync := call{op: "sync", what: "sync repositories", method: http.MethodPost, path: "/api/user/repos"}
	if err := a.do(ctx, sync, nil); err != nil {
		return nil, err
	}
	var rs []*v1Repo
	list := call{op: "repos", what: "list repositories", method: http.MethodGet, path: "/api/user/repos"}
	if err := a.do(ctx, list, &rs); err != nil {
		return nil, err
	}
	return v1Repos(rs, false), nil
}

func (a *v1API) repoCall(ctx context.Context, op, verb, method, slug string, hint string) (*Repo, error) {
	p, err := repoPath(slug)
	if err != nil {
		return nil, err
	}
	var r v1Repo
	c := call{op: op, what: verb + " " + slug, method: method, path: p, notFound: "repository " + slug + " not found" + hint}
	if err := a.do(ctx, c, &r); err != nil {
		return nil, err
	}
	return r.model(), nil
}

func (a *v1API) Repo(ctx context.Context, slug string) (*Repo, error) {
	return a.repoCall(ctx, "repo", "get repository", http.MethodGet, slug, "")
}

func (a *v1API) EnableRepo(ctx context.Context, slug string) (*Repo, error) {
	return a.repoCall(ctx, "enable", "enable repository", http.MethodPost, slug, writeHint)
}

func (a *v1API) DisableRepo(ctx context.Context, slug string) (*Repo, error) {
	return a.repoCall(ctx, "disable", "disable repository", http.MethodDelete, slug, writeHint)
}

func (a *v1API) Builds(ctx context.Context, slug string, opts ListOptions) ([]*Build, error) {
	p, err := repoPath(slug)
	if err != nil {
		return nil, err
	}
	page, perPage := max(opts.Page, 1), opts.PerPage
	switch {
	case perPage <= 0:
		perPage = 25
	case perPage > 100:
		perPage = 100 // the server would silently fall back to 25
	}
	q := url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(perPage)}}
	if opts.Branch != "" {
		q.Set("branch", opts.Branch)
	}
	var bs []*v1Build
	c := call{op: "builds", what: "list builds of " + slug, method: http.MethodGet, path: p + "/builds", query: q,
		notFound: "repository " + slug + " not found"}
	if err := a.do(ctx, c, &bs); err != nil {
		return nil, err
	}
	out := make([]*Build, 0, len(bs))
	for _, b := range bs {
		if b != nil {
			out = append(out, b.model())
		}
	}
	return out, nil
}

// buildCall runs c and decodes a build; a 200 "null" is KindNothingTriggered.
func (a *v1API) buildCall(ctx context.Context, c call) (*Build, error) {
	var b *v1Build
	if err := a.do(ctx, c, &b); err != nil {
		return nil, err
	}
	if b == nil {
		return nil, &Error{Kind: KindNothingTriggered, Op: c.what, Status: http.StatusOK,
			Message: "nothing triggered: no pipeline matched (skipped commit, trigger rules or an inactive repository)"}
	}
	return b.model(), nil
}

func (a *v1API) Build(ctx context.Context, slug string, number int64) (*Build, error) {
	p, err := buildPath(slug, number)
	if err != nil {
		return nil, err
	}
	return a.buildCall(ctx, call{op: "build", what: fmt.Sprintf("get build %s#%d", slug, number), method: http.MethodGet,
		path: p, notFound: fmt.Sprintf("build #%d of %s not found", number, slug)})
}

func (a *v1API) LatestBuild(ctx context.Context, slug, branch string) (*Build, error) {
	p, err := repoPath(slug)
	if err != nil {
		return nil, err
	}
	c := call{op: "latest", what: "get latest build of " + slug, method: http.MethodGet, path: p + "/builds/latest",
		notFound: "no build found for " + slug}
	if branch != "" {
		c.query = url.Values{"branch": {branch}}
		c.notFound = fmt.Sprintf("no build found for %s on branch %s", slug, branch)
	}
	return a.buildCall(ctx, c)
}

func (a *v1API) CreateBuild(ctx context.Context, slug string, opts CreateOptions) (*Build, error) {
	p, err := repoPath(slug)
	if err != nil {
		return nil, err
	}
	q, err := paramQuery(opts.Params, "access_token", "branch", "commit")
	if err != nil {
		return nil, err
	}
	if opts.Branch != "" {
		q.Set("branch", opts.Branch)
	}
	if opts.Commit != "" {
		q.Set("commit", opts.Commit)
	}
	return a.buildCall(ctx, call{op: "create", what: "create build of " + slug, method: http.MethodPost,
		path: p + "/builds", query: q, notFound: "repository " + slug + " not found" + writeHint})
}

func (a *v1API) RestartBuild(ctx context.Context, slug string, number int64, params map[string]string) (*Build, error) {
	p, err := buildPath(slug, number)
	if err != nil {
		return nil, err
	}
	q, err := paramQuery(params, "access_token", "debug")
	if err != nil {
		return nil, err
	}
	return a.buildCall(ctx, call{op: "restart", what: fmt.Sprintf("restart build %s#%d", slug, number), method: http.MethodPost,
		path: p, query: q, notFound: fmt.Sprintf("build #%d of %s not found", number, slug) + writeHint})
}

func (a *v1API) CancelBuild(ctx context.Context, slug string, number int64) error {
	p, err := buildPath(slug, number)
	if err != nil {
		return err
	}
	return a.do(ctx, call{op: "cancel", what: fmt.Sprintf("cancel build %s#%d", slug, number), method: http.MethodDelete,
		path: p, notFound: fmt.Sprintf("build #%d of %s not found", number, slug) + writeHint}, nil)
}

func (a *v1API) ApproveBuild(ctx context.Context, slug string, number int64) error {
	return a.gate(ctx, slug, number, "approve")
}

func (a *v1API) DeclineBuild(ctx context.Context, slug string, number int64) error {
	return a.gate(ctx, slug, number, "decline")
}

// gate approves or declines every blocked stage of the build.
func (a *v1API) gate(ctx context.Context, slug string, number int64, verb string) error {
	b, err := a.Build(ctx, slug, number)
	if err != nil {
		return err
	}
	p, _ := buildPath(slug, number)
	what := fmt.Sprintf("%s build %s#%d", verb, slug, number)
	gated := 0
	for _, s := range b.Stages {
		if s.Status != StatusBlocked {
			continue
		}
		gated++
		c := call{op: verb, what: what, method: http.MethodPost, path: fmt.Sprintf("%s/%s/%d", p, verb, s.Number),
			notFound: fmt.Sprintf("build #%d of %s not found", number, slug) + writeHint}
		if err := a.do(ctx, c, nil); err != nil {
			return err
		}
	}
	if gated == 0 {
		return &Error{Kind: KindBadRequest, Op: what, Message: fmt.Sprintf("build #%d has no stage waiting for approval (it is %s)", number, b.Status)}
	}
	return nil
}

func (a *v1API) PromoteBuild(ctx context.Context, slug string, number int64, target string, params map[string]string) (*Build, error) {
	p, err := buildPath(slug, number)
	if err != nil {
		return nil, err
	}
	if target == "" {
		return nil, &Error{Kind: KindInvalid, Op: "promote build", Message: "a target environment is required"}
	}
	q, err := paramQuery(params, "access_token", "target")
	if err != nil {
		return nil, err
	}
	q.Set("target", target)
	return a.buildCall(ctx, call{op: "promote", what: fmt.Sprintf("promote build %s#%d to %s", slug, number, target),
		method: http.MethodPost, path: p + "/promote", query: q,
		notFound: fmt.Sprintf("build #%d of %s not found", number, slug) + writeHint})
}

func (a *v1API) LogTail(ctx context.Context, slug string, number int64, step StepRef, opts TailOptions) (*LogTail, error) {
	p, err := buildPath(slug, number)
	if err != nil {
		return nil, err
	}
	c := call{op: "log", what: fmt.Sprintf("get log of %s#%d step %d/%d", slug, number, step.Stage, step.Step),
		method: http.MethodGet, path: fmt.Sprintf("%s/logs/%d/%d", p, step.Stage, step.Step), log: true}
	var tail *LogTail
	err = a.t.stream(ctx, c, mapV1, func(r io.Reader) error {
		var err error
		tail, err = readLogTail(r, opts)
		return err
	})
	return tail, err
}

// RecentBuilds: Drone 1.x has no feed the watcher could use.
func (a *v1API) RecentBuilds(context.Context) ([]*RecentBuild, error) {
	return nil, &Error{Kind: KindNotImplemented, Op: "list recent builds", Message: notAvailable}
}

// WatchBuilds: Drone 1.x reports builds through its global webhook instead.
func (a *v1API) WatchBuilds(context.Context, func(), func(string, *Build)) error {
	return &Error{Kind: KindNotImplemented, Op: "follow build events", Message: notAvailable}
}
