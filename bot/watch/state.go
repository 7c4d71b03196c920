// Package watch turns finished Drone builds into alerts.
//
// Two sources feed one Pipeline: a Poller that lists every repository with
// its latest build once per cycle, and a Webhook handler for Drone's signed
// global webhook. The pipeline processes each finished build once: it
// compares the build with its line (repository + branch), derives the
// outcomes (failure, still_failing, fixed, success, killed), builds one
// notify.Alert per outcome and hands it to Emit, then records the build.
//
// Crash safety: Emit comes first and the build is marked processed after it,
// in one CommitBuild. A crash in between replays the build: the line state is
// unchanged, so the same outcomes and the same alert IDs come out again, and
// the consumer's outbox, which dedups permanently on (alert ID, destination),
// drops the copies. Nothing can be lost, and nothing is sent twice.
package watch

import (
	"context"
	"time"

	"github.com/dronebot/dronebot/bot/store"
)

// State is what the watcher keeps between cycles and across restarts, in the
// store's own record types: *store.Store implements it.
type State interface {
	// FirstRun is when the bot first ran on this state: builds that
	// finished before it only set their line, silently.
	FirstRun(ctx context.Context) (time.Time, error)
	// GetLine returns the line's state; ok is false when it is unknown.
	GetLine(ctx context.Context, repo, branch string) (line store.Line, ok bool, err error)
	// BuildSeen reports whether CommitBuild was called for repo#number.
	BuildSeen(ctx context.Context, repo string, number int64) (bool, error)
	// CommitBuild durably and atomically marks rec's build as processed,
	// adds it to the history, takes it off the pending list and, when line
	// is not nil, stores the line's new state. It reports false, writing
	// nothing, when the build was committed before.
	CommitBuild(ctx context.Context, line *store.Line, rec store.BuildRecord) (bool, error)

	// Cursors returns, per repository, the newest build number the poller
	// has seen (0: seen with no build). A repository absent from the map
	// has never been seen.
	Cursors(ctx context.Context) (map[string]int64, error)
	// SetCursors stores the given cursors (one write for a whole cycle).
	SetCursors(ctx context.Context, cursors map[string]int64) error
	// AddPending puts repo#number on the list of builds to check again.
	AddPending(ctx context.Context, repo string, number int64) error
	// RemovePending takes repo#number off that list; absent is fine.
	RemovePending(ctx context.Context, repo string, number int64) error
	// Pending lists the builds to check again.
	Pending(ctx context.Context) ([]store.PendingBuild, error)
}
