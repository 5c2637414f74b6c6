package insight

import (
	"fmt"
	"time"

	"github.com/smstrack/smstrack"
)

// Grain is the width of a rollup time bucket. Buckets are aligned to UTC.
type Grain int8

// The grains, finest first. Their numbers are stored in rollup cells.
const (
	NoGrain Grain = 0
	Minute  Grain = 1
	Hour    Grain = 2
	Day     Grain = 3
)

// Grains lists the grains, finest first.
var Grains = [...]Grain{Minute, Hour, Day}

// ParseGrain reads "minute", "hour" or "day"; "" is NoGrain.
func ParseGrain(s string) (Grain, error) {
	switch s {
	case "":
		return NoGrain, nil
	case "minute":
		return Minute, nil
	case "hour":
		return Hour, nil
	case "day":
		return Day, nil
	}
	return NoGrain, smstrack.FieldError("interval", "unknown interval %q: use minute, hour or day", s)
}

// String names the grain as ParseGrain reads it.
func (g Grain) String() string {
	switch g {
	case Minute:
		return "minute"
	case Hour:
		return "hour"
	case Day:
		return "day"
	}
	return ""
}

// Duration is the width of one bucket.
func (g Grain) Duration() time.Duration {
	switch g {
	case Minute:
		return time.Minute
	case Hour:
		return time.Hour
	case Day:
		return 24 * time.Hour
	}
	panic(fmt.Sprintf("insight: no duration for grain %d", g))
}

// Floor returns the start of the bucket holding t.
func (g Grain) Floor(t time.Time) time.Time { return t.UTC().Truncate(g.Duration()) }

// Ceil returns the first bucket start at or after t.
func (g Grain) Ceil(t time.Time) time.Time {
	f := g.Floor(t)
	if f.Equal(t) {
		return f
	}
	return f.Add(g.Duration())
}

// FloorMicros is Floor on Unix microseconds, the stored form.
func (g Grain) FloorMicros(us int64) int64 {
	w := g.Duration().Microseconds()
	b := us - us%w
	if us%w < 0 {
		b -= w
	}
	return b
}

// finer is the next finer grain, NoGrain below Minute.
func (g Grain) finer() Grain { return g - 1 }

// Span is a run of whole buckets of one grain: [From, To).
type Span struct {
	Grain    Grain
	From, To time.Time
}

// Cover splits [from, to) into the fewest whole buckets, coarsest first in
// the middle and finer ones at the edges, none finer than finest. from is
// rounded down and to up to finest, and the rounded range is returned with
// the spans: the range the figures are exactly for.
func Cover(from, to time.Time, finest Grain) (spans []Span, roundedFrom, roundedTo time.Time) {
	from, to = finest.Floor(from), finest.Ceil(to)
	if !from.Before(to) {
		return nil, from, from
	}
	var cover func(from, to time.Time, g Grain)
	cover = func(from, to time.Time, g Grain) {
		if !from.Before(to) {
			return
		}
		if g == finest {
			spans = append(spans, Span{g, from, to})
			return
		}
		c0, c1 := g.Ceil(from), g.Floor(to)
		if !c0.Before(c1) {
			cover(from, to, g.finer())
			return
		}
		cover(from, c0, g.finer())
		spans = append(spans, Span{g, c0, c1})
		cover(c1, to, g.finer())
	}
	cover(from, to, Day)
	return spans, from, to
}
