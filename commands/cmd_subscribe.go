package commands

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
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
		return call{}, usagef(msgNone)
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
			return call{}, usagef(msgUnexpected, shorten(arg, 30))
		}
		if !branchGlob.MatchString(arg) || strings.Contains(arg, "..") {
			return call{}, usagef(msgNotBranchGlob, shorten(arg, 60))
		}
		branch = arg
	}
	if on == "" {
		on = "failure"
	}
	if req.Conversation.ID == "" {
		return call{}, fail(Error, nil, msgCannotReceive)
	}
	return call{repo: repos, run: func(ctx context.Context) (Reply, error) {
		return r.runSubscribe(ctx, req.Conversation, req.From, repos, branch, on)
	}}, nil
}

// runSubscribe stores the route. Branches default to the repository's
// default branch; a glob names many repositories with different defaults,
// so it defaults to every branch ("*").
func (r *Registry) runSubscribe(ctx context.Context, conv Conversation, by Identity, repos, branch, on string) (Reply, error) {
	typedBranch := branch
	if !isGlob(repos) && repos != "*" {
		repo, err := r.deps.Drone.Repo(ctx, repos)
		if err != nil {
			return Reply{}, r.explainRepoNotFound(ctx, fmt.Errorf("subscribe: %w", err), repos)
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
		typed := strings.Join(slices.DeleteFunc([]string{"/subscribe", repos, typedBranch, on}, func(s string) bool { return s == "" }), " ")
		return Reply{}, heldOr(err, fmt.Errorf("store subscription: %w", err), typed)
	}
	p := r.say()
	return Reply{
		Text:  p.f(msgSubscribed, sub.ID, strings.Join(sub.On, p.f(msgAnd)), repos, branchesText(p, sub.Branches)),
		Level: Success,
	}, nil
}

// heldOr is the sentence for subscriptions another process owns (the
// command was typed in a terminal while the bot runs), else err.
func heldOr(cause, err error, typed string) error {
	if errors.Is(cause, ErrSubscriptionsHeld) {
		return fail(Error, err, msgSubsHeld, typed)
	}
	return err
}

func branchesText(p *phrases, branches []string) string {
	if len(branches) == 1 && branches[0] == "*" {
		return p.f(msgEveryBranch)
	}
	return p.f(msgBranches, strings.Join(branches, p.f(msgListSep)))
}

func parseUnsubscribe(r *Registry, a Args, req Request) (call, error) {
	if len(a.Positional) == 0 || len(a.Positional) > 2 || len(a.Params) > 0 {
		return call{}, usagef(msgNone)
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
			typed := strings.TrimSpace("/unsubscribe " + repos + " " + branch)
			return Reply{}, heldOr(err, fmt.Errorf("remove subscription: %w", err), typed)
		}
		p, what := r.say(), repos
		if branch != "" {
			what = p.f(msgOnBranchWhat, repos, branch)
		}
		if removed == 0 {
			return Reply{Text: p.f(msgNoSubscriptionTo, what), Level: Warning}, nil
		}
		done := msgRemovedMany
		if removed == 1 {
			done = msgRemovedOne
		}
		return Reply{Text: p.f(done, removed, what), Level: Success}, nil
	}}, nil
}

func parseSubscriptions(r *Registry, a Args, req Request) (call, error) {
	if len(a.Positional) > 0 || len(a.Params) > 0 {
		return call{}, usagef(msgNone)
	}
	return call{run: func(ctx context.Context) (Reply, error) {
		subs, err := r.deps.Subs.List(ctx, req.Conversation)
		if err != nil {
			return Reply{}, fmt.Errorf("list subscriptions: %w", err)
		}
		p := r.say()
		if len(subs) == 0 {
			return Reply{Text: p.f(msgNoSubscriptions)}, nil
		}
		var b strings.Builder
		for _, s := range subs {
			b.WriteString(p.f(msgSubscriptionLine, s.ID, s.Repos, branchesText(p, s.Branches), strings.Join(s.On, p.f(msgListSep))))
			b.WriteByte('\n')
		}
		return Reply{
			Title: p.n(len(subs), msgSubscriptionsTitleOne, msgSubscriptionsTitle),
			Text:  strings.TrimRight(b.String(), "\n"),
		}, nil
	}}, nil
}
