package commands

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/spell"
)

// askerKey carries the identity of who asked through a command's context,
// so that suggestions only name repositories the asker may read.
type askerKey struct{}

func withAsker(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, askerKey{}, id)
}

// bareRepoName says whether s names a repository without its owner, as in
// "/status demo" (possibly "demo#42").
func bareRepoName(s string) bool {
	name, _, _ := strings.Cut(s, "#")
	return !strings.Contains(name, "/") && slugPart.MatchString(name) && !strings.Contains(name, "..")
}

// resolveRepoArg rewrites a bare repository name at the front of a's
// positional arguments to the one active repository of that name.
func (r *Registry) resolveRepoArg(ctx context.Context, a *Args) error {
	if len(a.Positional) == 0 || !bareRepoName(a.Positional[0]) {
		return nil
	}
	name, build, hasBuild := strings.Cut(a.Positional[0], "#")
	slug, err := r.resolveRepo(ctx, name)
	if err != nil {
		return err
	}
	if hasBuild {
		slug += "#" + build
	}
	a.Positional = append([]string{slug}, a.Positional[1:]...)
	return nil
}

// resolveRepo is the active repository named name: the one whose name
// (without owner) it is, ignoring case, when only one is.
func (r *Registry) resolveRepo(ctx context.Context, name string) (string, error) {
	repos, err := r.visibleRepos(ctx)
	if err != nil {
		return "", fmt.Errorf("list repositories to find %s: %w", name, err)
	}
	var hits []string
	for _, repo := range repos {
		if strings.EqualFold(repo.Name, name) {
			hits = append(hits, repo.Slug)
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], nil
	case 0:
		if best := closestRepo(name, repos); best != "" {
			return "", fail(Error, nil, msgUnknownRepoDidYouMean, name, best)
		}
		return "", fail(Error, nil, msgUnknownRepoName, name)
	}
	sort.Strings(hits)
	return "", fail(Error, nil, msgRepoAmbiguous, name, strings.Join(hits, r.say().f(msgListSep)))
}

// unknownRepo is the sentence for a repository Drone does not know, with
// the near miss among the active ones when there is one.
func (r *Registry) unknownRepo(ctx context.Context, cause error, slug string) error {
	if repos, err := r.visibleRepos(ctx); err == nil {
		if best := closestRepo(slug, repos); best != "" && best != slug {
			return fail(Error, cause, msgUnknownRepoDidYouMean, slug, best)
		}
	}
	return fail(Error, cause, msgUnknownRepo, slug)
}

// visibleRepos are the active repositories the asker may read.
func (r *Registry) visibleRepos(ctx context.Context) ([]*drone.Repo, error) {
	repos, err := r.deps.Drone.Repos(ctx, false)
	if err != nil {
		return nil, err
	}
	id, known := ctx.Value(askerKey{}).(Identity)
	out := repos[:0:0]
	for _, repo := range repos {
		if !known || r.deps.ACL.Allows(id, Read, repo.Slug) {
			out = append(out, repo)
		}
	}
	return out, nil
}

// closestRepo is the slug of the repository nearest to s by edit
// distance, compared with whole slugs when s has an owner and with names
// when not; "" when none is close enough to be a typo, or two are.
func closestRepo(s string, repos []*drone.Repo) string {
	s = strings.ToLower(s)
	withOwner := strings.Contains(s, "/")
	limit := 2
	if len([]rune(s)) <= 4 {
		limit = 1
	}
	best, bestDist, tie := "", limit+1, false
	for _, repo := range repos {
		against := repo.Name
		if withOwner {
			against = repo.Slug
		}
		d := spell.Distance(s, strings.ToLower(against))
		switch {
		case d < bestDist:
			best, bestDist, tie = repo.Slug, d, false
		case d == bestDist && repo.Slug != best:
			tie = true
		}
	}
	if tie {
		return ""
	}
	return best
}
