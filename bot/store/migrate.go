package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// migration is one schema step. Steps are applied in order, each in its
// own transaction together with its row in schema_migrations; a step once
// released is never edited, only followed by a new one.
type migration struct {
	name string
	sql  string
}

func migrations() []migration {
	return []migration{
		{"meta, lines, seen and pending builds, build history", `
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE lines (
	repo         TEXT    NOT NULL,
	branch       TEXT    NOT NULL,
	red          INTEGER NOT NULL DEFAULT 0,
	fail_count   INTEGER NOT NULL DEFAULT 0,
	last_build   INTEGER NOT NULL DEFAULT 0,
	since        INTEGER NOT NULL DEFAULT 0,
	failing_step TEXT    NOT NULL DEFAULT '',
	updated      INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (repo, branch)
) WITHOUT ROWID;

CREATE TABLE seen_builds (
	repo   TEXT    NOT NULL,
	number INTEGER NOT NULL,
	seen   INTEGER NOT NULL,
	PRIMARY KEY (repo, number)
) WITHOUT ROWID;

CREATE TABLE pending_builds (
	repo   TEXT    NOT NULL,
	number INTEGER NOT NULL,
	added  INTEGER NOT NULL,
	PRIMARY KEY (repo, number)
) WITHOUT ROWID;

CREATE TABLE builds (
	repo        TEXT    NOT NULL,
	number      INTEGER NOT NULL,
	branch      TEXT    NOT NULL DEFAULT '',
	event       TEXT    NOT NULL DEFAULT '',
	status      TEXT    NOT NULL DEFAULT '',
	commit_sha  TEXT    NOT NULL DEFAULT '',
	author      TEXT    NOT NULL DEFAULT '',
	failed_step TEXT    NOT NULL DEFAULT '',
	started     INTEGER NOT NULL DEFAULT 0,
	finished    INTEGER NOT NULL DEFAULT 0,
	duration    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (repo, number)
) WITHOUT ROWID;
CREATE INDEX builds_by_finished ON builds (finished);
`},
		{"outbox", `
CREATE TABLE outbox (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	key          TEXT    NOT NULL,
	destination  TEXT    NOT NULL,
	payload      BLOB,
	created      INTEGER NOT NULL,
	state        TEXT    NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'dropped')),
	attempts     INTEGER NOT NULL DEFAULT 0,
	attempted    INTEGER NOT NULL DEFAULT 0,
	next_attempt INTEGER NOT NULL DEFAULT 0,
	last_error   TEXT    NOT NULL DEFAULT '',
	sent         INTEGER NOT NULL DEFAULT 0,
	dropped      INTEGER NOT NULL DEFAULT 0,
	drop_reason  TEXT    NOT NULL DEFAULT '',
	UNIQUE (key, destination)
);
CREATE INDEX outbox_queued ON outbox (destination, id) WHERE state = 'queued';
`},
		{"subscriptions", `
CREATE TABLE subscriptions (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	platform     TEXT    NOT NULL,
	conversation TEXT    NOT NULL,
	repos        TEXT    NOT NULL,
	branches     TEXT    NOT NULL,
	outcomes     TEXT    NOT NULL,
	created      INTEGER NOT NULL,
	UNIQUE (platform, conversation, repos, branches)
);
`},
		{"digest schedule", `
CREATE TABLE digests (
	name TEXT PRIMARY KEY,
	sent INTEGER NOT NULL
) WITHOUT ROWID;
`},
		{"who subscribed", `
ALTER TABLE subscriptions ADD COLUMN subscriber TEXT NOT NULL DEFAULT '';
`},
		{"commit titles in the build history, the times the watcher was recording", `
ALTER TABLE builds ADD COLUMN title TEXT NOT NULL DEFAULT '';

CREATE TABLE watch_spans (
	start_at INTEGER PRIMARY KEY,
	end_at   INTEGER NOT NULL
);
`},
		{"chat requests already run", `
CREATE TABLE seen_requests (
	key   TEXT    PRIMARY KEY,
	until INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX seen_requests_by_until ON seen_requests (until);
`},
		{"the outbox holds only queued deliveries; delivered keys move to a dedupe table", `
CREATE TABLE delivered (
	id          INTEGER PRIMARY KEY,
	key         TEXT    NOT NULL,
	destination TEXT    NOT NULL,
	done        INTEGER NOT NULL,
	dropped     INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX delivered_by_key ON delivered (key, destination);
CREATE INDEX delivered_by_done ON delivered (done);

INSERT INTO delivered (id, key, destination, done, dropped)
	SELECT id, key, destination,
		COALESCE(NULLIF(CASE state WHEN 'sent' THEN sent ELSE dropped END, 0), created),
		state = 'dropped'
	FROM outbox WHERE state != 'queued';
DELETE FROM outbox WHERE state != 'queued';
CREATE INDEX outbox_due ON outbox (state, next_attempt);
`},
	}
}

// migrate brings db up to version target (the number of steps applied).
func migrate(ctx context.Context, db *sql.DB, target int, now func() time.Time, log *slog.Logger) error {
	all := migrations()
	if target > len(all) {
		return fmt.Errorf("migrate: no step %d", target)
	}
	_, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
	version INTEGER PRIMARY KEY,
	name    TEXT    NOT NULL,
	applied INTEGER NOT NULL
)`)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	have, err := schemaVersion(ctx, db)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if have > len(all) {
		return fmt.Errorf("migrate: schema version %d is newer than this dronebot knows (%d): use a newer dronebot", have, len(all))
	}
	for v := have + 1; v <= target; v++ {
		if err := applyStep(ctx, db, v, all[v-1], now()); err != nil {
			return err
		}
		log.Debug("store schema migrated", "version", v, "step", all[v-1].name)
	}
	return nil
}

func applyStep(ctx context.Context, db *sql.DB, version int, m migration, at time.Time) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate to %d: begin: %w", version, err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migrate to %d (%s): %w", version, m.name, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)`,
		version, m.name, toDB(at))
	if err != nil {
		return fmt.Errorf("migrate to %d: record: %w", version, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate to %d: commit: %w", version, err)
	}
	return nil
}

// schemaVersion is the highest applied step; 0 for a new file.
func schemaVersion(ctx context.Context, q execer) (int, error) {
	var v sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v)
	if err != nil {
		if isNoTable(err) {
			return 0, nil
		}
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return int(v.Int64), nil
}

// isNoTable reports SQLite's "no such table" error, which a file that
// never ran a migration gives.
func isNoTable(err error) bool {
	return err != nil && !errors.Is(err, sql.ErrNoRows) && strings.Contains(err.Error(), "no such table")
}
