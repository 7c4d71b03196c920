package commands

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// branchGlob is a branch name that may hold glob characters.
var branchGlob = regexp.MustCompile(`^[A-Za-z0-9._/+@*?\[\]-]+$`)

// outcomeSets maps the /subscribe choice to the route outcomes it stores.
var outcomeSets = map[string][]string{
	"failure": {"failure"},
	"fixed":   {"failure", "fixed"},
	"all":     {"all"},
}

func parseSubscribe(r *Registry, a Args, req Request) (call, error) {
	if len(a.Positional) == 0 || len(a.Positional) > 3 || len(a.Params) > 0 {
		return call{}, usagef("")
	}
	repos := a.Positional[0]
	if err := checkRepoGlob(repos); err != nil {
		return call{}, err
	}
	branch, on := "", ""
	for _, arg := range a.Positional[1:] {
		if _, ok := outcomeSets[strings.ToLower(arg)]; ok && on == "" {
			on = strings.ToLower(arg)
			continue
		}
		if branch != "" || on != "" {
			return call{}, usagef("unexpected %q", shorten(arg, 30))
		}
		if !branchGlob.MatchString(arg) || strings.Contains(arg, "..") {
			return call{}, usagef("%q is not a branch or branch glob", shorten(arg, 60))
		}
		branch = arg
	}
	if on == "" {
		on = "failure"
	}
	if req.Conversation.ID == "" {
		return call{}, failf("this conversation cannot receive alerts.")
	}
	return call{repo: repos, run: func(ctx context.Context) (Reply, error) {
		return r.runSubscribe(ctx, req.Conversation, req.From, repos, branch, on)
	}}, nil
}

// runSubscribe stores the route. Branches default to the repository's
// default branch; a glob names many repositories with different defaults,
// so it defaults to every branch ("*").
func (r *Registry) runSubscribe(ctx context.Context, conv Conversation, by Identity, repos, branch, on string) (Reply, error) {
	if !isGlob(repos) && repos != "*" {
		repo, err := r.deps.Drone.Repo(ctx, repos)
		if err != nil {
			return Reply{}, explainRepoNotFound(fmt.Errorf("subscribe: %w", err), repos)
		}
		if branch == "" {
			branch = repo.DefaultBranch
		}
	}
	if branch == "" {
		branch = "*"
	}
	sub, err := r.deps.Subs.Subscribe(ctx, Subscription{
		Conversation: conv,
		Repos:        repos,
		Branches:     []string{branch},
		On:           append([]string(nil), outcomeSets[on]...),
		By:           by,
	})
	if err != nil {
		return Reply{}, fmt.Errorf("store subscription: %w", err)
	}
	return Reply{
		Text: fmt.Sprintf("subscribed (#%d): this conversation gets the %s alerts of %s on %s.",
			sub.ID, strings.Join(sub.On, " and "), repos, branchesText(sub.Branches)),
		Level: Success,
	}, nil
}

func branchesText(branches []string) string {
	if len(branches) == 1 && branches[0] == "*" {
		return "every branch"
	}
	return "branch " + strings.Join(branches, ", ")
}

func parseUnsubscribe(r *Registry, a Args, req Request) (call, error) {
	if len(a.Positional) == 0 || len(a.Positional) > 2 || len(a.Params) > 0 {
		return call{}, usagef("")
	}
	repos, branch := a.Positional[0], ""
	if err := checkRepoGlob(repos); err != nil {
		return call{}, err
	}
	if len(a.Positional) == 2 {
		branch = a.Positional[1]
	}
	return call{repo: repos, run: func(ctx context.Context) (Reply, error) {
		removed, err := r.deps.Subs.Unsubscribe(ctx, req.Conversation, repos, branch)
		if err != nil {
			return Reply{}, fmt.Errorf("remove subscription: %w", err)
		}
		what := repos
		if branch != "" {
			what += " on branch " + branch
		}
		if removed == 0 {
			return Reply{Text: fmt.Sprintf("this conversation has no subscription to %s; /subscriptions lists them.", what), Level: Warning}, nil
		}
		plural := "s"
		if removed == 1 {
			plural = ""
		}
		return Reply{Text: fmt.Sprintf("removed %d subscription%s to %s.", removed, plural, what), Level: Success}, nil
	}}, nil
}

func parseSubscriptions(r *Registry, a Args, req Request) (call, error) {
	if len(a.Positional) > 0 || len(a.Params) > 0 {
		return call{}, usagef("")
	}
	return call{run: func(ctx context.Context) (Reply, error) {
		subs, err := r.deps.Subs.List(ctx, req.Conversation)
		if err != nil {
			return Reply{}, fmt.Errorf("list subscriptions: %w", err)
		}
		if len(subs) == 0 {
			return Reply{Text: "this conversation has no subscriptions; /subscribe owner/name adds one."}, nil
		}
		var b strings.Builder
		for _, s := range subs {
			fmt.Fprintf(&b, "#%d %s on %s: %s\n", s.ID, s.Repos, branchesText(s.Branches), strings.Join(s.On, ", "))
		}
		return Reply{
			Title: fmt.Sprintf("%d subscriptions", len(subs)),
			Text:  strings.TrimRight(b.String(), "\n"),
		}, nil
	}}, nil
}
