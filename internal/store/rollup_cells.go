package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/insight"
)

// cellKey names a stored cell.
type cellKey struct {
	series int64
	grain  insight.Grain
	bucket int64
}

// cellFigureColumns are the figure columns of rollup_cells, in the order
// cellValues writes and scanCellFigures reads them.
var cellFigureColumns = func() []string {
	cols := []string{"messages", "n_none"}
	for _, s := range smstrack.Statuses {
		cols = append(cols, "n_"+string(s))
	}
	return append(cols, "segments", "cost_micros", "converted", "delivered_unconverted", "replied", "opt_outs",
		"errors", "queued_sent", "sent_delivered", "created_converted", "response")
}()

var cellFigureList = strings.Join(cellFigureColumns, ", ")

// cellValues returns the figures as column values, in cellFigureColumns order.
func cellValues(f *insight.Figures) []any {
	vals := make([]any, 0, len(cellFigureColumns))
	vals = append(vals, f.Messages, f.NoStatus)
	for _, n := range f.Status {
		vals = append(vals, n)
	}
	vals = append(vals, f.Segments, f.CostMicros, f.Converted, f.DeliveredUnconverted, f.Replied, f.OptOuts,
		encodeErrors(f.Errors))
	for _, s := range f.Sketches() {
		vals = append(vals, s.Encode())
	}
	return vals
}

// cellScan holds the destinations of one row of figure columns.
type cellScan struct {
	ints     [len(smstrack.Statuses) + 8]int64
	errors   string
	sketches [4][]byte
	dest     []any
}

func newCellScan() *cellScan {
	c := &cellScan{}
	for i := range c.ints {
		c.dest = append(c.dest, &c.ints[i])
	}
	c.dest = append(c.dest, &c.errors)
	for i := range c.sketches {
		c.dest = append(c.dest, &c.sketches[i])
	}
	return c
}

// addTo merges the scanned figures into f (sign -1 subtracts them).
func (c *cellScan) addTo(f *insight.Figures, sign int64) error {
	f.Messages += sign * c.ints[0]
	f.NoStatus += sign * c.ints[1]
	n := len(smstrack.Statuses)
	for i := range n {
		f.Status[i] += sign * c.ints[2+i]
	}
	rest := c.ints[2+n:]
	f.Segments += sign * rest[0]
	f.CostMicros += sign * rest[1]
	f.Converted += sign * rest[2]
	f.DeliveredUnconverted += sign * rest[3]
	f.Replied += sign * rest[4]
	f.OptOuts += sign * rest[5]
	if err := decodeErrors(c.errors, sign, f); err != nil {
		return err
	}
	for i, s := range f.Sketches() {
		if err := s.MergeEncoded(c.sketches[i], sign); err != nil {
			return fmt.Errorf("store: rollup cell sketch: %w", err)
		}
	}
	return nil
}

// encodeErrors writes error counts as code=count pairs joined by &, codes
// escaped, in code order: compact, and the same text for the same counts.
func encodeErrors(errs map[string]int64) string {
	if len(errs) == 0 {
		return ""
	}
	codes := make([]string, 0, len(errs))
	for code := range errs {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	var b strings.Builder
	for i, code := range codes {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(code))
		b.WriteByte('=')
		b.WriteString(strconv.FormatInt(errs[code], 10))
	}
	return b.String()
}

// decodeErrors adds encoded error counts to f, times sign.
func decodeErrors(s string, sign int64, f *insight.Figures) error {
	for s != "" {
		var pair string
		pair, s, _ = strings.Cut(s, "&")
		code, count, ok := strings.Cut(pair, "=")
		n, err := strconv.ParseInt(count, 10, 64)
		if !ok || err != nil {
			return fmt.Errorf("store: rollup cell errors: malformed %q", pair)
		}
		if strings.ContainsAny(code, "%+") {
			if code, err = url.QueryUnescape(code); err != nil {
				return fmt.Errorf("store: rollup cell errors: %w", err)
			}
		}
		f.AddError(code, sign*n)
	}
	return nil
}

// clampNegative zeroes any figure below zero. A cell only goes negative if
// what was subtracted had never been added, which the roller's bookkeeping
// rules out; should it happen, a wrong zero is better than a wrong negative.
func clampNegative(f *insight.Figures) {
	for _, p := range []*int64{&f.Messages, &f.NoStatus, &f.Segments, &f.CostMicros, &f.Converted,
		&f.DeliveredUnconverted, &f.Replied, &f.OptOuts} {
		*p = max(*p, 0)
	}
	for i := range f.Status {
		f.Status[i] = max(f.Status[i], 0)
	}
	for code, n := range f.Errors {
		if n < 0 {
			delete(f.Errors, code)
		}
	}
	for _, s := range f.Sketches() {
		if s.Negative() {
			var fixed insight.Sketch
			s.Bins(func(k int, c int64) {
				if c > 0 {
					fixed.AddBin(k, c)
				}
			})
			*s = fixed
		}
	}
}

