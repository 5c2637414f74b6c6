package store

import (
	"context"
	"fmt"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/insight"
)

// MaxRecentFigures bounds the window RecentFigures reads from the messages
// themselves: anything longer is the rollups' job.
const MaxRecentFigures = time.Hour

// RecentFigures returns the figures of the outbound messages created in
// [from, to), one group per provider, sender, country and carrier, computed
// from the messages themselves exactly as the roller computes them. It
// serves what the rollups cannot: minutes by sender (minute cells stop at
// the carrier level) and messages the roller has not reached yet. It reads
// the messages of the window through the created_at index, so the window
// is bounded by MaxRecentFigures.
func (db *DB) RecentFigures(ctx context.Context, from, to time.Time) ([]insight.Group, error) {
	if !from.Before(to) {
		return nil, smstrack.FieldError("from", "from must be before to")
	}
	if to.Sub(from) > MaxRecentFigures {
		return nil, smstrack.FieldError("from", "recent figures cover at most %s: use the rollups for longer ranges", MaxRecentFigures)
	}
	rows, err := db.reader.QueryContext(ctx, db.dialect.q(rollupMessageQuery+
		" WHERE m.created_at >= ? AND m.created_at < ? AND m.direction = ?"),
		from.UnixMicro(), to.UnixMicro(), string(smstrack.Outbound))
	if err != nil {
		return nil, fmt.Errorf("store: recent figures: %w", err)
	}
	defer rows.Close()
	groups := map[seriesKey]*insight.Group{}
	for rows.Next() {
		_, c, err := scanContribution(rows)
		if err != nil {
			return nil, fmt.Errorf("store: recent figures: %w", err)
		}
		k := seriesKey{provider: c.series.provider, sender: c.series.sender, country: c.series.country, carrier: c.series.carrier}
		g := groups[k]
		if g == nil {
			g = &insight.Group{Key: map[string]string{string(insight.DimProvider): k.provider, string(insight.DimSender): k.sender,
				string(insight.DimCountry): k.country, string(insight.DimCarrier): k.carrier}}
			groups[k] = g
		}
		g.Add(c.figures(), 1)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: recent figures: %w", err)
	}
	out := make([]insight.Group, 0, len(groups))
	for _, g := range groups {
		out = append(out, *g)
	}
	return out, nil
}
