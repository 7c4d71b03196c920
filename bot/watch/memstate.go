package watch

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"
)

// MemState is a State held in memory, for tests and the demo. It is safe
// for concurrent use.
type MemState struct {
	mu       sync.Mutex
	firstRun time.Time
	lines    map[string]Line // by repo + "\x00" + branch
	seen     map[string]bool // by repo#number
	history  []BuildRecord
	cursors  map[string]int64
	pending  map[PendingBuild]bool
}

var _ State = (*MemState)(nil)

// NewMemState returns an empty state whose first run is firstRun.
func NewMemState(firstRun time.Time) *MemState {
	return &MemState{
		firstRun: firstRun,
		lines:    map[string]Line{},
		seen:     map[string]bool{},
		cursors:  map[string]int64{},
		pending:  map[PendingBuild]bool{},
	}
}

func lineKey(repo, branch string) string { return repo + "\x00" + branch }

func buildKey(repo string, number int64) string {
	return repo + "#" + strconv.FormatInt(number, 10)
}

func (m *MemState) FirstRun(context.Context) (time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.firstRun, nil
}

func (m *MemState) GetLine(_ context.Context, repo, branch string) (Line, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.lines[lineKey(repo, branch)]
	return l, ok, nil
}

func (m *MemState) BuildSeen(_ context.Context, repo string, number int64) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.seen[buildKey(repo, number)], nil
}

func (m *MemState) CommitBuild(_ context.Context, line *Line, rec BuildRecord) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := buildKey(rec.Repo, rec.Number)
	if m.seen[k] {
		return false, nil
	}
	m.seen[k] = true
	m.history = append(m.history, rec)
	delete(m.pending, PendingBuild{Repo: rec.Repo, Number: rec.Number})
	if line != nil {
		m.lines[lineKey(line.Repo, line.Branch)] = *line
	}
	return true, nil
}

func (m *MemState) Cursors(context.Context) (map[string]int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.cursors), nil
}

func (m *MemState) SetCursors(_ context.Context, cursors map[string]int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	maps.Copy(m.cursors, cursors)
	return nil
}

func (m *MemState) AddPending(_ context.Context, repo string, number int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pending[PendingBuild{Repo: repo, Number: number}] = true
	return nil
}

func (m *MemState) RemovePending(_ context.Context, repo string, number int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.pending, PendingBuild{Repo: repo, Number: number})
	return nil
}

func (m *MemState) Pending(context.Context) ([]PendingBuild, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := slices.Collect(maps.Keys(m.pending))
	slices.SortFunc(out, comparePending)
	return out, nil
}

// History returns the recorded builds in the order they were committed.
func (m *MemState) History() []BuildRecord {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.history)
}

// Line returns a line's state, for tests.
func (m *MemState) Line(repo, branch string) (Line, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.lines[lineKey(repo, branch)]
	return l, ok
}

func comparePending(a, b PendingBuild) int {
	if c := cmp.Compare(a.Repo, b.Repo); c != 0 {
		return c
	}
	return cmp.Compare(a.Number, b.Number)
}
