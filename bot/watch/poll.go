package watch

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/dronebot/dronebot/drone"
)

// listPageSize is how many builds one catch-up list asks for (1.x allows
// at most 100; 0.8 always answers 50, Woodpecker at most 50).
const listPageSize = 100

// CycleStats say what one poll cycle did.
type CycleStats struct {
	Repos     int // watched repositories in the listing
	Changed   int // repositories with a new build or a pending one
	Processed int // finished builds processed
	Alerts    int // alerts emitted
	Pending   int // builds left to check again
}

// Poller finds finished builds by listing every repository with its latest
// build, once per cycle.
type Poller struct {
	client   drone.Client
	state    State
	pipeline *Pipeline
	globs    []string
	log      *slog.Logger
	// concurrency is how many repositories a cycle works on at once.
	concurrency int

	mu      sync.Mutex       // one cycle at a time
	cursors map[string]int64 // newest build number seen per repository; nil until loaded
	// seeded is set once a cycle listed every repository: from then on a
	// server with a feed (Woodpecker) is read through it, and a repository
	// the feed names for the first time was activated since, so its builds
	// are news.
	seeded bool
}

// NewPoller returns a poller watching the repositories matching globs
// (none: all of them).
func NewPoller(client drone.Client, state State, pipeline *Pipeline, globs []string, log *slog.Logger) *Poller {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Poller{client: client, state: state, pipeline: pipeline, globs: globs, log: log, concurrency: DefaultConcurrency}
}

// Cycle polls once. The only Drone request made when nothing changed is
// the repository listing (on Woodpecker, after the first cycle, the feed); a repository with a new finished build costs one
// Build request per such build (plus one list page when several builds
// came since the last cycle), and every unfinished build other than a
// repository's latest one costs one Build request until it finishes.
func (p *Poller) Cycle(ctx context.Context) (CycleStats, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var st CycleStats
	if p.cursors == nil {
		c, err := p.state.Cursors(ctx)
		if err != nil {
			return st, fmt.Errorf("watch: load cursors: %w", err)
		}
		p.cursors = c
	}
	pendingList, err := p.state.Pending(ctx)
	if err != nil {
		return st, fmt.Errorf("watch: load pending builds: %w", err)
	}
	pending := map[string][]int64{}
	for _, pb := range pendingList {
		pending[pb.Repo] = append(pending[pb.Repo], pb.Number)
	}
	repos, listed, fromFeed, err := p.listing(ctx, pending)
	if err != nil {
		return st, err
	}

	// Repositories are worked on concurrently, each its builds in order:
	// one repository's slow Drone calls (a hung log) delay only its own.
	var mu sync.Mutex // guards st and updates while the lanes run
	updates := map[string]int64{}
	work := newLanes(p.concurrency)
	for _, r := range repos {
		if !drone.MatchAnyGlob(p.globs, r.Slug) {
			continue
		}
		st.Repos++
		var latest int64
		if r.Build != nil {
			latest = r.Build.Number
		}
		prev, known := p.cursors[r.Slug]
		// A repository the feed names for the first time was activated
		// since the listing seeded the cursors: its builds are checked as
		// new ones (prev 0).
		firstLook := !known && !fromFeed
		pend := pending[r.Slug]
		if !firstLook && latest <= prev && len(pend) == 0 {
			continue
		}
		if !firstLook {
			st.Changed++
		}
		inFeed := listed[r.Slug]
		work.Go(r.Slug, func() {
			var rs CycleStats
			var err error
			if firstLook {
				err = p.firstSighting(ctx, r, &rs)
			} else {
				err = p.checkRepo(ctx, r, prev, pend, inFeed, &rs)
			}
			mu.Lock()
			defer mu.Unlock()
			st.Processed += rs.Processed
			st.Alerts += rs.Alerts
			switch {
			case err != nil && ctx.Err() == nil && !firstLook:
				p.log.Warn("poll: repository check failed, will retry", "repo", r.Slug, "err", err)
			case err != nil && ctx.Err() == nil:
				p.log.Warn("poll: first look at a repository failed, will retry", "repo", r.Slug, "err", err)
			case err != nil: // the cycle was cancelled; the cursor stays
			case firstLook || latest > prev:
				updates[r.Slug] = latest
			}
		})
	}
	work.Wait()
	if err := ctx.Err(); err != nil {
		return st, err
	}
	if len(updates) > 0 {
		if err := p.state.SetCursors(ctx, updates); err != nil {
			return st, fmt.Errorf("watch: save cursors: %w", err)
		}
		maps.Copy(p.cursors, updates)
	}
	if !fromFeed {
		p.seeded = true
	}
	if left, err := p.state.Pending(ctx); err == nil {
		st.Pending = len(left)
	}
	return st, nil
}

