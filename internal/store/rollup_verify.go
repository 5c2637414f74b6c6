package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/smstrack/smstrack/internal/insight"
)

// VerifyRollups recomputes every cell from the messages table, as if each
// message had been rolled up once in its current state, and compares it
// with the stored cells: counts, segments, cost, error counts and every
// sketch bin. It returns a description of each difference (at most limit).
// It reads every message, so it is for tests and for checking a database
// offline, with the queue drained, not for a busy server.
func (db *DB) VerifyRollups(ctx context.Context, limit int) ([]string, error) {
	cutoff := db.minuteCutoff(time.Now())
	want := map[cellRef]*insight.Figures{}
	rows, err := db.reader.QueryContext(ctx, rollupMessageQuery)
	if err != nil {
		return nil, fmt.Errorf("store: verify rollups: %w", err)
	}
	for rows.Next() {
		_, c, err := scanContribution(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: verify rollups: %w", err)
		}
		f := c.figures()
		for _, ref := range c.cells(cutoff) {
			if want[ref] == nil {
				want[ref] = &insight.Figures{}
			}
			want[ref].Add(f, 1)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: verify rollups: %w", err)
	}

	got := map[cellRef]*insight.Figures{}
	rows, err = db.reader.QueryContext(ctx, "SELECT "+prefixedSeries("s")+", c.grain, c.bucket, "+prefixedCellFigures("c")+
		" FROM rollup_cells c JOIN rollup_series s ON s.id = c.series_id")
	if err != nil {
		return nil, fmt.Errorf("store: verify rollups: %w", err)
	}
	scan := newCellScan()
	for rows.Next() {
		var ref cellRef
		var id int64
		var grain int
		k := &ref.series
		dest := []any{&id, &k.level, &k.account, &k.provider, &k.direction, &k.sender, &k.country, &k.carrier,
			&k.tagKey, &k.tagValue, &grain, &ref.bucket}
		if err := rows.Scan(append(dest, scan.dest...)...); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: verify rollups: %w", err)
		}
		ref.grain = insight.Grain(grain)
		if ref.grain == insight.Minute && ref.bucket < cutoff {
			continue // past retention: never read, pruned later
		}
		f := &insight.Figures{}
		if err := scan.addTo(f, 1); err != nil {
			rows.Close()
			return nil, err
		}
		got[ref] = f
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: verify rollups: %w", err)
	}

	var diffs []string
	for ref, w := range want {
		g := got[ref]
		switch {
		case g == nil:
			diffs = append(diffs, fmt.Sprintf("missing cell %s: want %d messages", describeCell(ref), w.Messages))
		case !g.Equal(w):
			diffs = append(diffs, fmt.Sprintf("cell %s differs: got %+v, want %+v", describeCell(ref), summary(g), summary(w)))
		}
	}
	for ref, g := range got {
		if want[ref] == nil {
			diffs = append(diffs, fmt.Sprintf("extra cell %s: %d messages", describeCell(ref), g.Messages))
		}
	}
	slices.Sort(diffs)
	if len(diffs) > limit {
		diffs = diffs[:limit]
	}
	return diffs, nil
}

func describeCell(ref cellRef) string {
	k := ref.series
	return fmt.Sprintf("[level %d %s/%s/%s sender=%q country=%q carrier=%q tag=%q:%q %s %s]", k.level, k.account,
		k.provider, k.direction, k.sender, k.country, k.carrier, k.tagKey, k.tagValue, ref.grain,
		fromMicros(ref.bucket).Format(time.RFC3339))
}

// summary shows figures in a diff, sketches as their counts.
func summary(f *insight.Figures) map[string]any {
	return map[string]any{"messages": f.Messages, "status": f.Status, "none": f.NoStatus, "segments": f.Segments,
		"cost": f.CostMicros, "errors": f.Errors, "converted": f.Converted, "delivered_unconverted": f.DeliveredUnconverted,
		"replied": f.Replied, "opt_outs": f.OptOuts, "queued_sent": f.QueuedToSent.Count(),
		"sent_delivered": f.SentToDelivered.Count(), "converted_after": f.CreatedToConverted.Count(),
		"response": f.ResponseTime.Count()}
}
