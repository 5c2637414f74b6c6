package health

import (
	"context"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/insight"
)

// Rollups is what RollupSource reads; the store implements it.
type Rollups interface {
	// Rollup merges rollup cells (docs/insight.md).
	Rollup(ctx context.Context, q insight.Query) ([]insight.Group, error)
	// RecentFigures computes the figures of a short recent window from
	// the messages themselves, by provider, sender, country and carrier.
	RecentFigures(ctx context.Context, from, to time.Time) ([]insight.Group, error)
}

// RecentLimit is the longest window RollupSource reads from the messages
// themselves; longer ones (the baseline) come from the rollups.
const RecentLimit = time.Hour

// routeDimensions group rollups by route.
var routeDimensions = []insight.Dimension{insight.DimProvider, insight.DimSender, insight.DimCountry, insight.DimCarrier}

// RollupSource is the Source of a store: the baseline from the rollups'
// hour and day cells, the recent window (minutes, by sender too, and
// current to the last commit, ahead of the roller) from the messages of
// that window.
type RollupSource struct {
	Rollups Rollups
}

// RouteFigures returns the outbound figures of every route in [from, to).
func (s RollupSource) RouteFigures(ctx context.Context, from, to time.Time) (map[Key]Figures, error) {
	var groups []insight.Group
	var err error
	if to.Sub(from) <= RecentLimit {
		groups, err = s.Rollups.RecentFigures(ctx, from, to)
	} else {
		groups, err = s.Rollups.Rollup(ctx, insight.Query{From: from, To: to, GroupBy: routeDimensions,
			Filter: insight.Filter{Direction: string(smstrack.Outbound)}})
	}
	if err != nil {
		return nil, err
	}
	out := make(map[Key]Figures, len(groups))
	for i := range groups {
		g := &groups[i]
		k := Key{Provider: g.Key[string(insight.DimProvider)], Sender: g.Key[string(insight.DimSender)],
			Country: g.Key[string(insight.DimCountry)], Carrier: g.Key[string(insight.DimCarrier)]}
		out[k] = FiguresOf(k.Provider, &g.Figures)
	}
	return out, nil
}

// FiguresOf turns rollup figures of one provider's messages into health
// figures, error codes into their categories.
func FiguresOf(provider string, g *insight.Figures) Figures {
	f := Figures{Sent: g.Sent(), Delivered: g.Delivered(), Failed: g.Undelivered() + g.Failed(),
		Errors: make(map[smstrack.ErrorCategory]int64, len(g.Errors))}
	for code, n := range g.Errors {
		category := smstrack.CategoryUnknown
		if info := smstrack.ExplainError(provider, code); info != nil {
			category = info.Category
		}
		f.Errors[category] += n
	}
	if g.SentToDelivered.Count() > 0 {
		f.Latency = Sketch{&g.SentToDelivered}
	}
	return f
}

// Sketch is a rollup sketch as Latencies.
type Sketch struct{ S *insight.Sketch }

// Count is how many latencies the sketch holds.
func (s Sketch) Count() int64 { return s.S.Count() }

// Quantile returns the q-quantile, within the sketch's relative accuracy.
func (s Sketch) Quantile(q float64) float64 {
	v, _ := s.S.Quantile(q)
	return v
}

// CountAbove counts the latencies of the bins wholly above ms.
func (s Sketch) CountAbove(ms float64) int64 {
	above := insight.Bin(ms)
	var n int64
	s.S.Bins(func(bin int, count int64) {
		if bin > above {
			n += count
		}
	})
	return n
}

// Merged returns a new sketch holding them all.
func (s Sketch) Merged(others ...Latencies) Latencies {
	var m insight.Sketch
	m.Merge(s.S)
	for _, o := range others {
		m.Merge(o.(Sketch).S)
	}
	return Sketch{&m}
}
