package watch

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"path"
	"slices"
	"sync"
	"time"

	"github.com/dronebot/dronebot/drone"
)

// listPageSize is how many builds one catch-up list asks for (1.x allows
// at most 100; 0.8 always answers 50).
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
// the repository listing; a repository with a new finished build costs one
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
	repos, err := p.client.Repos(ctx, true)
	if err != nil {
		return st, fmt.Errorf("watch: list repositories: %w", err)
	}

	// Repositories are worked on concurrently, each its builds in order:
	// one repository's slow Drone calls (a hung log) delay only its own.
	var mu sync.Mutex // guards st and updates while the lanes run
	updates := map[string]int64{}
	work := newLanes(p.concurrency)
	for _, r := range repos {
		if !matchAny(p.globs, r.Slug) {
			continue
		}
		st.Repos++
		var latest int64
		if r.Build != nil {
			latest = r.Build.Number
		}
		prev, known := p.cursors[r.Slug]
		pend := pending[r.Slug]
		if known && latest <= prev && len(pend) == 0 {
			continue
		}
		if known {
			st.Changed++
		}
		work.Go(r.Slug, func() {
			var rs CycleStats
			var err error
			if known {
				err = p.checkRepo(ctx, r, prev, pend, &rs)
			} else {
				err = p.firstSighting(ctx, r, &rs)
			}
			mu.Lock()
			defer mu.Unlock()
			st.Processed += rs.Processed
			st.Alerts += rs.Alerts
			switch {
			case err != nil && ctx.Err() == nil && known:
				p.log.Warn("poll: repository check failed, will retry", "repo", r.Slug, "err", err)
			case err != nil && ctx.Err() == nil:
				p.log.Warn("poll: first look at a repository failed, will retry", "repo", r.Slug, "err", err)
			case err != nil: // the cycle was cancelled; the cursor stays
			case !known || latest > prev:
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
	if left, err := p.state.Pending(ctx); err == nil {
		st.Pending = len(left)
	}
	return st, nil
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
// pending ones of repository r.
func (p *Poller) checkRepo(ctx context.Context, r *drone.Repo, prev int64, pend []int64, st *CycleStats) error {
	known := map[int64]*drone.Build{} // builds whose status is known from a listing
	candidates := map[int64]bool{}
	for _, n := range pend {
		candidates[n] = true
	}
	latest := r.Build
	if latest != nil {
		known[latest.Number] = latest
		if latest.Number > prev {
			candidates[latest.Number] = true
		}
	}
	if latest != nil && latest.Number-prev > 1 {
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

func (p *Poller) addPending(ctx context.Context, slug string, n int64) {
	if err := p.state.AddPending(ctx, slug, n); err != nil {
		p.log.Warn("poll: cannot remember unfinished build", "repo", slug, "build", n, "err", err)
	}
}

// matchGlob reports whether a repository slug matches a glob: "*" alone
// matches every repository; otherwise "*" stays within one path segment
// ("octo/*" matches "octo/demo"). A malformed pattern matches nothing.
func matchGlob(pattern, slug string) bool {
	if pattern == "*" || pattern == "**" {
		return true
	}
	ok, err := path.Match(pattern, slug)
	return err == nil && ok
}

// matchAny reports whether slug matches one of globs; no globs match all.
func matchAny(globs []string, slug string) bool {
	if len(globs) == 0 {
		return true
	}
	for _, g := range globs {
		if matchGlob(g, slug) {
			return true
		}
	}
	return false
}
