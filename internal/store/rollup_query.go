package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/insight"
)

// Rollup answers a rollup query by merging stored cells: the figures of the
// messages created in [q.From, q.To), narrowed by q.Filter, one group per
// combination of q.GroupBy values (one group with an empty key without
// GroupBy) and, with q.Interval, per bucket. It reads the least detailed
// level of series that has every dimension asked for, and for a range
// without interval the fewest whole cells: days in the middle, then hours,
// then minutes at the edges (hours only for ranges up to HourEdges,
// minutes for ranges up to MinuteEdges within the minute retention, and
// not by sender or tag). The range is rounded outwards to the finest grain
// read; RollupRange says to what. Groups come bucket by bucket, largest
// first within a bucket.
func (db *DB) Rollup(ctx context.Context, q insight.Query) ([]insight.Group, error) {
	plan, err := db.planRollup(q, time.Now())
	if err != nil {
		return nil, err
	}
	series, err := db.rollupSeries(ctx, plan)
	if err != nil {
		return nil, err
	}
	groups := map[string]*insight.Group{}
	var order []string
	scan := newCellScan()
	for _, span := range plan.spans {
		sel := "SELECT c.series_id, c.bucket, " + prefixedCellFigures("c") +
			" FROM rollup_cells c JOIN rollup_series s ON s.id = c.series_id WHERE " + plan.where +
			" AND c.grain = ? AND c.bucket >= ? AND c.bucket < ?"
		args := append(slices.Clone(plan.args), int(span.Grain), span.From.UnixMicro(), span.To.UnixMicro())
		rows, err := db.reader.QueryContext(ctx, db.dialect.q(sel), args...)
		if err != nil {
			return nil, fmt.Errorf("store: rollup query: %w", err)
		}
		for rows.Next() {
			var id, bucket int64
			if err := rows.Scan(append([]any{&id, &bucket}, scan.dest...)...); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: rollup query: %w", err)
			}
			s, ok := series[id]
			if !ok {
				continue // created after the series were read
			}
			var at time.Time
			if q.Interval != insight.NoGrain {
				at = fromMicros(bucket)
			}
			for _, t := range s.targets {
				gk := t.key + "\x00" + at.String()
				g := groups[gk]
				if g == nil {
					g = &insight.Group{Key: t.values, Bucket: at}
					groups[gk] = g
					order = append(order, gk)
				}
				if err := scan.addTo(&g.Figures, t.sign); err != nil {
					rows.Close()
					return nil, err
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: rollup query: %w", err)
		}
	}
	out := make([]insight.Group, 0, len(groups))
	for _, gk := range order {
		if g := groups[gk]; !g.Zero() {
			out = append(out, *g)
		}
	}
	if len(q.GroupBy) == 0 && q.Interval == insight.NoGrain && len(out) == 0 {
		out = append(out, insight.Group{Key: map[string]string{}})
	}
	slices.SortStableFunc(out, func(a, b insight.Group) int {
		if c := a.Bucket.Compare(b.Bucket); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Messages, a.Messages); c != 0 {
			return c
		}
		for _, d := range q.GroupBy {
			if c := cmp.Compare(a.Key[string(d)], b.Key[string(d)]); c != 0 {
				return c
			}
		}
		return 0
	})
	return out, nil
}

// RollupRange returns the range a query's figures are exactly for: From
// and To rounded outwards to the finest grain Rollup reads for it.
func (db *DB) RollupRange(q insight.Query) (from, to time.Time, err error) {
	plan, err := db.planRollup(q, time.Now())
	if err != nil {
		return from, to, err
	}
	return plan.from, plan.to, nil
}

// MinuteEdges and HourEdges are the longest ranges without interval whose
// edges are read to the minute and to the hour; longer ranges are rounded
// to whole hours and whole days. An edge that is small against the range
// bounds the cells one query reads: 30 days read 30 day cells per series,
// not 29 day cells and up to 46 hour cells. Ask for an interval for exact
// edges on longer ranges.
const (
	MinuteEdges = 6 * time.Hour
	HourEdges   = 7 * 24 * time.Hour
)

// MaxRollupBuckets bounds the buckets of one query with an interval.
const MaxRollupBuckets = 2000

// rollupPlan is how a query is answered.
type rollupPlan struct {
	q        insight.Query
	level    int
	tagKey   string // the tag grouped or filtered by, "" for none
	tagGroup bool   // grouped by the tag
	where    string // conditions on series s
	args     []any
	spans    []insight.Span
	from, to time.Time
}

