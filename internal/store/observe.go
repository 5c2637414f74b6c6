package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Timings receives how long the database's costly steps take, for metrics.
// A nil func is skipped.
type Timings struct {
	Commit  func(time.Duration) // the COMMIT of one event batch
	WALSync func(time.Duration) // SQLite: one fsync of the write-ahead log
}

// SetTimings has the store report its timings to t. Call it before the
// store is used.
func (db *DB) SetTimings(t Timings) {
	db.timings = t
	if db.wal != nil {
		db.wal.mu.Lock()
		db.wal.onSync = t.WALSync
		db.wal.mu.Unlock()
	}
}

// commitTook reports a COMMIT that started at start.
func (t Timings) commitTook(start time.Time) {
	if t.Commit != nil {
		t.Commit(time.Since(start))
	}
}

// Pools names the database/sql pools the store uses, for their
// statistics: SQLite's writer and readers, or PostgreSQL's one pool.
func (db *DB) Pools() map[string]*sql.DB {
	if db.reader == db.writer {
		return map[string]*sql.DB{db.dialect.name: db.writer}
	}
	return map[string]*sql.DB{db.dialect.name + "_writer": db.writer, db.dialect.name + "_reader": db.reader}
}

// backlogScanLimit bounds the deliveries OutboxBacklog reads, so a scrape
// costs the same with a backlog of a million.
const backlogScanLimit = 100_000

// OutboxBacklog counts the deliveries waiting in the outbox (retries
// included) that the worker will take: to enabled endpoints, and relays of
// status callbacks (which have no endpoint). It finds when the oldest of
// their events was created (zero when none waits). It reads at most backlogScanLimit
// pending deliveries, the soonest due, through the partial index on due
// pending deliveries: past that bound the count stops at the bound and the
// oldest is the oldest among them.
func (db *DB) OutboxBacklog(ctx context.Context) (pending int64, oldest time.Time, err error) {
	var first sql.NullInt64
	err = db.reader.QueryRowContext(ctx, db.dialect.q(`SELECT COUNT(*), MIN(p.event_id) FROM (
			SELECT event_id, endpoint_id FROM webhook_deliveries WHERE state = 'pending' ORDER BY next_attempt_at LIMIT ?
		) p WHERE p.endpoint_id IS NULL OR p.endpoint_id IN (SELECT id FROM webhook_endpoints WHERE enabled = 1)`), backlogScanLimit).Scan(&pending, &first)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: outbox backlog: %w", err)
	}
	if !first.Valid {
		return pending, time.Time{}, nil
	}
	var created int64
	err = db.reader.QueryRowContext(ctx, db.dialect.q("SELECT created_at FROM webhook_events WHERE id = ?"), first.Int64).Scan(&created)
	if errors.Is(err, sql.ErrNoRows) {
		return pending, time.Time{}, nil // delivered and removed between the two reads
	} else if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: outbox backlog: %w", err)
	}
	return pending, fromMicros(created), nil
}
