package store

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// queryPlan is SQLite's EXPLAIN QUERY PLAN for query, one step a line.
func queryPlan(tb testing.TB, db *sql.DB, query string, args ...any) []string {
	tb.Helper()
	rows, err := db.QueryContext(testCtx(tb), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		tb.Fatalf("explain %s: %v", query, err)
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			tb.Fatal(err)
		}
		steps = append(steps, detail)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return steps
}

func TestHotQueriesSearchAnIndex(t *testing.T) {
	s, _, _ := mustOpenTemp(t)
	ctx := testCtx(t)
	// Some history so the planner sees tables with rows in them.
	for i := range 50 {
		id := mustEnqueue(t, s, fmt.Sprintf("octo/demo#%d:failure", i), "team-wecom")
		if i%5 != 0 {
			if err := s.MarkSent(ctx, id, t0); err != nil {
				t.Fatal(err)
			}
		}
	}
	at := toDB(t0)
	tests := []struct {
		name  string
		query string
		args  []any
		index []string // every table step must search one of these
	}{
		{"due", sqlDue, []any{at, at, 10}, []string{"outbox_due", "outbox_queued"}},
		{"dedupe check", sqlDoneID, []any{"k", "d"}, []string{"delivered_by_key"}},
		{"queued id", sqlQueuedID, []any{"k", "d"}, []string{"sqlite_autoindex_outbox_1"}},
		{"delivered", sqlDelivered, []any{"k", "d"}, []string{"delivered_by_key"}},
		{"done state", sqlDoneState, []any{1}, []string{"INTEGER PRIMARY KEY"}},
		{"attempt", sqlAttempt, []any{1}, []string{"INTEGER PRIMARY KEY"}},
		{"move done", sqlMoveDone, []any{at, 0, 1}, []string{"INTEGER PRIMARY KEY"}},
		{"delete queued", sqlDeleteQueued, []any{1}, []string{"INTEGER PRIMARY KEY"}},
		{"prune delivered", `DELETE FROM delivered WHERE done < ?`, []any{at}, []string{"delivered_by_done"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := queryPlan(t, s.writer, tt.query, tt.args...)
			t.Logf("plan: %q", plan)
			searched := 0
			for _, step := range plan {
				if strings.HasPrefix(step, "SCAN ") {
					t.Errorf("full scan in the plan: %q (plan %q)", step, plan)
				}
				if strings.HasPrefix(step, "SEARCH ") {
					searched++
					if !slices.ContainsFunc(tt.index, func(ix string) bool { return strings.Contains(step, ix) }) {
						t.Errorf("step %q uses none of %v", step, tt.index)
					}
				}
			}
			if searched == 0 {
				t.Errorf("no index search in the plan %q", plan)
			}
		})
	}
}