// planRollup checks a query and chooses its level, series and cells.
func (db *DB) planRollup(q insight.Query, now time.Time) (*rollupPlan, error) {
	p := &rollupPlan{q: q}
	if q.From.IsZero() || q.To.IsZero() {
		return nil, smstrack.FieldError("from", "a rollup query needs from and to")
	}
	if !q.From.Before(q.To) {
		return nil, smstrack.FieldError("from", "from must be before to")
	}
	if len(q.GroupBy) > insight.MaxGroupBy {
		return nil, smstrack.FieldError("group_by", "group by at most %d dimensions", insight.MaxGroupBy)
	}
	needed := map[insight.Dimension]bool{}
	for _, d := range q.GroupBy {
		if k := d.TagKey(); k != "" {
			if p.tagKey != "" && p.tagKey != k {
				return nil, smstrack.FieldError("group_by", "group by at most one tag")
			}
			p.tagKey, p.tagGroup = k, true
			continue
		}
		if !slices.Contains(insight.Dimensions, d) {
			return nil, smstrack.FieldError("group_by", "unknown dimension %q", d)
		}
		needed[d] = true
	}
	f := q.Filter
	if f.TagKey != "" {
		if p.tagKey != "" && p.tagKey != f.TagKey {
			return nil, smstrack.FieldError("tag", "filter and group by the same tag, or only one tag")
		}
		p.tagKey = f.TagKey
	} else if f.TagValue != "" {
		return nil, smstrack.FieldError("tag", "a tag filter needs a key")
	}
	for _, d := range insight.Dimensions {
		if f.Value(d) != "" {
			needed[d] = true
		}
	}
	switch {
	case needed[insight.DimSender]:
		p.level = levelSender
	case needed[insight.DimCarrier]:
		p.level = levelCarrier
	case needed[insight.DimCountry]:
		p.level = levelCountry
	}
	if p.tagKey != "" && p.level == levelSender {
		return nil, smstrack.FieldError("tag", "tags are rolled up without the sender: use either")
	}
	minutesOK := p.level < levelSender && p.tagKey == ""
	cutoff := fromMicros(db.minuteCutoff(now))
	if q.Interval != insight.NoGrain {
		if q.Interval == insight.Minute && (!minutesOK || q.From.Before(cutoff)) {
			return nil, smstrack.FieldError("interval", "minute buckets are kept for the last %s only, and not by sender or tag", db.minuteRetention())
		}
		p.from, p.to = q.Interval.Floor(q.From), q.Interval.Ceil(q.To)
		if n := p.to.Sub(p.from) / q.Interval.Duration(); n > MaxRollupBuckets {
			return nil, smstrack.FieldError("interval", "%d buckets asked for, at most %d: use a wider interval or a shorter range", n, MaxRollupBuckets)
		}
		p.spans = []insight.Span{{Grain: q.Interval, From: p.from, To: p.to}}
	} else {
		finest := insight.Day
		switch span := q.To.Sub(q.From); {
		case minutesOK && !q.From.Before(cutoff) && span <= MinuteEdges:
			finest = insight.Minute
		case span <= HourEdges:
			finest = insight.Hour
		}
		p.spans, p.from, p.to = insight.Cover(q.From, q.To, finest)
	}
	where := []string{"s.level = ?"}
	args := []any{p.level}
	for _, d := range insight.Dimensions {
		if v := f.Value(d); v != "" {
			where = append(where, "s."+seriesColumn(d)+" = ?")
			args = append(args, v)
		}
	}
	switch {
	case f.TagKey != "":
		where = append(where, "s.tag_key = ? AND s.tag_value = ?")
		args = append(args, f.TagKey, f.TagValue)
	case p.tagGroup:
		// The messages without the tag are the untagged series minus the
		// tagged ones: sketches and counts subtract exactly.
		where = append(where, "s.tag_key IN ('', ?)")
		args = append(args, p.tagKey)
	default:
		where = append(where, "s.tag_key = ''")
	}
	p.where, p.args = strings.Join(where, " AND "), args
	return p, nil
}

func (db *DB) minuteRetention() time.Duration {
	if d := time.Duration(db.rollup.retention.Load()); d > 0 {
		return d
	}
	return DefaultMinuteRetention
}

// seriesColumn is the rollup_series column of a dimension.
func seriesColumn(d insight.Dimension) string { return string(d) }

// groupTarget is a group a series' cells add to, with the sign they add with.
type groupTarget struct {
	key    string
	values map[string]string
	sign   int64
}

// seriesTargets are the groups of one series.
type seriesTargets struct{ targets []groupTarget }

// rollupSeries reads the series a plan reads, with the groups each adds to.
func (db *DB) rollupSeries(ctx context.Context, p *rollupPlan) (map[int64]*seriesTargets, error) {
	rows, err := db.reader.QueryContext(ctx, db.dialect.q("SELECT "+prefixedSeries("s")+" FROM rollup_series s WHERE "+p.where), p.args...)
	if err != nil {
		return nil, fmt.Errorf("store: rollup series: %w", err)
	}
	defer rows.Close()
	out := map[int64]*seriesTargets{}
	for rows.Next() {
		id, k, err := scanSeries(rows)
		if err != nil {
			return nil, fmt.Errorf("store: rollup series: %w", err)
		}
		target := func(tagValue string, sign int64) groupTarget {
			values := make(map[string]string, len(p.q.GroupBy))
			var b strings.Builder
			for _, d := range p.q.GroupBy {
				v := k.value(d)
				if d.TagKey() != "" {
					v = tagValue
				}
				values[string(d)] = v
				b.WriteString(v)
				b.WriteByte(0)
			}
			return groupTarget{key: b.String(), values: values, sign: sign}
		}
		st := &seriesTargets{}
		switch {
		case !p.tagGroup || p.q.Filter.TagKey != "":
			st.targets = []groupTarget{target(k.tagValue, 1)}
		case k.tagKey == "":
			st.targets = []groupTarget{target("", 1)}
		default:
			st.targets = []groupTarget{target(k.tagValue, 1), target("", -1)}
		}
		out[id] = st
	}
	return out, rows.Err()
}

func prefixedSeries(alias string) string {
	cols := strings.Split(seriesColumns, ", ")
	for i, c := range cols {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}

func prefixedCellFigures(alias string) string {
	cols := make([]string, len(cellFigureColumns))
	for i, c := range cellFigureColumns {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}

var _ insight.Reader = (*DB)(nil)
