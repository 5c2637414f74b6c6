package health

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/smstrack/smstrack"
)

// Key is one value of a dimension: the fields the dimension is made of are
// set, the others empty. A carrier is keyed with its country, since
// carrier names repeat across countries.
type Key struct {
	Provider, Sender, Country, Carrier string
}

// KeyOf returns the value of dimension d that a route belongs to.
func KeyOf(d smstrack.AlertDimension, route Key) Key {
	switch d {
	case smstrack.DimensionProvider:
		return Key{Provider: route.Provider}
	case smstrack.DimensionSender:
		return Key{Sender: route.Sender}
	case smstrack.DimensionCountry:
		return Key{Country: route.Country}
	case smstrack.DimensionCarrier:
		return Key{Country: route.Country, Carrier: route.Carrier}
	}
	return route
}

// Map is the key as an alert keeps it: only the fields of dimension d.
func (k Key) Map(d smstrack.AlertDimension) map[string]string {
	m := map[string]string{}
	set := func(name, v string) { m[name] = v }
	switch d {
	case smstrack.DimensionProvider:
		set("provider", k.Provider)
	case smstrack.DimensionSender:
		set("sender", k.Sender)
	case smstrack.DimensionCountry:
		set("country", k.Country)
	case smstrack.DimensionCarrier:
		set("country", k.Country)
		set("carrier", k.Carrier)
	default:
		set("provider", k.Provider)
		set("sender", k.Sender)
		set("country", k.Country)
		set("carrier", k.Carrier)
	}
	return m
}

func (k Key) compare(o Key) int {
	return cmp.Or(cmp.Compare(k.Provider, o.Provider), cmp.Compare(k.Sender, o.Sender),
		cmp.Compare(k.Country, o.Country), cmp.Compare(k.Carrier, o.Carrier))
}

// KeyFromMap reads a key back from an alert.
func KeyFromMap(m map[string]string) Key {
	return Key{Provider: m["provider"], Sender: m["sender"], Country: m["country"], Carrier: m["carrier"]}
}

// Label names a dimension value for people: "carrier EE (GB)".
func (k Key) Label(d smstrack.AlertDimension) string {
	or := func(s string) string {
		if s == "" {
			return "(unknown)"
		}
		return s
	}
	switch d {
	case smstrack.DimensionProvider:
		return "provider " + or(k.Provider)
	case smstrack.DimensionSender:
		return "sender " + or(k.Sender)
	case smstrack.DimensionCountry:
		return "country " + or(k.Country)
	case smstrack.DimensionCarrier:
		return fmt.Sprintf("carrier %s (%s)", or(k.Carrier), or(k.Country))
	}
	return fmt.Sprintf("route %s from %s to %s (%s)", or(k.Provider), or(k.Sender), or(k.Carrier), or(k.Country))
}

// Latencies is a distribution of sent-to-delivered latencies in
// milliseconds, as the rollups' mergeable sketches answer it.
type Latencies interface {
	// Count is how many latencies the distribution holds.
	Count() int64
	// Quantile returns the q-quantile (0 < q < 1).
	Quantile(q float64) float64
	// CountAbove is how many latencies are certainly above ms: values in
	// a bucket that straddles ms are not counted, so a test on it errs on
	// the side of no alert.
	CountAbove(ms float64) int64
	// Merged returns the distribution of this one's latencies and all of
	// others' together (of the same kind), leaving every one unchanged.
	Merged(others ...Latencies) Latencies
}

// Figures are what the outbound messages of one dimension value did in a
// time window.
type Figures struct {
	Sent      int64 // outbound messages
	Delivered int64 // of which delivered (or read)
	Failed    int64 // of which undelivered or failed
	// Errors counts the failures by error category.
	Errors map[smstrack.ErrorCategory]int64
	// Latency is the sent-to-delivered latency of the delivered ones; nil
	// when none was measured.
	Latency Latencies
}

// Settled is how many messages have a final outcome: the denominator of
// every rate, so messages still on their way never count as failures.
func (f Figures) Settled() int64 { return f.Delivered + f.Failed }

// sum adds up figures: counts as they come, latencies merged once at the
// end (a merge allocates a distribution).
type sum struct {
	Figures
	latencies []Latencies
}

func (s *sum) add(o Figures) {
	s.Sent += o.Sent
	s.Delivered += o.Delivered
	s.Failed += o.Failed
	if len(o.Errors) > 0 && s.Errors == nil {
		s.Errors = map[smstrack.ErrorCategory]int64{}
	}
	for c, n := range o.Errors {
		s.Errors[c] += n
	}
	if o.Latency != nil {
		s.latencies = append(s.latencies, o.Latency)
	}
}

func (s *sum) figures() Figures {
	switch len(s.latencies) {
	case 0:
	case 1:
		s.Latency = s.latencies[0]
	default:
		s.Latency = s.latencies[0].Merged(s.latencies[1:]...)
	}
	return s.Figures
}

// Source answers the figures of every route over a time window; the store
// implements it over its rollups. Every other dimension's figures are sums
// of routes.
type Source interface {
	// RouteFigures returns the figures of the outbound messages created
	// in [from, to), by route; routes without messages may be left out.
	RouteFigures(ctx context.Context, from, to time.Time) (map[Key]Figures, error)
}

// byDimension holds figures by dimension and value.
type byDimension map[smstrack.AlertDimension]map[Key]Figures

// window is the figures of one time window: by route, and summed into
// every dimension.
type window struct {
	routes map[Key]Figures
	dims   byDimension
}

func newWindow(routes map[Key]Figures) *window {
	w := &window{routes: routes, dims: byDimension{smstrack.DimensionRoute: routes}}
	for _, d := range smstrack.AlertDimensions {
		if d == smstrack.DimensionRoute {
			continue
		}
		sums := map[Key]*sum{}
		for rk, f := range routes {
			k := KeyOf(d, rk)
			if sums[k] == nil {
				sums[k] = &sum{}
			}
			sums[k].add(f)
		}
		figs := make(map[Key]Figures, len(sums))
		for k, s := range sums {
			figs[k] = s.figures()
		}
		w.dims[d] = figs
	}
	return w
}