// listing is what one cycle looks at: every repository with its latest
// build, from the repository listing (one request). On a server with a
// feed (Woodpecker) it is the feed instead, once a listing seeded the
// cursors: one request names every new build, and listed holds each
// repository's builds in it, newest first. A full feed whose oldest build
// is new may have dropped more: the listing is read as well.
func (p *Poller) listing(ctx context.Context, pending map[string][]int64) (repos []*drone.Repo, listed map[string][]*drone.Build, fromFeed bool, err error) {
	if p.seeded {
		recent, ferr := p.client.RecentBuilds(ctx)
		switch {
		case drone.KindOf(ferr) == drone.KindNotImplemented:
		case ferr != nil:
			return nil, nil, false, fmt.Errorf("watch: list recent builds: %w", ferr)
		default:
			listed = map[string][]*drone.Build{}
			for _, rb := range recent {
				listed[rb.Slug] = append(listed[rb.Slug], rb.Build)
			}
			if !p.feedOverflowed(recent) {
				return feedRepos(recent, pending), listed, true, nil
			}
			p.log.Info("poll: more builds than the feed holds since the last cycle; listing every repository")
		}
	}
	repos, err = p.client.Repos(ctx, true)
	if err != nil {
		return nil, nil, false, fmt.Errorf("watch: list repositories: %w", err)
	}
	return repos, listed, false, nil
}

// feedOverflowed reports whether a full feed's oldest build is new: older
// new builds may have scrolled out of it.
func (p *Poller) feedOverflowed(recent []*drone.RecentBuild) bool {
	if len(recent) < drone.FeedLimit {
		return false
	}
	oldest := recent[len(recent)-1]
	cursor, known := p.cursors[oldest.Slug]
	return !known || oldest.Build.Number > cursor
}

// feedRepos turns the feed into the repository view: each repository with
// its newest build, plus those with unfinished builds the feed no longer
// shows, so they are checked again.
func feedRepos(recent []*drone.RecentBuild, pending map[string][]int64) []*drone.Repo {
	var out []*drone.Repo
	seen := map[string]bool{}
	for _, rb := range recent {
		if !seen[rb.Slug] {
			seen[rb.Slug] = true
			out = append(out, &drone.Repo{Slug: rb.Slug, Active: true, Build: rb.Build})
		}
	}
	for _, slug := range slices.Sorted(maps.Keys(pending)) {
		if !seen[slug] {
			out = append(out, &drone.Repo{Slug: slug, Active: true})
		}
	}
	return out
}

// firstSighting records a repository seen for the first time. Builds that
// finished before the bot's first run are history: the latest only sets
// its line, silently. Builds that finished since (a repository created or
// first watched later) are news, processed in order, and unfinished ones,
// not only the latest, are checked again until they finish. One list page
// finds them, once per repository (none when its latest build is its
// first).
func (p *Poller) firstSighting(ctx context.Context, r *drone.Repo, st *CycleStats) error {
	latest := r.Build
	if latest == nil {
		return nil
	}
	first, err := p.pipeline.firstRunTime(ctx)
	if err != nil {
		return err
	}
	builds := []*drone.Build{latest}
	if latest.Number > 1 {
		page, err := p.client.Builds(ctx, r.Slug, drone.ListOptions{PerPage: listPageSize})
		if err != nil {
			return fmt.Errorf("list builds: %w", err)
		}
		for _, b := range page {
			if b.Number < latest.Number {
				builds = append(builds, b)
			}
		}
	}
	slices.SortFunc(builds, func(a, b *drone.Build) int { return cmp.Compare(a.Number, b.Number) })
	for _, b := range builds {
		switch {
		case !b.Status.Done():
			p.addPending(ctx, r.Slug, b.Number)
		case !finishedBefore(b, first):
			if err := p.checkBuild(ctx, r.Slug, b.Number, b, st); err != nil {
				return err
			}
		case b == latest:
			if _, err := p.pipeline.Process(ctx, r.Slug, b, true); err != nil {
				return fmt.Errorf("record build %d: %w", b.Number, err)
			}
		}
	}
	return nil
}

