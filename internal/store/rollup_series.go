package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/smstrack/smstrack/internal/insight"
)

// seriesColumns are the columns naming a series, in scanSeries order.
const seriesColumns = "id, level, account, provider, direction, sender, country, carrier, tag_key, tag_value"

func scanSeries(row scanner) (int64, seriesKey, error) {
	var id int64
	var k seriesKey
	err := row.Scan(&id, &k.level, &k.account, &k.provider, &k.direction, &k.sender, &k.country, &k.carrier, &k.tagKey, &k.tagValue)
	return id, k, err
}

// loadSeries fills the series cache once per process: series are never
// changed or deleted, so a cached id stays right.
func (db *DB) loadSeries(ctx context.Context) error {
	db.rollup.mu.Lock()
	defer db.rollup.mu.Unlock()
	if db.rollup.loaded {
		return nil
	}
	rows, err := db.writer.QueryContext(ctx, "SELECT "+seriesColumns+" FROM rollup_series")
	if err != nil {
		return fmt.Errorf("store: load rollup series: %w", err)
	}
	defer rows.Close()
	byKey, byID := map[seriesKey]int64{}, map[int64]seriesKey{}
	for rows.Next() {
		id, k, err := scanSeries(rows)
		if err != nil {
			return fmt.Errorf("store: load rollup series: %w", err)
		}
		byKey[k], byID[id] = id, k
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: load rollup series: %w", err)
	}
	db.rollup.byKey, db.rollup.byID, db.rollup.loaded = byKey, byID, true
	return nil
}

// seriesResolver finds and creates series within one roller transaction.
// Series it creates are cached only once the transaction commits (publish),
// so a rolled-back id is never reused.
type seriesResolver struct {
	db      *DB
	q       querier // the roller's transaction; a reader while it only reads
	fresh   map[seriesKey]int64
	freshID map[int64]seriesKey
}

// newSeriesResolver returns a resolver for one roller batch.
func (db *DB) newSeriesResolver(q querier) *seriesResolver {
	return &seriesResolver{db: db, q: q, fresh: map[seriesKey]int64{}, freshID: map[int64]seriesKey{}}
}

// remember notes a series found or created in this transaction.
func (r *seriesResolver) remember(k seriesKey, id int64) {
	r.fresh[k], r.freshID[id] = id, k
}

// known looks k up in the process's series cache, under its lock, then
// among the series this transaction found or created.
func known[K comparable, V any](mu *sync.Mutex, cache, fresh map[K]V, k K) (V, bool) {
	mu.Lock()
	v, ok := cache[k]
	mu.Unlock()
	if !ok {
		v, ok = fresh[k]
	}
	return v, ok
}

// id returns the id of a series, creating it when new.
func (r *seriesResolver) id(ctx context.Context, k seriesKey) (int64, error) {
	id, ok := known(&r.db.rollup.mu, r.db.rollup.byKey, r.fresh, k)
	if ok {
		return id, nil
	}
	// Another instance may have created it since this one loaded the cache.
	err := r.q.QueryRowContext(ctx, r.db.dialect.q(`SELECT id FROM rollup_series WHERE level = ? AND tag_key = ?
		AND tag_value = ? AND account = ? AND provider = ? AND direction = ? AND country = ? AND carrier = ? AND sender = ?`),
		k.level, k.tagKey, k.tagValue, k.account, k.provider, k.direction, k.country, k.carrier, k.sender).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = r.q.QueryRowContext(ctx, r.db.dialect.q(`INSERT INTO rollup_series
			(level, account, provider, direction, sender, country, carrier, tag_key, tag_value)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			k.level, k.account, k.provider, k.direction, k.sender, k.country, k.carrier, k.tagKey, k.tagValue).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("store: rollup series: %w", err)
	}
	r.remember(k, id)
	return id, nil
}

// key returns the series with this id.
func (r *seriesResolver) key(ctx context.Context, id int64) (seriesKey, error) {
	k, ok := known(&r.db.rollup.mu, r.db.rollup.byID, r.freshID, id)
	if ok {
		return k, nil
	}
	_, k, err := scanSeries(r.q.QueryRowContext(ctx, r.db.dialect.q("SELECT "+seriesColumns+" FROM rollup_series WHERE id = ?"), id))
	if err != nil {
		return k, fmt.Errorf("store: rollup series %d: %w", id, err)
	}
	r.remember(k, id)
	return k, nil
}

// spread adds f to every cell the contribution c counts in.
func (r *seriesResolver) spread(ctx context.Context, deltas map[cellKey]*insight.Figures, c *contribution, f *insight.Figures, minuteCutoff int64) error {
	for _, ref := range c.cells(minuteCutoff) {
		id, err := r.id(ctx, ref.series)
		if err != nil {
			return err
		}
		k := cellKey{id, ref.grain, ref.bucket}
		d := deltas[k]
		if d == nil {
			d = &insight.Figures{}
			deltas[k] = d
		}
		d.Add(f, 1)
	}
	return nil
}

// publish caches the series the committed transaction created or found.
func (r *seriesResolver) publish() {
	st := &r.db.rollup
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.loaded {
		return
	}
	for k, id := range r.fresh {
		st.byKey[k], st.byID[id] = id, k
	}
}