// writeCells adds deltas to the stored cells in tx: each affected cell is
// read, merged in memory and written back whole (sketches cannot be added
// in SQL), or deleted when nothing contributes to it any more.
func (db *DB) writeCells(ctx context.Context, tx *sql.Tx, deltas map[cellKey]*insight.Figures) error {
	keys := make([]cellKey, 0, len(deltas))
	for k := range deltas {
		keys = append(keys, k)
	}
	// Key order: concurrent writers (there is one roller at a time, but
	// order costs nothing) lock rows alike, and PostgreSQL pages are
	// touched in index order.
	slices.SortFunc(keys, func(a, b cellKey) int {
		if a.series != b.series {
			return cmpInt(a.series, b.series)
		}
		if a.grain != b.grain {
			return cmpInt(int64(a.grain), int64(b.grain))
		}
		return cmpInt(a.bucket, b.bucket)
	})
	stored, err := db.readCells(ctx, tx, keys)
	if err != nil {
		return err
	}
	var upserts []cellKey
	var deletes []cellKey
	merged := make(map[cellKey]*insight.Figures, len(keys))
	for _, k := range keys {
		f := stored[k]
		if f == nil {
			f = &insight.Figures{}
		}
		f.Add(deltas[k], 1)
		clampNegative(f)
		if f.Zero() {
			if stored[k] != nil {
				deletes = append(deletes, k)
			}
			continue
		}
		merged[k] = f
		upserts = append(upserts, k)
	}
	for _, k := range deletes {
		if _, err := tx.ExecContext(ctx, db.dialect.q("DELETE FROM rollup_cells WHERE series_id = ? AND grain = ? AND bucket = ?"),
			k.series, int(k.grain), k.bucket); err != nil {
			return fmt.Errorf("store: delete rollup cell: %w", err)
		}
	}
	cols := "series_id, grain, bucket, " + cellFigureList
	row := "(" + placeholders(3+len(cellFigureColumns)) + ")"
	var set strings.Builder
	for i, c := range cellFigureColumns {
		if i > 0 {
			set.WriteString(", ")
		}
		set.WriteString(c + " = excluded." + c)
	}
	tail := " ON CONFLICT (series_id, grain, bucket) DO UPDATE SET " + set.String()
	if !db.dialect.rowAtATime {
		rows := make([][]any, len(upserts))
		for i, k := range upserts {
			rows[i] = append([]any{k.series, int64(k.grain), k.bucket}, cellValues(merged[k])...)
		}
		return db.insertUnnested(ctx, tx, "rollup_cells", cols, rows, tail)
	}
	for start := 0; start < len(upserts); start++ {
		k := upserts[start]
		args := append([]any{k.series, int(k.grain), k.bucket}, cellValues(merged[k])...)
		if _, err := tx.ExecContext(ctx, "INSERT INTO rollup_cells ("+cols+") VALUES "+row+tail, args...); err != nil {
			return fmt.Errorf("store: write rollup cells: %w", err)
		}
	}
	return nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// readCells returns the stored figures of the cells that exist among keys.
func (db *DB) readCells(ctx context.Context, tx *sql.Tx, keys []cellKey) (map[cellKey]*insight.Figures, error) {
	out := make(map[cellKey]*insight.Figures, len(keys))
	if len(keys) == 0 {
		return out, nil // PostgreSQL has no unnest() of no arrays
	}
	scan := newCellScan()
	read := func(rows *sql.Rows) error {
		defer rows.Close()
		for rows.Next() {
			var k cellKey
			var grain int
			dest := append([]any{&k.series, &grain, &k.bucket}, scan.dest...)
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			k.grain = insight.Grain(grain)
			f := &insight.Figures{}
			if err := scan.addTo(f, 1); err != nil {
				return err
			}
			out[k] = f
		}
		return rows.Err()
	}
	sel := "SELECT series_id, grain, bucket, " + cellFigureList + " FROM rollup_cells WHERE "
	if db.dialect.rowAtATime {
		q := sel + "series_id = ? AND grain = ? AND bucket = ?"
		for _, k := range keys {
			rows, err := tx.QueryContext(ctx, q, k.series, int(k.grain), k.bucket)
			if err != nil {
				return nil, fmt.Errorf("store: read rollup cells: %w", err)
			}
			if err := read(rows); err != nil {
				return nil, fmt.Errorf("store: read rollup cells: %w", err)
			}
		}
		return out, nil
	}
	rows := make([][]any, len(keys))
	for i, k := range keys {
		rows[i] = []any{k.series, int64(k.grain), k.bucket}
	}
	args, casts := arrayColumns(rows)
	q := sel + "(series_id, grain, bucket) IN (SELECT * FROM unnest(" + casts + "))"
	res, err := tx.QueryContext(ctx, db.dialect.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: read rollup cells: %w", err)
	}
	if err := read(res); err != nil {
		return nil, fmt.Errorf("store: read rollup cells: %w", err)
	}
	return out, nil
}