// finishedBefore reports whether b finished before the first run, at the
// whole seconds Drone stamps.
func finishedBefore(b *drone.Build, first time.Time) bool {
	return !b.Finished.IsZero() && b.Finished.Before(first.Truncate(time.Second))
}

// checkRepo processes, in number order, the builds newer than prev and the
// pending ones of repository r. listed are builds of r whose status is
// known already (the feed's); only when they leave a gap is a page of
// builds listed.
func (p *Poller) checkRepo(ctx context.Context, r *drone.Repo, prev int64, pend []int64, listed []*drone.Build, st *CycleStats) error {
	known := map[int64]*drone.Build{} // builds whose status is known from a listing
	candidates := map[int64]bool{}
	for _, n := range pend {
		candidates[n] = true
	}
	for _, b := range listed {
		known[b.Number] = b
		if b.Number > prev {
			candidates[b.Number] = true
		}
	}
	latest := r.Build
	if latest != nil {
		known[latest.Number] = latest
		if latest.Number > prev {
			candidates[latest.Number] = true
		}
	}
	if latest != nil && latest.Number-prev > 1 && !covered(known, prev, latest.Number) {
		// Several builds came since the last look: one page finds them.
		page, err := p.client.Builds(ctx, r.Slug, drone.ListOptions{PerPage: listPageSize})
		if err != nil {
			return fmt.Errorf("list builds: %w", err)
		}
		oldest := latest.Number
		for _, b := range page {
			if b.Number > prev && b.Number <= latest.Number {
				candidates[b.Number] = true
				oldest = min(oldest, b.Number)
			}
			if candidates[b.Number] {
				known[b.Number] = b
			}
		}
		if missed := oldest - prev - 1; missed > 0 {
			p.log.Warn("poll: builds older than one list page were not checked", "repo", r.Slug, "count", missed)
		}
	}
	numbers := slices.Sorted(maps.Keys(candidates))
	for _, n := range numbers {
		if err := p.checkBuild(ctx, r.Slug, n, known[n], st); err != nil {
			return err
		}
	}
	return nil
}

// checkBuild looks at one candidate build: unfinished ones go on the
// pending list, finished ones are fetched whole and processed.
func (p *Poller) checkBuild(ctx context.Context, slug string, n int64, listed *drone.Build, st *CycleStats) error {
	seen, err := p.pipeline.Seen(ctx, slug, n)
	if err != nil {
		return err
	}
	if seen {
		return p.state.RemovePending(ctx, slug, n)
	}
	if listed != nil && !listed.Status.Done() {
		p.addPending(ctx, slug, n)
		return nil
	}
	b, err := p.client.Build(ctx, slug, n)
	if drone.IsNotFound(err) {
		return p.state.RemovePending(ctx, slug, n) // deleted or purged
	}
	if err != nil {
		p.addPending(ctx, slug, n)
		return fmt.Errorf("get build %d: %w", n, err)
	}
	if !b.Status.Done() {
		p.addPending(ctx, slug, n)
		return nil
	}
	alerts, err := p.pipeline.Process(ctx, slug, b, false)
	st.Alerts += alerts
	if err != nil {
		p.addPending(ctx, slug, n)
		return err
	}
	st.Processed++
	p.pipeline.found("poll")
	return nil
}

// covered reports whether known holds every build after prev up to latest.
func covered(known map[int64]*drone.Build, prev, latest int64) bool {
	for n := prev + 1; n <= latest; n++ {
		if known[n] == nil {
			return false
		}
	}
	return true
}

func (p *Poller) addPending(ctx context.Context, slug string, n int64) {
	if err := p.state.AddPending(ctx, slug, n); err != nil {
		p.log.Warn("poll: cannot remember unfinished build", "repo", slug, "build", n, "err", err)
	}
}
