package store

import (
	"context"
	"encoding/json"
	"fmt"
)

const metaCursors = "watch.cursors"

// Cursors returns, per repository, the newest build number the watcher has
// seen (0: seen with no build); a repository absent from the map was never
// seen. They are kept as one value: the poller reads and writes them once a
// cycle, whatever the number of repositories.
func (s *Store) Cursors(ctx context.Context) (map[string]int64, error) {
	raw, ok, err := s.GetMeta(ctx, metaCursors)
	if err != nil || !ok {
		return map[string]int64{}, err
	}
	cur := map[string]int64{}
	if err := json.Unmarshal([]byte(raw), &cur); err != nil {
		return nil, fmt.Errorf("store: read watch cursors: %w", err)
	}
	return cur, nil
}

// SetCursors merges cursors into the stored ones.
func (s *Store) SetCursors(ctx context.Context, cursors map[string]int64) error {
	all, err := s.Cursors(ctx)
	if err != nil {
		return err
	}
	for k, v := range cursors {
		all[k] = v
	}
	raw, err := json.Marshal(all)
	if err != nil {
		return fmt.Errorf("store: write watch cursors: %w", err)
	}
	return s.SetMeta(ctx, metaCursors, string(raw))
}
