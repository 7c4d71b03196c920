package commands

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/dronebot/dronebot/drone"
)

// maxListed keeps a repository list within what a chat message can hold.
const maxListed = 50

func parseRepos(r *Registry, a Args, _ Request) (call, error) {
	if len(a.Positional) > 1 {
		return call{}, usagef(msgOneFilter)
	}
	filter := ""
	if len(a.Positional) == 1 {
		filter = a.Positional[0]
	}
	return call{run: func(ctx context.Context) (Reply, error) { return r.runRepos(ctx, filter, a.All) }}, nil
}

func (r *Registry) runRepos(ctx context.Context, filter string, all bool) (Reply, error) {
	var repos []*drone.Repo
	var err error
	if all {
		repos, err = r.deps.Drone.SyncRepos(ctx)
	} else {
		repos, err = r.deps.Drone.Repos(ctx, true)
	}
	if err != nil {
		return Reply{}, fmt.Errorf("list repositories: %w", err)
	}
	var shown []*drone.Repo
	for _, repo := range repos {
		if matchesFilter(filter, repo.Slug) {
			shown = append(shown, repo)
		}
	}
	sort.Slice(shown, func(i, j int) bool { return shown[i].Slug < shown[j].Slug })

	p := r.say()
	if len(shown) == 0 {
		var text string
		switch {
		case filter == "" && all:
			text = p.f(msgNoRepos)
		case filter == "":
			text = p.f(msgNoActive)
		case all:
			text = p.f(msgNoReposMatch, filter)
		default:
			text = p.f(msgNoActiveMatch, filter)
		}
		if !all {
			text += p.f(msgAllHint)
		}
		return Reply{Text: text + p.f(msgPeriod), Level: Warning}, nil
	}
	var b strings.Builder
	for i, repo := range shown {
		if i == maxListed {
			b.WriteString(p.n(len(shown)-maxListed, msgMoreReposOne, msgMoreRepos))
			b.WriteByte('\n')
			break
		}
		b.WriteString(repoLine(p, repo, all))
		b.WriteByte('\n')
	}
	title := p.n(len(shown), msgReposActiveOne, msgReposActive)
	if all {
		title = p.n(len(shown), msgReposAllOne, msgReposAll)
	}
	return Reply{
		Title: title,
		Text:  strings.TrimRight(b.String(), "\n"),
	}, nil
}

func matchesFilter(filter, slug string) bool {
	switch {
	case filter == "":
		return true
	case isGlob(filter):
		return MatchGlob(filter, slug)
	}
	return strings.Contains(strings.ToLower(slug), strings.ToLower(filter))
}

func repoLine(p *phrases, repo *drone.Repo, all bool) string {
	if all && !repo.Active {
		return p.f(msgRepoInactive, repo.Slug)
	}
	if b := repo.Build; b != nil && b.Number > 0 {
		return p.f(msgRepoBuild, statusMark(b.Status), repo.Slug, b.Number, b.Status, b.Branch())
	}
	if all {
		return p.f(msgRepoActive, repo.Slug)
	}
	return p.f(msgRepoNoBuild, repo.Slug)
}

func parseActivate(enable bool) func(*Registry, Args, Request) (call, error) {
	return func(r *Registry, a Args, _ Request) (call, error) {
		if len(a.Positional) != 1 || len(a.Params) > 0 {
			return call{}, usagef(msgNone)
		}
		slug := a.Positional[0]
		if err := checkSlug(slug); err != nil {
			return call{}, err
		}
		return call{repo: slug, run: func(ctx context.Context) (Reply, error) {
			return r.runActivate(ctx, slug, enable)
		}}, nil
	}
}

func (r *Registry) runActivate(ctx context.Context, slug string, enable bool) (Reply, error) {
	// Asking first spares Drone a write that would change nothing, and
	// says so in the asker's words.
	repo, err := r.deps.Drone.Repo(ctx, slug)
	switch {
	case err == nil && repo.Active == enable && enable:
		return Reply{}, fail(Warning, nil, msgAlreadyActive, slug)
	case err == nil && repo.Active == enable:
		return Reply{}, fail(Warning, nil, msgAlreadyInactive, slug)
	case drone.IsNotFound(err) && !enable && r.inactiveOnForge(ctx, slug):
		// Woodpecker knows inactive repositories only from the forge.
		return Reply{}, fail(Warning, nil, msgAlreadyInactive, slug)
	}
	verb, done := "activated", msgActivated
	if enable {
		_, err = r.deps.Drone.EnableRepo(ctx, slug)
	} else {
		verb, done = "deactivated", msgDeactivated
		_, err = r.deps.Drone.DisableRepo(ctx, slug)
	}
	switch {
	case drone.KindOf(err) == drone.KindConflict && enable:
		return Reply{}, fail(Warning, err, msgAlreadyActive, slug)
	case err != nil:
		return Reply{}, r.explainRepoNotFound(ctx, fmt.Errorf("%s %s: %w", verb, slug, err), slug)
	}
	return Reply{Text: r.say().f(done, slug), Level: Success}, nil
}

// inactiveOnForge says whether the forge listing has slug, inactive.
func (r *Registry) inactiveOnForge(ctx context.Context, slug string) bool {
	repos, err := r.deps.Drone.SyncRepos(ctx)
	if err != nil {
		return false
	}
	for _, repo := range repos {
		if repo.Slug == slug {
			return !repo.Active
		}
	}
	return false
}
