package store

import (
	"context"
	"database/sql"
	"fmt"
)

// FinishedBuild is everything one finished build changes, written by
// FinishBuild in one transaction so a crash cannot leave, say, the line
// updated but the alert not queued.
type FinishedBuild struct {
	Repo       string
	Number     int64
	Line       *Line        // the line's new state; nil for builds without a line (tag, promote)
	Record     *BuildRecord // the history row; nil to record none
	Deliveries []Delivery   // the alerts to queue
}

// FinishBuild applies f once: it marks the build seen, stores the line,
// records the history, takes the build off the pending list and enqueues
// the deliveries, atomically. applied is false, and nothing is written,
// when the build was seen before.
func (s *Store) FinishBuild(ctx context.Context, f FinishedBuild) (applied bool, queued []EnqueueResult, err error) {
	now := s.now()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		first, err := markSeen(ctx, tx, f.Repo, f.Number, now)
		if err != nil || !first {
			return err
		}
		applied = true
		if f.Line != nil {
			if err := putLine(ctx, tx, *f.Line, now); err != nil {
				return fmt.Errorf("line: %w", err)
			}
		}
		if f.Record != nil {
			if err := recordBuild(ctx, tx, *f.Record); err != nil {
				return fmt.Errorf("history: %w", err)
			}
		}
		if err := removePending(ctx, tx, f.Repo, f.Number); err != nil {
			return fmt.Errorf("pending: %w", err)
		}
		queued = make([]EnqueueResult, len(f.Deliveries))
		return s.enqueueAll(ctx, tx, f.Deliveries, queued, now)
	})
	if err != nil {
		return false, nil, fmt.Errorf("store: finish build %s#%d: %w", f.Repo, f.Number, err)
	}
	return applied, queued, nil
}

// CommitBuild is FinishBuild for a build that queues nothing: it marks the
// build seen, records rec and, when line is not nil, stores the line's new
// state. It reports false, writing nothing, when the build was seen before.
func (s *Store) CommitBuild(ctx context.Context, line *Line, rec BuildRecord) (bool, error) {
	applied, _, err := s.FinishBuild(ctx, FinishedBuild{Repo: rec.Repo, Number: rec.Number, Line: line, Record: &rec})
	return applied, err
}
