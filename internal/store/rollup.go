package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/insight"
)

// Rollups are kept in two steps so the ingest path stays cheap. The
// transaction that changes a message appends its id to rollup_queue (one
// insert-only statement per batch: no row two writers fight over). The
// roller drains the queue in large batches: for each message it reads the
// current row and the contribution it last added, subtracts the old one
// and adds the new one, summing the differences in memory so each cell is
// written once per batch, all in one transaction with the queue rows it
// consumed. Late, repeated and out-of-order events therefore leave the cells
// exactly equal to a recomputation from the messages (rollup_test.go checks
// it), and the roller never rescans history.

// rollupState is the roller's part of a DB: the switch, the series ids it
// has seen, and when minute cells were last pruned.
type rollupState struct {
	off       atomic.Bool
	retention atomic.Int64 // minute cells, as a time.Duration; 0: DefaultMinuteRetention

	rollMu sync.Mutex // one SQLite roller at a time in this process

	mu         sync.Mutex
	loaded     bool
	byKey      map[seriesKey]int64
	byID       map[int64]seriesKey
	lastPruned time.Time
}

// SetRollups turns the maintenance of rollups on (the default) or off
// (SMSTRACK_ROLLUPS=off): off, the ingest path queues nothing and stats
// answered from rollups go stale until RebuildRollups.
func (db *DB) SetRollups(on bool) { db.rollup.off.Store(!on) }

// RollupsOn reports whether rollups are maintained.
func (db *DB) RollupsOn() bool { return !db.rollup.off.Load() }

// SetMinuteRetention changes how long minute cells are kept (48 hours by
// default); hour and day cells are kept for ever.
func (db *DB) SetMinuteRetention(d time.Duration) {
	if d > 0 {
		db.rollup.retention.Store(int64(d))
	}
}

// minuteCutoff is the first minute bucket kept at time now.
func (db *DB) minuteCutoff(now time.Time) int64 {
	d := time.Duration(db.rollup.retention.Load())
	if d <= 0 {
		d = DefaultMinuteRetention
	}
	return insight.Minute.FloorMicros(now.Add(-d).UnixMicro())
}

// queueRollup records in tx that the figures of these messages may have
// changed. It is the whole cost of rollups on the ingest path.
func (db *DB) queueRollup(ctx context.Context, tx *sql.Tx, ids []int64) error {
	p := &pipeline{tx: tx} // runs each statement at once
	db.pipeRollup(ctx, p, ids)
	return p.flush(ctx)
}

// pipeRollup is queueRollup as statements of p: ingest sends them in the
// round trip of its other writes.
func (db *DB) pipeRollup(ctx context.Context, p *pipeline, ids []int64) {
	if len(ids) == 0 || db.rollup.off.Load() {
		return
	}
	now := time.Now().UnixMicro()
	if db.dialect.rowAtATime {
		for _, id := range ids {
			p.exec(ctx, "store: queue rollup", "INSERT INTO rollup_queue (message_id, queued_at) VALUES (?, ?)", id, now)
		}
		return
	}
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, 0, 2*len(part))
		for _, id := range part {
			args = append(args, id, now)
		}
		q := "INSERT INTO rollup_queue (message_id, queued_at) VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?), ", len(part)), ", ")
		p.exec(ctx, "store: queue rollup", db.dialect.q(q), args...)
	}
}

// RollupBacklog is what waits for the roller: how many changes and since
// when. Both are read by the queue's primary key, so asking costs the same
// whether the roller keeps up or is hours behind.
type RollupBacklog struct {
	// Entries counts the queue from its oldest to its newest entry: exact on
	// SQLite; on PostgreSQL ids skipped by rolled-back transactions count too.
	Entries int64
	// Oldest is when the oldest waiting change was queued; zero when none.
	Oldest time.Time
}

// Lag is how long the oldest waiting change has waited: 0 when the rollups
// are current.
func (b RollupBacklog) Lag() time.Duration {
	if b.Oldest.IsZero() {
		return 0
	}
	return max(time.Since(b.Oldest), 0)
}

