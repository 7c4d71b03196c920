package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dronebot/dronebot/drone"
)

const (
	// defaultBuildsListed and maxBuildsListed bound /builds' -n.
	defaultBuildsListed = 10
	maxBuildsListed     = 50
	// buildsPages bounds the pages read while filters leave too few builds.
	buildsPages = 4
)

// buildStatuses are the values --status accepts, with their spellings.
var buildStatuses = map[string]drone.Status{
	"success": drone.StatusSuccess, "passed": drone.StatusSuccess, "ok": drone.StatusSuccess,
	"failure": drone.StatusFailure, "failed": drone.StatusFailure, "fail": drone.StatusFailure,
	"error": drone.StatusError, "errored": drone.StatusError,
	"running": drone.StatusRunning, "pending": drone.StatusPending,
	"killed": drone.StatusKilled, "cancelled": drone.StatusKilled, "canceled": drone.StatusKilled,
	"skipped": drone.StatusSkipped, "blocked": drone.StatusBlocked, "declined": drone.StatusDeclined,
	"waiting_on_dependencies": drone.StatusWaiting,
}

// buildEvents are the values --event accepts; Drone 0.8's and Woodpecker's
// names map to the events the client reports.
var buildEvents = map[string]string{
	"push": drone.EventPush, "pull_request": drone.EventPullRequest, "pr": drone.EventPullRequest,
	"tag": drone.EventTag, "release": drone.EventTag,
	"promote": drone.EventPromote, "deployment": drone.EventPromote, "deploy": drone.EventPromote,
	"rollback": drone.EventRollback, "cron": drone.EventCron,
	"custom": drone.EventCustom, "manual": drone.EventCustom, "api": drone.EventCustom,
}

// buildFilter is what /builds keeps of the listed builds.
type buildFilter struct {
	branch string
	status drone.Status // "" for any
	event  string       // "" for any
	count  int
}

func (f buildFilter) any() bool { return f.status != "" || f.event != "" }

func (f buildFilter) keeps(b *drone.Build) bool {
	switch {
	case f.status != "" && b.Status != f.status:
		return false
	case f.event != "" && b.Event != f.event:
		return false
	case f.branch != "" && b.Branch() != f.branch && b.Target != f.branch:
		return false
	}
	return true
}

func parseBuilds(r *Registry, a Args, _ Request) (call, error) {
	pos := a.Positional
	if len(pos) == 0 || len(pos) > 2 || len(a.Params) > 0 {
		return call{}, usagef(msgNone)
	}
	slug := pos[0]
	if err := checkSlug(slug); err != nil {
		return call{}, err
	}
	f := buildFilter{count: a.Lines}
	if len(pos) == 2 {
		f.branch = pos[1]
		if err := checkBranch(f.branch); err != nil {
			return call{}, err
		}
	}
	if a.Status != "" {
		s, ok := buildStatuses[strings.ToLower(a.Status)]
		if !ok {
			return call{}, usagef(msgNotStatus, shorten(a.Status, 30))
		}
		f.status = s
	}
	if a.Event != "" {
		e, ok := buildEvents[strings.ToLower(a.Event)]
		if !ok {
			return call{}, usagef(msgNotEvent, shorten(a.Event, 30))
		}
		f.event = e
	}
	switch {
	case f.count == 0:
		f.count = defaultBuildsListed
	case f.count > maxBuildsListed:
		return call{}, usagef(msgBuildsMax, maxBuildsListed)
	}
	return call{repo: slug, run: func(ctx context.Context) (Reply, error) { return r.runBuilds(ctx, slug, f) }}, nil
}

func (r *Registry) runBuilds(ctx context.Context, slug string, f buildFilter) (Reply, error) {
	found, err := r.listBuilds(ctx, slug, f)
	if err != nil {
		return Reply{}, r.explainRepoNotFound(ctx, fmt.Errorf("list builds of %s: %w", slug, err), slug)
	}
	p, now := r.say(), r.deps.Now()
	if len(found) == 0 {
		if f.any() || f.branch != "" {
			return Reply{Text: p.f(msgNoBuildsMatch, slug), Level: Warning}, nil
		}
		return Reply{Text: p.f(msgNoBuilds, slug), Level: Warning}, nil
	}
	lines := make([]string, len(found))
	for i, b := range found {
		lines[i] = buildLine(p, b, now)
	}
	title := p.f(msgBuildsTitle, slug, len(found))
	if len(found) == 1 {
		title = p.f(msgBuildsTitleOne, slug)
	}
	return Reply{Title: title, Text: strings.Join(lines, "\n")}, nil
}

// listBuilds reads pages of builds, newest first, until f has kept
// f.count of them, the server has no more, or buildsPages were read.
func (r *Registry) listBuilds(ctx context.Context, slug string, f buildFilter) ([]*drone.Build, error) {
	v08, err := r.isV08(ctx)
	if err != nil {
		return nil, err
	}
	perPage := f.count
	if f.any() {
		perPage = 50
	}
	var out []*drone.Build
	seen := map[int64]bool{}
	for page := 1; page <= buildsPages && len(out) < f.count; page++ {
		bs, err := r.deps.Drone.Builds(ctx, slug, drone.ListOptions{Page: page, PerPage: perPage, Branch: f.branch})
		if err != nil {
			return nil, err
		}
		for _, b := range bs {
			if !seen[b.Number] && f.keeps(b) && len(out) < f.count {
				out = append(out, b)
			}
			seen[b.Number] = true
		}
		// Drone 0.8 filters a branch within each page, so an empty page
		// says nothing about the next one there.
		if len(bs) == 0 && !(v08 && f.branch != "") || len(bs) < perPage && !v08 {
			break
		}
	}
	return out, nil
}

// buildLine is one build in a list: number, status, branch, event, commit
// title, author, age and duration.
func buildLine(p *phrases, b *drone.Build, now time.Time) string {
	parts := []string{fmt.Sprintf("%s #%d %s", statusMark(b.Status), b.Number, b.Status)}
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	add(b.Branch())
	add(b.Event)
	title := b.Title
	if title == "" {
		title = b.Message
	}
	add(shorten(firstLine(title), 60))
	author := b.Author
	if author == "" {
		author = b.AuthorName
	}
	add(author)
	created := b.Created
	if created.IsZero() {
		created = b.Started
	}
	if !created.IsZero() {
		add(p.f(msgAgo, age(now.Sub(created))))
	}
	add(span(b.Started, b.Finished, now))
	return strings.Join(parts, " · ")
}

// age is a coarse duration for "… ago": 40s, 5m, 3h, 2d.
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(int(d.Seconds()), 0))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}
