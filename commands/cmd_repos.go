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
		return call{}, usagef("one filter at a time")
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

	kind := "active repositories"
	if all {
		kind = "repositories"
	}
	if len(shown) == 0 {
		text := "no " + kind
		if filter != "" {
			text += " match " + filter
		}
		if !all {
			text += "; /repos --all lists inactive ones too"
		}
		return Reply{Text: text + ".", Level: Warning}, nil
	}
	var b strings.Builder
	for i, repo := range shown {
		if i == maxListed {
			fmt.Fprintf(&b, "… and %d more; narrow the list with a filter.\n", len(shown)-maxListed)
			break
		}
		b.WriteString(repoLine(repo, all))
		b.WriteByte('\n')
	}
	return Reply{
		Title: fmt.Sprintf("%d %s", len(shown), kind),
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

func repoLine(repo *drone.Repo, all bool) string {
	line := repo.Slug
	if all && !repo.Active {
		return line + " (inactive)"
	}
	if b := repo.Build; b != nil && b.Number > 0 {
		return fmt.Sprintf("%s %s #%d %s on %s", statusMark(b.Status), repo.Slug, b.Number, b.Status, b.Branch())
	}
	if all {
		return line + " (active)"
	}
	return line + " (no build yet)"
}

func parseActivate(enable bool) func(*Registry, Args, Request) (call, error) {
	return func(r *Registry, a Args, _ Request) (call, error) {
		if len(a.Positional) != 1 || len(a.Params) > 0 {
			return call{}, usagef("")
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
	var err error
	verb := "activated"
	if enable {
		_, err = r.deps.Drone.EnableRepo(ctx, slug)
	} else {
		verb = "deactivated"
		_, err = r.deps.Drone.DisableRepo(ctx, slug)
	}
	switch {
	case drone.KindOf(err) == drone.KindConflict && enable:
		return Reply{}, &sentenceError{sentence: slug + " is already active.", level: Warning, cause: err}
	case err != nil:
		return Reply{}, explainRepoNotFound(fmt.Errorf("%s %s: %w", verb, slug, err), slug)
	}
	return Reply{Text: fmt.Sprintf("%s %s.", verb, slug), Level: Success}, nil
}
