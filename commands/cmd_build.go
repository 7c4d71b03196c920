package commands

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/dronebot/dronebot/drone"
)

// branchName is what a branch argument may hold (git's rules, simplified).
var branchName = regexp.MustCompile(`^[A-Za-z0-9._/+@-]+$`)

// targetName is a promotion target such as "production".
var targetName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

func checkBranch(s string) error {
	if !branchName.MatchString(s) || strings.Contains(s, "..") || strings.HasPrefix(s, "-") {
		return usagef(msgNotBranch, shorten(s, 60))
	}
	return nil
}

func parseBuild(r *Registry, a Args, _ Request) (call, error) {
	if len(a.Positional) == 0 || len(a.Positional) > 2 {
		return call{}, usagef(msgNone)
	}
	slug, branch := a.Positional[0], ""
	if err := checkSlug(slug); err != nil {
		return call{}, err
	}
	if len(a.Positional) == 2 {
		branch = a.Positional[1]
		if err := checkBranch(branch); err != nil {
			return call{}, err
		}
	}
	return call{repo: slug, run: func(ctx context.Context) (Reply, error) {
		return r.runBuild(ctx, slug, branch, a.Params)
	}}, nil
}

func (r *Registry) runBuild(ctx context.Context, slug, branch string, params map[string]string) (Reply, error) {
	v08, err := r.isV08(ctx)
	if err != nil {
		return Reply{}, err
	}
	b, err := r.deps.Drone.CreateBuild(ctx, slug, drone.CreateOptions{Branch: branch, Params: params})
	if err != nil {
		return Reply{}, r.explainCreate(ctx, fmt.Errorf("create build: %w", err), slug, branch, v08)
	}
	reply := Reply{
		Level:  Success,
		Links:  r.pageLinks(b.Number, slug),
		Follow: &Follow{Repo: slug, Number: b.Number},
	}
	p := r.say()
	on := b.Branch()
	if on == "" {
		on = branch
	}
	if v08 && b.Parent > 0 {
		reply.Text = p.f(msgReran, b.Parent, shortCommit(b.Commit), b.Number)
	} else {
		reply.Text = p.f(msgStarted, slug, b.Number)
	}
	if on != "" {
		reply.Text += p.f(msgOnBranch, on)
	}
	if v08 && b.Parent > 0 {
		reply.Text += p.f(msgRerunWhy)
	} else {
		reply.Text += p.f(msgPeriod)
	}
	if keys := sortedKeys(params); len(keys) > 0 {
		// Only the names: values may be secrets and the reply is public.
		reply.Fields = append(reply.Fields, Field{Name: p.f(msgParameters), Value: strings.Join(keys, ", ")})
	}
	return reply, nil
}

// explainCreate phrases a failed create: an unknown repository, or a branch
// Drone could not build (1.x answers 404 for an unknown branch; 0.8 has no
// build of it to re-run).
func (r *Registry) explainCreate(ctx context.Context, err error, slug, branch string, v08 bool) error {
	kind := drone.KindOf(err)
	if kind != drone.KindNotFound && !(v08 && kind == drone.KindServer) {
		return err
	}
	repo, rerr := r.deps.Drone.Repo(ctx, slug)
	if drone.IsNotFound(rerr) {
		return r.unknownRepo(ctx, err, slug)
	}
	if rerr != nil {
		return err
	}
	if branch == "" {
		branch = repo.DefaultBranch
	}
	if v08 {
		return fail(Error, err, msgNoBuildToRerun, branch)
	}
	return fail(Error, err, msgCannotBuildBranch, branch, slug)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func parseRestart(r *Registry, a Args, _ Request) (call, error) {
	slug, n, rest, err := takeRepoBuild(a.Positional)
	if err != nil {
		return call{}, err
	}
	if len(rest) > 0 {
		return call{}, usagef(msgUnexpected, shorten(rest[0], 30))
	}
	return call{repo: slug, run: func(ctx context.Context) (Reply, error) {
		b, err := r.deps.Drone.RestartBuild(ctx, slug, n, a.Params)
		if err != nil {
			return Reply{}, r.explainNotFound(ctx, fmt.Errorf("restart: %w", err), slug, n)
		}
		return Reply{
			Text:   r.say().f(msgRestarted, slug, n, b.Number),
			Level:  Success,
			Links:  r.pageLinks(b.Number, slug),
			Follow: &Follow{Repo: slug, Number: b.Number},
		}, nil
	}}, nil
}

func parsePromote(r *Registry, a Args, _ Request) (call, error) {
	slug, n, rest, err := takeRepoBuild(a.Positional)
	if err != nil {
		return call{}, err
	}
	if len(rest) != 1 {
		return call{}, usagef(msgOneTarget)
	}
	target := rest[0]
	if !targetName.MatchString(target) {
		return call{}, usagef(msgNotTarget, shorten(target, 30))
	}
	return call{repo: slug, run: func(ctx context.Context) (Reply, error) {
		b, err := r.deps.Drone.PromoteBuild(ctx, slug, n, target, a.Params)
		if drone.KindOf(err) == drone.KindNotImplemented {
			return Reply{}, fail(Error, err, msgPromoteNotOnEdition)
		}
		if drone.KindOf(err) == drone.KindForbidden && r.woodpecker.Load() {
			return Reply{}, fail(Error, err, msgDeployOff)
		}
		if err != nil {
			return Reply{}, r.explainNotFound(ctx, fmt.Errorf("promote: %w", err), slug, n)
		}
		return Reply{
			Text:   r.say().f(msgPromoted, slug, n, target, b.Number),
			Level:  Success,
			Links:  r.pageLinks(b.Number, slug),
			Follow: &Follow{Repo: slug, Number: b.Number},
		}, nil
	}}, nil
}
