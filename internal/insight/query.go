package insight

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
)

// Dimension is what rollup figures may be grouped and filtered by: account,
// provider, direction, sender (our number: the sender of outbound messages,
// the recipient of inbound ones), country (ISO 3166 alpha-2 of the other
// party), carrier (the other party's network), or tag:<key>.
type Dimension string

// The dimensions besides tags.
const (
	DimAccount   Dimension = "account"
	DimProvider  Dimension = "provider"
	DimDirection Dimension = "direction"
	DimSender    Dimension = "sender"
	DimCountry   Dimension = "country"
	DimCarrier   Dimension = "carrier"
)

// Dimensions lists the dimensions besides tags, in the order keys are shown.
var Dimensions = []Dimension{DimAccount, DimProvider, DimDirection, DimSender, DimCountry, DimCarrier}

// MaxGroupBy bounds how many dimensions one query groups by.
const MaxGroupBy = 4

// TagKey returns the key of a tag:<key> dimension, "" for the others.
func (d Dimension) TagKey() string {
	k, ok := strings.CutPrefix(string(d), "tag:")
	if !ok {
		return ""
	}
	return k
}

// ParseDimensions reads a comma-separated group_by list: known dimensions,
// at most one tag, at most MaxGroupBy in all, repeats ignored.
func ParseDimensions(s string) ([]Dimension, error) {
	var out []Dimension
	tags := 0
	for _, part := range strings.Split(s, ",") {
		d := Dimension(strings.TrimSpace(part))
		switch {
		case d == "":
			continue
		case slices.Contains(Dimensions, d):
		case d.TagKey() != "":
			tags++
		default:
			return nil, smstrack.FieldError("group_by", "unknown dimension %q: use account, provider, direction, sender, country, carrier or tag:<key>", d)
		}
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	if tags > 1 {
		return nil, smstrack.FieldError("group_by", "group by at most one tag")
	}
	if len(out) > MaxGroupBy {
		return nil, smstrack.FieldError("group_by", "group by at most %d dimensions", MaxGroupBy)
	}
	return out, nil
}

// Filter narrows a rollup query; empty fields match everything. At most one
// tag (TagKey with TagValue) can be filtered on.
type Filter struct {
	Account, Provider, Direction, Sender, Country, Carrier string
	TagKey, TagValue                                       string
}

// Value returns the filter's value for a dimension other than a tag.
func (f Filter) Value(d Dimension) string {
	switch d {
	case DimAccount:
		return f.Account
	case DimProvider:
		return f.Provider
	case DimDirection:
		return f.Direction
	case DimSender:
		return f.Sender
	case DimCountry:
		return f.Country
	case DimCarrier:
		return f.Carrier
	}
	return ""
}

// Query asks for rollup figures: the messages created in [From, To),
// narrowed by Filter, grouped by GroupBy and, with an Interval, per bucket.
type Query struct {
	From, To time.Time
	Interval Grain // NoGrain: one answer for the whole range
	GroupBy  []Dimension
	Filter   Filter
}

// Figures are the merged rollup figures of a set of messages.
type Figures struct {
	Messages int64
	// Status counts messages by current status, indexed like
	// smstrack.Statuses; NoStatus counts those with none yet.
	Status   [len(smstrack.Statuses)]int64
	NoStatus int64
	Segments int64
	// CostMicros sums the absolute provider price in millionths of its
	// unit, as the provider reported it (one currency is assumed).
	CostMicros int64
	// Errors counts messages by provider error code.
	Errors map[string]int64
	// Converted counts outbound messages with a converting action;
	// DeliveredUnconverted those delivered (or read) without one.
	Converted, DeliveredUnconverted int64
	// Replied counts outbound messages with a reply; OptOuts inbound
	// messages that are an opt-out keyword (STOP...).
	Replied, OptOuts int64
	// Latency distributions in milliseconds: queued to sent, sent to
	// delivered, created to first converting action, outbound to reply.
	QueuedToSent, SentToDelivered, CreatedToConverted, ResponseTime Sketch
}

// Count returns the count of one status.
func (f *Figures) Count(s smstrack.Status) int64 {
	if i := s.Index(); i >= 0 {
		return f.Status[i]
	}
	return f.NoStatus
}

// Delivered counts messages delivered or read.
func (f *Figures) Delivered() int64 {
	return f.Count(smstrack.StatusDelivered) + f.Count(smstrack.StatusRead)
}

// Undelivered counts messages the carrier reported undelivered.
func (f *Figures) Undelivered() int64 { return f.Count(smstrack.StatusUndelivered) }

// Failed counts messages that failed before reaching the carrier.
func (f *Figures) Failed() int64 { return f.Count(smstrack.StatusFailed) }

// Sent counts messages that were sent or attempted: all but the canceled.
func (f *Figures) Sent() int64 { return f.Messages - f.Count(smstrack.StatusCanceled) }

// Pending counts sent messages whose outcome is not known yet.
func (f *Figures) Pending() int64 {
	return f.Sent() - f.Delivered() - f.Undelivered() - f.Failed()
}

// DeliveryRate is delivered over the messages whose outcome is known
// (delivered, undelivered or failed), with its 95% Wilson interval; ok is
// false while no outcome is known. Pending messages are left out so a recent
// bucket is not read as a drop.
func (f *Figures) DeliveryRate() (rate, lo, hi float64, ok bool) {
	decided := f.Delivered() + f.Undelivered() + f.Failed()
	lo, hi, ok = Wilson(f.Delivered(), decided, Z95)
	if !ok {
		return 0, 0, 0, false
	}
	return float64(f.Delivered()) / float64(decided), lo, hi, true
}

// Add merges o into f (sign -1 subtracts it).
func (f *Figures) Add(o *Figures, sign int64) {
	f.Messages += sign * o.Messages
	for i := range f.Status {
		f.Status[i] += sign * o.Status[i]
	}
	f.NoStatus += sign * o.NoStatus
	f.Segments += sign * o.Segments
	f.CostMicros += sign * o.CostMicros
	for code, n := range o.Errors {
		f.AddError(code, sign*n)
	}
	f.Converted += sign * o.Converted
	f.DeliveredUnconverted += sign * o.DeliveredUnconverted
	f.Replied += sign * o.Replied
	f.OptOuts += sign * o.OptOuts
	for i, s := range f.sketches() {
		if sign < 0 {
			s.Subtract(o.sketches()[i])
		} else {
			s.Merge(o.sketches()[i])
		}
	}
}

// AddError adds n to an error code's count, dropping codes that reach zero.
func (f *Figures) AddError(code string, n int64) {
	if n == 0 {
		return
	}
	if f.Errors == nil {
		f.Errors = map[string]int64{}
	}
	f.Errors[code] += n
	if f.Errors[code] == 0 {
		delete(f.Errors, code)
	}
}

// sketches lists the latency sketches in a fixed order.
func (f *Figures) sketches() [4]*Sketch {
	return [4]*Sketch{&f.QueuedToSent, &f.SentToDelivered, &f.CreatedToConverted, &f.ResponseTime}
}

// Sketches lists the latency sketches in storage order: queued to sent,
// sent to delivered, created to converted, response time.
func (f *Figures) Sketches() [4]*Sketch { return f.sketches() }

// Zero reports whether every figure is zero: a cell nothing contributes to.
func (f *Figures) Zero() bool {
	if f.Messages != 0 || f.NoStatus != 0 || f.Segments != 0 || f.CostMicros != 0 || len(f.Errors) != 0 ||
		f.Converted != 0 || f.DeliveredUnconverted != 0 || f.Replied != 0 || f.OptOuts != 0 {
		return false
	}
	for _, c := range f.Status {
		if c != 0 {
			return false
		}
	}
	for _, s := range f.sketches() {
		if !s.Empty() {
			return false
		}
	}
	return true
}

// Equal reports whether two sets of figures are identical, bin for bin.
func (f *Figures) Equal(o *Figures) bool {
	if f.Messages != o.Messages || f.Status != o.Status || f.NoStatus != o.NoStatus || f.Segments != o.Segments ||
		f.CostMicros != o.CostMicros || f.Converted != o.Converted || f.DeliveredUnconverted != o.DeliveredUnconverted ||
		f.Replied != o.Replied || f.OptOuts != o.OptOuts || len(f.Errors) != len(o.Errors) {
		return false
	}
	for code, n := range f.Errors {
		if o.Errors[code] != n {
			return false
		}
	}
	for i, s := range f.sketches() {
		if !s.Equal(o.sketches()[i]) {
			return false
		}
	}
	return true
}

// Group is the figures of one group of a query, in one bucket when the
// query has an interval.
type Group struct {
	Key    map[string]string // dimension -> value; empty for the totals
	Bucket time.Time         // start of the bucket; zero without interval
	Figures
}

// Reader answers rollup queries; the store implements it. Handlers that
// answer people call CatchUp first, so what was just recorded is counted.
type Reader interface {
	// Rollup merges the cells a query covers into its groups.
	Rollup(ctx context.Context, q Query) ([]Group, error)
	// RollupRange is the range a query's figures are exactly for.
	RollupRange(q Query) (from, to time.Time, err error)
	// RollupsOn reports whether rollups are maintained (SMSTRACK_ROLLUPS).
	RollupsOn() bool
	// CatchUpRollups applies the queued changes when they are few, so an
	// answer includes what was recorded just before it.
	CatchUpRollups(ctx context.Context) error
}