// RollupBacklog reads the roller's queue: its oldest entry (ids grow with
// time, so the smallest is the oldest) and its span of ids.
func (db *DB) RollupBacklog(ctx context.Context) (RollupBacklog, error) {
	var b RollupBacklog
	var first, last, at sql.NullInt64
	err := db.reader.QueryRowContext(ctx, `SELECT
		(SELECT id FROM rollup_queue ORDER BY id LIMIT 1),
		(SELECT id FROM rollup_queue ORDER BY id DESC LIMIT 1),
		(SELECT queued_at FROM rollup_queue ORDER BY id LIMIT 1)`).Scan(&first, &last, &at)
	if err != nil {
		return b, fmt.Errorf("store: rollup backlog: %w", err)
	}
	if first.Valid && last.Valid {
		b.Entries = last.Int64 - first.Int64 + 1
	}
	if at.Valid {
		b.Oldest = fromMicros(at.Int64)
	}
	return b, nil
}

// RollupLag is how long the oldest queued change has waited for the roller:
// 0 when the rollups are current.
func (db *DB) RollupLag(ctx context.Context) (time.Duration, error) {
	b, err := db.RollupBacklog(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: rollup lag: %w", err)
	}
	return b.Lag(), nil
}

// RollupQueueLength is how many changes wait for the roller, counted: it
// reads the whole queue, for the CLI and tests; metrics use RollupBacklog.
func (db *DB) RollupQueueLength(ctx context.Context) (int64, error) {
	var n int64
	if err := db.reader.QueryRowContext(ctx, "SELECT COUNT(*) FROM rollup_queue").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: rollup queue: %w", err)
	}
	return n, nil
}

