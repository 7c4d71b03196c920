package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/dronebot/dronebot/drone"
)

func parseStatus(r *Registry, a Args, _ Request) (call, error) {
	pos := a.Positional
	if len(pos) == 0 || len(pos) > 2 || len(a.Params) > 0 {
		return call{}, usagef(msgNone)
	}
	if len(pos) == 2 && !isBuildNumber(pos[1]) && !strings.Contains(pos[0], "#") {
		slug, branch := pos[0], pos[1]
		if err := checkSlug(slug); err != nil {
			return call{}, err
		}
		if err := checkBranch(branch); err != nil {
			return call{}, err
		}
		return call{repo: slug, run: func(ctx context.Context) (Reply, error) { return r.runStatus(ctx, slug, 0, branch) }}, nil
	}
	if len(pos) == 1 && !strings.Contains(pos[0], "#") {
		slug := pos[0]
		if err := checkSlug(slug); err != nil {
			return call{}, err
		}
		return call{repo: slug, run: func(ctx context.Context) (Reply, error) { return r.runStatus(ctx, slug, 0, "") }}, nil
	}
	slug, n, rest, err := takeRepoBuild(pos)
	if err != nil {
		return call{}, err
	}
	if len(rest) > 0 {
		return call{}, usagef(msgUnexpected, shorten(rest[0], 30))
	}
	return call{repo: slug, run: func(ctx context.Context) (Reply, error) { return r.runStatus(ctx, slug, n, "") }}, nil
}

// runStatus shows build n, or when n is 0 the latest build of branch (the
// default branch when empty).
func (r *Registry) runStatus(ctx context.Context, slug string, n int64, branch string) (Reply, error) {
	var b *drone.Build
	var err error
	if n > 0 {
		b, err = r.getBuild(ctx, slug, n)
	} else {
		b, err = r.latestBuild(ctx, slug, branch)
	}
	if err != nil {
		return Reply{}, err
	}
	return r.statusReply(slug, b), nil
}

// latestBuild is the latest build of branch, with its stages; "" is the
// default branch.
func (r *Registry) latestBuild(ctx context.Context, slug, branch string) (*drone.Build, error) {
	b, err := r.deps.Drone.LatestBuild(ctx, slug, branch)
	if err != nil && drone.IsNotFound(err) {
		if _, rerr := r.deps.Drone.Repo(ctx, slug); drone.IsNotFound(rerr) {
			return nil, r.unknownRepo(ctx, err, slug)
		}
		if branch != "" {
			return nil, fail(Warning, err, msgNoBranchBuild, slug, branch)
		}
		return nil, fail(Warning, err, msgNoDefaultBuild, slug)
	}
	if err != nil {
		return nil, fmt.Errorf("latest build: %w", err)
	}
	if len(b.Stages) == 0 && b.Error == "" && b.Number > 0 {
		// Some answers leave the stages out; the build itself has them.
		if full, ferr := r.deps.Drone.Build(ctx, slug, b.Number); ferr == nil {
			b = full
		}
	}
	return b, nil
}

func (r *Registry) statusReply(slug string, b *drone.Build) Reply {
	now, p := r.deps.Now(), r.say()
	text := stepLines(p, b, now)
	if b.Error != "" {
		text = strings.TrimSpace(p.f(msgErrorPrefix, shorten(strings.TrimSpace(b.Error), 300)) + "\n" + text)
	}
	if text == "" {
		text = p.f(msgNoStageYet)
	}
	return Reply{
		Title:   fmt.Sprintf("%s #%d: %s", slug, b.Number, b.Status),
		Text:    text,
		Fields:  buildFields(p, b, now),
		Links:   r.buildLinks(slug, b.Number),
		Buttons: buttonsFor(p, slug, b),
		Level:   statusLevel(b.Status),
	}
}
