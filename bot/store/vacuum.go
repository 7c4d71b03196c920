package store

import (
	"context"
	"database/sql"
	"fmt"
)

// autoVacuumIncremental is PRAGMA auto_vacuum's INCREMENTAL: pages freed by
// pruning can be given back to the file system, so a store kept to its
// retention stops growing.
const autoVacuumIncremental = 2

// convertLimit is the largest existing store rewritten to incremental
// auto-vacuum at open: VACUUM copies the whole file, which for a bigger one
// would hold up the start for too long.
const convertLimit = 64 << 20

// setAutoVacuum makes db incremental auto-vacuum: a new file before its
// first table, an existing one by a VACUUM when it is small enough.
func (s *Store) setAutoVacuum(ctx context.Context, db *sql.DB) error {
	var mode, pages, pageSize int64
	if err := db.QueryRowContext(ctx, `PRAGMA auto_vacuum`).Scan(&mode); err != nil {
		return fmt.Errorf("auto_vacuum: %w", err)
	}
	if mode == autoVacuumIncremental {
		return nil
	}
	if err := db.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		return fmt.Errorf("auto_vacuum: %w", err)
	}
	if err := db.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil {
		return fmt.Errorf("auto_vacuum: %w", err)
	}
	if size := pages * pageSize; size > convertLimit {
		s.log.Info("store file too big to convert to incremental vacuum at start; pruning frees pages for reuse but does not shrink the file (VACUUM it offline to convert)",
			"path", s.path, "bytes", size)
		return nil
	}
	if _, err := db.ExecContext(ctx, `PRAGMA auto_vacuum = INCREMENTAL`); err != nil {
		return fmt.Errorf("auto_vacuum: %w", err)
	}
	if pages == 0 {
		return nil // takes effect with the first table
	}
	if _, err := db.ExecContext(ctx, `VACUUM`); err != nil {
		return fmt.Errorf("auto_vacuum: convert: %w", err)
	}
	s.log.Info("store converted to incremental vacuum", "path", s.path)
	return nil
}

// reclaim gives the pages freed by deletes back to the file system.
func (s *Store) reclaim(ctx context.Context) error {
	db, err := s.w()
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `PRAGMA incremental_vacuum`); err != nil {
		return fmt.Errorf("incremental vacuum: %w", err)
	}
	return nil
}