// RebuildRollups queues every message, so the roller brings every cell up
// to date: after running with rollups off, or to repair. The cells stay
// usable meanwhile (the roller subtracts what each message added before).
func (db *DB) RebuildRollups(ctx context.Context) (int64, error) {
	res, err := db.writer.ExecContext(ctx, db.dialect.q("INSERT INTO rollup_queue (message_id, queued_at) SELECT id, ? FROM messages ORDER BY id"),
		time.Now().UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("store: rebuild rollups: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// The roller's batch is how many queued changes one transaction takes. On
// PostgreSQL it is large enough that the changes of one message (queued,
// sent, delivered within seconds) fall in the same batch and are applied
// once, and each cell is written once for many messages; ingest does not
// wait for it (it never touches the cells). On SQLite every ingest commit
// waits for the single writer, and a short transaction keeps that wait to
// milliseconds.
const (
	postgresRollerBatch = 10000
	sqliteRollerBatch   = 500
)

// rollerBatch is the roller's batch on this database.
func (db *DB) rollerBatch() int {
	if db.dialect.rowAtATime {
		return sqliteRollerBatch
	}
	return postgresRollerBatch
}

// rollerLock is the PostgreSQL advisory lock that makes one roller active
// among all instances sharing the database.
const rollerLock = 7401021

// errRollerBusy reports that another instance's roller holds the lock.
var errRollerBusy = errors.New("store: another roller is active")

// RollUp drains the queue: it applies every queued change and returns how
// many queue entries it consumed, without pause: tests and the CLI call it
// to bring rollups up to date (RunRoller drains paced). With another
// instance's roller active it returns at once, having done nothing.
func (db *DB) RollUp(ctx context.Context) (int, error) {
	return db.drain(ctx, false)
}

// RollUpBatch applies one batch of about limit queued changes (the
// roller's own batch when limit is 0) in one transaction and returns how many entries it
// consumed: 0 when the queue is empty or another instance's roller is
// active. A backfill of history, with no ingest waiting on the writer, goes
// faster in larger batches: more messages share each cell written.
func (db *DB) RollUpBatch(ctx context.Context, limit int) (int, error) {
	if limit <= 0 {
		limit = db.rollerBatch()
	}
	n, err := db.rollBatch(ctx, limit)
	if errors.Is(err, errRollerBusy) {
		return 0, nil
	}
	return n, err
}

// drain applies batches until the queue is empty. Paced (the server's
// roller), on SQLite it rests after each full batch for as long as the
// batch took: while the roller catches up on a backlog, ingest commits get
// the single writer (and the cores) at least half the time. The roller
// still drains several times faster than callbacks arrive
// (docs/benchmarks.md, "Insight at 10 million messages").
func (db *DB) drain(ctx context.Context, paced bool) (int, error) {
	total := 0
	for {
		t0 := time.Now()
		n, err := db.RollUpBatch(ctx, 0)
		total += n
		if err != nil || n < db.rollerBatch() {
			return total, err
		}
		if paced && db.dialect.rowAtATime {
			rest := time.NewTimer(time.Since(t0))
			select {
			case <-ctx.Done():
				rest.Stop()
				return total, ctx.Err()
			case <-rest.C:
			}
		}
	}
}

// RunRoller keeps the rollups current until ctx ends: it drains the queue,
// then waits interval. report, when not nil, hears of every drain that did
// something or failed: entries consumed, time taken, error.
func (db *DB) RunRoller(ctx context.Context, interval time.Duration, report func(n int, took time.Duration, err error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		t0 := time.Now()
		n, err := db.drain(ctx, true)
		if ctx.Err() != nil {
			return
		}
		if report != nil && (n > 0 || err != nil) {
			report(n, time.Since(t0), err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// rollBatch applies up to limit queued changes. On PostgreSQL all of it is
// one transaction under the roller's advisory lock. On SQLite, whose single
// writer every ingest commit waits for, the reads (queue, messages,
// contributions) happen first on a reader and only the writes take the
// writer: a commit waits for the roller's writes, never for its reads.
func (db *DB) rollBatch(ctx context.Context, limit int) (int, error) {
	if err := db.loadSeries(ctx); err != nil {
		return 0, err
	}
	if db.dialect.rowAtATime {
		return db.rollBatchSQLite(ctx, limit)
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: roll up: %w", err)
	}
	defer tx.Rollback()
	var ok bool
	if err := tx.QueryRowContext(ctx, "SELECT pg_try_advisory_xact_lock($1)", rollerLock).Scan(&ok); err != nil {
		return 0, fmt.Errorf("store: roll up: lock: %w", err)
	}
	if !ok {
		return 0, errRollerBusy
	}
	n, ids, err := db.claimQueued(ctx, tx, limit)
	if err != nil || n == 0 {
		return 0, err
	}
	r := db.newSeriesResolver(tx)
	plan, err := db.planRoll(ctx, tx, r, ids)
	if err != nil {
		return 0, err
	}
	if err := db.applyRoll(ctx, tx, r, plan); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: roll up: commit: %w", err)
	}
	r.publish()
	return n, nil
}

// rollBatchSQLite is rollBatch on SQLite. One roller of this process runs
// at a time (rollMu); a roller of another process sharing the file is
// detected when it has consumed any of the same queue entries first, and
// this batch is then dropped, its entries untouched.
func (db *DB) rollBatchSQLite(ctx context.Context, limit int) (int, error) {
	db.rollup.rollMu.Lock()
	defer db.rollup.rollMu.Unlock()
	rows, err := db.reader.QueryContext(ctx, "SELECT id, message_id, queued_at FROM rollup_queue ORDER BY id LIMIT ?", limit)
	if err != nil {
		return 0, fmt.Errorf("store: read rollup queue: %w", err)
	}
	var entries [][3]int64
	seen := map[int64]bool{}
	var ids []int64
	for rows.Next() {
		var e [3]int64
		if err := rows.Scan(&e[0], &e[1], &e[2]); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: read rollup queue: %w", err)
		}
		entries = append(entries, e)
		if !seen[e[1]] {
			seen[e[1]] = true
			ids = append(ids, e[1])
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(entries) == 0 {
		return 0, err
	}
	r := db.newSeriesResolver(db.reader)
	plan, err := db.planRoll(ctx, db.reader, r, ids)
	if err != nil {
		return 0, err
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: roll up: %w", err)
	}
	defer tx.Rollback()
	// Each entry read must still be there, whole: if another roller took
	// one meanwhile (and its id was reused), this batch is stale.
	for _, e := range entries {
		res, err := tx.ExecContext(ctx, "DELETE FROM rollup_queue WHERE id = ? AND message_id = ? AND queued_at = ?", e[0], e[1], e[2])
		if err != nil {
			return 0, fmt.Errorf("store: claim rollup queue: %w", err)
		}
		if deleted, err := res.RowsAffected(); err != nil || deleted != 1 {
			return 0, errRollerBusy
		}
	}
	r.q = tx
	if err := db.applyRoll(ctx, tx, r, plan); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: roll up: commit: %w", err)
	}
	r.publish()
	return len(entries), nil
}

// rollGroup is a set of messages that count in the same cells: one series
// (at the sender level, untagged), one minute, the same tags.
type rollGroup struct {
	series seriesKey
	minute int64
	tags   string
}

// rollPlan is what a batch of queued changes does to the rollups, worked
// out from reads alone.
type rollPlan struct {
	changed []int64                 // messages whose contribution changed
	current map[int64]*contribution // their new contributions
	// groups hold the summed differences: the messages of a group count in
	// the same cells, so a batch costs a few cell updates per group, not
	// per message.
	groups map[rollGroup]*insight.Figures
}

// planRoll reads the messages with these ids and what they last
// contributed, through q, and sums the differences by group.
func (db *DB) planRoll(ctx context.Context, q querier, r *seriesResolver, ids []int64) (*rollPlan, error) {
	current, previous, err := db.loadRollupRows(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	p := &rollPlan{current: current, groups: map[rollGroup]*insight.Figures{}}
	add := func(c *contribution, sign int64) {
		g := rollGroup{c.series, insight.Minute.FloorMicros(c.createdAt), c.tags}
		f := p.groups[g]
		if f == nil {
			f = &insight.Figures{}
			p.groups[g] = f
		}
		f.Add(c.figures(), sign)
	}
	for _, id := range ids {
		now, before := current[id], previous[id]
		if before != nil {
			if before.series, err = r.key(ctx, before.seriesID); err != nil {
				return nil, err
			}
		}
		if now == nil || before != nil && now.same(before) {
			continue // deleted (its cells keep the history) or unchanged
		}
		if before != nil {
			add(before, -1)
		}
		add(now, 1)
		p.changed = append(p.changed, id)
	}
	return p, nil
}

// applyRoll writes a plan in tx: the series it needs, the new
// contributions, the cells, and the pruning of old minute cells.
func (db *DB) applyRoll(ctx context.Context, tx *sql.Tx, r *seriesResolver, p *rollPlan) error {
	for _, id := range p.changed {
		c := p.current[id]
		var err error
		if c.seriesID, err = r.id(ctx, c.series); err != nil {
			return err
		}
	}
	cutoff := db.minuteCutoff(time.Now())
	deltas := map[cellKey]*insight.Figures{}
	for g, f := range p.groups {
		if f.Zero() {
			continue // the group's changes cancel out
		}
		c := contribution{series: g.series, createdAt: g.minute, tags: g.tags}
		if err := r.spread(ctx, deltas, &c, f, cutoff); err != nil {
			return err
		}
	}
	if err := db.writeContributions(ctx, tx, p.changed, p.current); err != nil {
		return err
	}
	if err := db.writeCells(ctx, tx, deltas); err != nil {
		return err
	}
	return db.pruneMinutes(ctx, tx, cutoff)
}

// querier runs queries: a transaction or a pool.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// claimQueued deletes up to limit of the oldest queue entries in tx and
// returns how many it took and the distinct message ids, in order. The
// delete is undone if the transaction fails, so nothing is lost.
func (db *DB) claimQueued(ctx context.Context, tx *sql.Tx, limit int) (int, []int64, error) {
	// A range, not IN (subquery): PostgreSQL would plan the latter as a
	// scan of the whole queue. Entries below the bound that commit after
	// the delete starts are not seen, so not deleted: they wait for the
	// next batch, and what is returned is exactly what was deleted.
	rows, err := tx.QueryContext(ctx, db.dialect.q(`DELETE FROM rollup_queue WHERE id <=
		(SELECT MAX(id) FROM (SELECT id FROM rollup_queue ORDER BY id LIMIT ?) q) RETURNING message_id`), limit)
	if err != nil {
		return 0, nil, fmt.Errorf("store: claim rollup queue: %w", err)
	}
	defer rows.Close()
	n := 0
	seen := map[int64]bool{}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, nil, fmt.Errorf("store: claim rollup queue: %w", err)
		}
		n++
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("store: claim rollup queue: %w", err)
	}
	return n, ids, nil
}

// loadChunk is the number of ids of one IN list on SQLite; lists are
// padded to it so the statement cache keeps one statement.
const loadChunk = 100

// rollupRowsQuery selects the current contribution of messages and the one
// they last added (NULLs when none); the caller completes the IN list.
const rollupRowsQuery = "SELECT " + rollupMessageColumns + `, c.series_id, c.created_at, c.tags, c.status, c.error_code,
	c.segments, c.cost_micros, c.queued_sent_ms, c.sent_delivered_ms, c.converted_ms, c.response_ms, c.opt_out
	FROM messages m LEFT JOIN rollup_contributions c ON c.message_id = m.id WHERE m.id IN `

// loadRollupRows returns, for the messages with these ids that exist, what
// they contribute now and what they last contributed (absent when never).
func (db *DB) loadRollupRows(ctx context.Context, tx querier, ids []int64) (now, before map[int64]*contribution, err error) {
	now, before = make(map[int64]*contribution, len(ids)), make(map[int64]*contribution, len(ids))
	q := db.dialect.q(rollupRowsQuery + "(" + placeholders(loadChunk) + ")")
	step := loadChunk
	if !db.dialect.rowAtATime { // PostgreSQL: all ids as one array
		q, step = db.dialect.q(rollupRowsQuery+"(SELECT unnest(CAST(? AS BIGINT[])))"), len(ids)
	}
	args := make([]any, loadChunk)
	for start := 0; start < len(ids); start += step {
		part := ids[start:min(start+step, len(ids))]
		if step == len(ids) {
			args = []any{part}
		} else {
			for i := range args {
				args[i] = part[min(i, len(part)-1)] // padding repeats the last id
			}
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, nil, fmt.Errorf("store: load rollup rows: %w", err)
		}
		for rows.Next() {
			id, c, stored, err := scanRollupRow(rows)
			if err != nil {
				rows.Close()
				return nil, nil, fmt.Errorf("store: load rollup rows: %w", err)
			}
			now[id] = c
			if stored != nil {
				before[id] = stored
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, fmt.Errorf("store: load rollup rows: %w", err)
		}
	}
	return now, before, nil
}

// scanRollupRow reads a row of rollupRowsQuery.
func scanRollupRow(row scanner) (id int64, now, before *contribution, err error) {
	var (
		seriesID, createdAt, segments, cost, optOut sql.NullInt64
		tags, status, errorCode                     sql.NullString
		ms                                          [4]sql.NullInt64
	)
	id, now, err = scanContributionInto(row, &seriesID, &createdAt, &tags, &status, &errorCode, &segments, &cost,
		&ms[0], &ms[1], &ms[2], &ms[3], &optOut)
	if err != nil || !seriesID.Valid {
		return id, now, nil, err
	}
	before = &contribution{seriesID: seriesID.Int64, createdAt: createdAt.Int64, tags: tags.String, status: status.String,
		errorCode: errorCode.String, segments: segments.Int64, cost: cost.Int64, optOut: optOut.Int64 != 0}
	for i, p := range []*int64{&before.queuedSent, &before.sentDelivered, &before.converted, &before.response} {
		*p = noTime
		if ms[i].Valid {
			*p = ms[i].Int64
		}
	}
	return id, now, before, nil
}

// writeContributions stores the new contributions of the changed messages.
func (db *DB) writeContributions(ctx context.Context, tx *sql.Tx, ids []int64, current map[int64]*contribution) error {
	const cols = "message_id, series_id, created_at, tags, status, error_code, segments, cost_micros, queued_sent_ms, sent_delivered_ms, converted_ms, response_ms, opt_out"
	const tail = ` ON CONFLICT (message_id) DO UPDATE SET series_id = excluded.series_id, created_at = excluded.created_at,
		tags = excluded.tags, status = excluded.status, error_code = excluded.error_code, segments = excluded.segments,
		cost_micros = excluded.cost_micros, queued_sent_ms = excluded.queued_sent_ms, sent_delivered_ms = excluded.sent_delivered_ms,
		converted_ms = excluded.converted_ms, response_ms = excluded.response_ms, opt_out = excluded.opt_out`
	values := func(id int64) []any {
		c := current[id]
		return []any{id, c.seriesID, c.createdAt, c.tags, c.status, c.errorCode, c.segments, c.cost,
			nullMillis(c.queuedSent), nullMillis(c.sentDelivered), nullMillis(c.converted), nullMillis(c.response), boolInt(c.optOut)}
	}
	if !db.dialect.rowAtATime {
		rows := make([][]any, len(ids))
		for i, id := range ids {
			rows[i] = values(id)
		}
		return db.insertUnnested(ctx, tx, "rollup_contributions", cols, rows, tail)
	}
	q := "INSERT INTO rollup_contributions (" + cols + ") VALUES (" + placeholders(13) + ")" + tail
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, q, values(id)...); err != nil {
			return fmt.Errorf("store: write rollup contributions: %w", err)
		}
	}
	return nil
}

func nullMillis(ms int64) any {
	if ms == noTime {
		return nil
	}
	return ms
}

// pruneEvery is how often the roller deletes minute cells past retention.
const pruneEvery = 10 * time.Minute

// pruneMinutes deletes minute cells older than cutoff, at most every
// pruneEvery. The roller never writes minute cells before the cutoff and
// queries never read them, so the cells it deletes are already unused.
func (db *DB) pruneMinutes(ctx context.Context, tx *sql.Tx, cutoff int64) error {
	db.rollup.mu.Lock()
	due := time.Since(db.rollup.lastPruned) >= pruneEvery
	if due {
		db.rollup.lastPruned = time.Now()
	}
	db.rollup.mu.Unlock()
	if !due {
		return nil
	}
	_, err := tx.ExecContext(ctx, db.dialect.q(`DELETE FROM rollup_cells WHERE grain = ? AND bucket < ?
		AND series_id IN (SELECT id FROM rollup_series WHERE level < ? AND tag_key = '')`),
		int(insight.Minute), cutoff, levelSender)
	if err != nil {
		return fmt.Errorf("store: prune minute cells: %w", err)
	}
	return nil
}

// rollupIDs lists the messages a batch changed: the touched ones and the
// outbound messages their replies were linked to (linkReply sets those
// messages' response time).
func rollupIDs(touched map[*smstrack.Message]bool) []int64 {
	ids := make([]int64, 0, len(touched))
	for m := range touched {
		ids = append(ids, m.ID)
		if m.ReplyTo != 0 && m.Direction == smstrack.Inbound {
			ids = append(ids, m.ReplyTo)
		}
	}
	return ids
}

// catchUpMax is the longest queue a stats request applies itself before
// answering: a few milliseconds of work added to the request.
const catchUpMax = 2000

// CatchUpRollups applies the queued changes now when they are few (at most
// one SQLite roller batch, or catchUpMax), so a stats answer includes what
// was recorded just before it; behind a longer queue (or another
// instance's roller) it returns at once and the answer is as old as
// RollupLag.
func (db *DB) CatchUpRollups(ctx context.Context) error {
	if db.rollup.off.Load() {
		return nil
	}
	limit := min(db.rollerBatch(), catchUpMax)
	var n int
	if err := db.reader.QueryRowContext(ctx, db.dialect.q("SELECT COUNT(*) FROM (SELECT 1 FROM rollup_queue LIMIT ?) q"),
		limit+1).Scan(&n); err != nil {
		return fmt.Errorf("store: rollup queue: %w", err)
	}
	if n == 0 || n > limit {
		return nil
	}
	_, err := db.rollBatch(ctx, limit)
	if errors.Is(err, errRollerBusy) {
		return nil
	}
	return err
}
