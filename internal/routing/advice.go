// Package routing advises which route to send a destination's messages
// by: the routes (provider, sender and carrier), providers and senders that
// recently sent to it, ranked by delivery rate (the lower bound of its
// Wilson interval), then latency, with conversions beside them, and each
// rank explained in words. It flags routes whose receipts report delivery
// that recipients never act on: possibly fake delivery receipts. It works
// on rollup figures it is given; it reads nothing itself.
package routing

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/smstrack/smstrack/internal/health"
	"github.com/smstrack/smstrack/internal/insight"
)

// Thresholds of the advice.
const (
	// MinSettled is the fewest messages with a known outcome a candidate
	// needs to be ranked; below it, it is listed after the ranked ones.
	MinSettled = 30
	// MinConversions is the fewest conversions on a destination for its
	// conversions to be compared at all (an app that records no actions
	// gives no evidence either way).
	MinConversions = 20
	// suspectAlpha is the family level of the fake-receipt test, divided
	// among the candidates tested.
	suspectAlpha = 0.001
	// suspectRatio: a suspect converts less than this share of what the
	// destination's other routes convert, per delivered message.
	suspectRatio = 0.5
	// suspectDelivery: a suspect's receipts claim at least this delivery rate.
	suspectDelivery = 0.9
)

// Destination is where the messages go.
type Destination struct {
	Number     string `json:"number,omitempty"`
	Country    string `json:"country"`
	Carrier    string `json:"carrier,omitempty"`
	NumberType string `json:"number_type,omitempty"`
}

// Candidate is one route, provider or sender with its recent figures.
type Candidate struct {
	Rank         int               `json:"rank"` // 1 is best; 0 when too little traffic to rank
	Key          map[string]string `json:"key"`
	Sent         int64             `json:"sent"`
	Settled      int64             `json:"settled"` // with a known outcome: the delivery rate's sample
	Delivered    int64             `json:"delivered"`
	DeliveryRate *float64          `json:"delivery_rate"`
	DeliveryCI   *[2]float64       `json:"delivery_rate_ci"`
	Latency      latency           `json:"latency_ms"`
	Converted    int64             `json:"converted"`
	// ConversionRate is converted over sent, with its interval; nil when
	// the destination's conversions are too few to compare.
	ConversionRate *float64    `json:"conversion_rate"`
	ConversionCI   *[2]float64 `json:"conversion_rate_ci"`
	// SuspectReceipts flags receipts that report delivery recipients do
	// not act on, far below the destination's other candidates.
	SuspectReceipts bool   `json:"suspect_receipts"`
	Reason          string `json:"reason"`

	figures insight.Figures
}

// latency is the sent-to-delivered time in milliseconds.
type latency struct {
	P50 *float64 `json:"p50"`
	P90 *float64 `json:"p90"`
	N   int64    `json:"n"`
}

// Advice is the ranking for one destination.
type Advice struct {
	Destination        Destination `json:"destination"`
	From               time.Time   `json:"from"`
	To                 time.Time   `json:"to"`
	ConversionsTracked bool        `json:"conversions_tracked"`
	Routes             []Candidate `json:"routes"`
	Providers          []Candidate `json:"providers"`
	Senders            []Candidate `json:"senders"`
	Notes              []string    `json:"notes"`
}

// Advise ranks the routes, providers and senders of groups: the rollup
// groups of the destination's outbound messages by provider, sender and
// carrier.
func Advise(dest Destination, from, to time.Time, groups []insight.Group) *Advice {
	a := &Advice{Destination: dest, From: from, To: to, Routes: []Candidate{}, Providers: []Candidate{}, Senders: []Candidate{}, Notes: []string{}}
	var total insight.Figures
	for i := range groups {
		total.Add(&groups[i].Figures, 1)
	}
	if total.Messages == 0 {
		a.Notes = append(a.Notes, fmt.Sprintf("no outbound messages to %s between %s and %s", dest.label(), from.Format(time.RFC3339), to.Format(time.RFC3339)))
		return a
	}
	a.ConversionsTracked = total.Converted >= MinConversions
	if !a.ConversionsTracked {
		a.Notes = append(a.Notes, fmt.Sprintf("%d conversions recorded for this destination: too few to compare conversion rates or check receipts against them (record actions: docs/actions-and-conversions.md)", total.Converted))
	}
	a.Routes = rank(candidates(groups, "provider", "sender", "carrier"), &total, a.ConversionsTracked, "route")
	a.Providers = rank(candidates(groups, "provider"), &total, a.ConversionsTracked, "provider")
	a.Senders = rank(candidates(groups, "sender"), &total, a.ConversionsTracked, "sender")
	return a
}

func (d Destination) label() string {
	if d.Carrier != "" {
		return d.Carrier + " (" + d.Country + ")"
	}
	return d.Country
}

// candidates sums the groups by the named dimensions.
func candidates(groups []insight.Group, dims ...string) []Candidate {
	byKey := map[string]*Candidate{}
	var order []string
	for i := range groups {
		g := &groups[i]
		key := map[string]string{}
		var b strings.Builder
		for _, d := range dims {
			key[d] = g.Key[d]
			b.WriteString(g.Key[d])
			b.WriteByte(0)
		}
		c := byKey[b.String()]
		if c == nil {
			c = &Candidate{Key: key}
			byKey[b.String()] = c
			order = append(order, b.String())
		}
		c.figures.Add(&g.Figures, 1)
	}
	out := make([]Candidate, 0, len(order))
	for _, k := range order {
		out = append(out, *byKey[k])
	}
	return out
}

// rank fills each candidate's figures, flags suspect receipts, orders them
// and writes the reasons.
func rank(cs []Candidate, total *insight.Figures, conversions bool, noun string) []Candidate {
	for i := range cs {
		c := &cs[i]
		f := &c.figures
		c.Sent, c.Delivered, c.Converted = f.Sent(), f.Delivered(), f.Converted
		c.Settled = f.Delivered() + f.Undelivered() + f.Failed()
		if rate, lo, hi, ok := f.DeliveryRate(); ok {
			c.DeliveryRate, c.DeliveryCI = &rate, &[2]float64{lo, hi}
		}
		c.Latency = latency{P50: quantile(&f.SentToDelivered, 0.5), P90: quantile(&f.SentToDelivered, 0.9), N: f.SentToDelivered.Count()}
		if conversions && c.Sent > 0 {
			rate := float64(c.Converted) / float64(c.Sent)
			lo, hi, _ := insight.Wilson(c.Converted, c.Sent, insight.Z95)
			c.ConversionRate, c.ConversionCI = &rate, &[2]float64{lo, hi}
		}
	}
	if conversions {
		flagSuspects(cs, total)
	}
	slices.SortStableFunc(cs, func(a, b Candidate) int {
		ra, rb := a.Settled >= MinSettled, b.Settled >= MinSettled
		switch {
		case ra != rb:
			return boolFirst(ra)
		case a.SuspectReceipts != b.SuspectReceipts:
			return boolFirst(!a.SuspectReceipts)
		}
		if c := cmp.Compare(lowerBound(b), lowerBound(a)); c != 0 {
			return c
		}
		return cmp.Compare(p90(a), p90(b))
	})
	ranked, trusted := 0, 0
	for i := range cs {
		if cs[i].Settled >= MinSettled {
			ranked++
			cs[i].Rank = ranked
			if !cs[i].SuspectReceipts {
				trusted++
			}
		}
	}
	for i := range cs {
		c := &cs[i]
		switch {
		case c.Rank == 0:
			c.Reason = fmt.Sprintf("only %d messages with a known outcome: too few to rank (at least %d)", c.Settled, MinSettled)
		case c.SuspectReceipts: // flagSuspects said why
		case i+1 < len(cs) && cs[i+1].Rank > 0 && !cs[i+1].SuspectReceipts:
			c.Reason = compare(c, &cs[i+1], noun, conversions)
		case trusted == 1:
			c.Reason = fmt.Sprintf("the only %s with enough traffic to rank whose receipts are trusted: %s", noun, figures(c))
		default:
			c.Reason = fmt.Sprintf("lowest delivery rate of the %d ranked %ss: %s", trusted, noun, figures(c))
		}
	}
	return cs
}

// flagSuspects marks candidates whose delivered messages convert far less
// than the rest of the destination's, significantly so, saying why.
func flagSuspects(cs []Candidate, total *insight.Figures) {
	alpha := suspectAlpha / float64(max(1, len(cs)))
	for i := range cs {
		c := &cs[i]
		if c.Settled < MinSettled || c.DeliveryRate == nil || *c.DeliveryRate < suspectDelivery || c.Delivered == 0 {
			continue
		}
		otherDelivered := total.Delivered() - c.Delivered
		otherConverted := total.Converted - c.Converted
		if otherDelivered < MinSettled || otherConverted <= 0 {
			continue
		}
		own := float64(c.Converted) / float64(c.Delivered)
		other := float64(otherConverted) / float64(otherDelivered)
		// A fall of the converted share is a rise of the unconverted one.
		_, p := health.RiseTest(c.Delivered-c.Converted, c.Delivered, otherDelivered-otherConverted, otherDelivered)
		if own < suspectRatio*other && p < alpha {
			c.SuspectReceipts = true
			c.Reason = fmt.Sprintf("receipts report %s delivered, yet %s of its %d delivered messages led to an action against %s on the destination's other routes (p=%.2g): possibly fake delivery receipts; ranked after the others",
				pct(*c.DeliveryRate), pct(own), c.Delivered, pct(other), p)
		}
	}
}

// compare explains why c ranks above next.
func compare(c, next *Candidate, noun string, conversions bool) string {
	var b strings.Builder
	diff := 100 * (*c.DeliveryRate - *next.DeliveryRate)
	_, p := health.RiseTest(next.Settled-next.Delivered, next.Settled, c.Settled-c.Delivered, c.Settled)
	verdict := fmt.Sprintf("significant, p=%.2g", p)
	if p >= 0.05 {
		verdict = fmt.Sprintf("within the noise, p=%.2g", p)
	}
	if diff >= 0 {
		fmt.Fprintf(&b, "%+.1f points of delivery over the next %s (%s of n=%d vs %s of n=%d; %s)",
			diff, noun, pct(*c.DeliveryRate), c.Settled, pct(*next.DeliveryRate), next.Settled, verdict)
	} else {
		fmt.Fprintf(&b, "ahead of the next %s on the surer delivery rate: %s of n=%d (at least %s) vs %s of n=%d (at least %s)",
			noun, pct(*c.DeliveryRate), c.Settled, pct(c.DeliveryCI[0]), pct(*next.DeliveryRate), next.Settled, pct(next.DeliveryCI[0]))
	}
	if c.Latency.P90 != nil && next.Latency.P90 != nil {
		fmt.Fprintf(&b, "; p90 latency %s vs %s", seconds(*c.Latency.P90), seconds(*next.Latency.P90))
	}
	if conversions && c.ConversionRate != nil && next.ConversionRate != nil {
		fmt.Fprintf(&b, "; converts %s vs %s", pct(*c.ConversionRate), pct(*next.ConversionRate))
	}
	return b.String()
}

func figures(c *Candidate) string {
	s := fmt.Sprintf("%s delivered of n=%d", pct(*c.DeliveryRate), c.Settled)
	if c.Latency.P90 != nil {
		s += ", p90 latency " + seconds(*c.Latency.P90)
	}
	return s
}

func lowerBound(c Candidate) float64 {
	if c.DeliveryCI == nil {
		return -1
	}
	return c.DeliveryCI[0]
}

func p90(c Candidate) float64 {
	if c.Latency.P90 == nil {
		return math.Inf(1)
	}
	return *c.Latency.P90
}

// boolFirst orders true before false.
func boolFirst(a bool) int {
	if a {
		return -1
	}
	return 1
}

func quantile(s *insight.Sketch, q float64) *float64 {
	v, ok := s.Quantile(q)
	if !ok {
		return nil
	}
	return &v
}

func pct(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }

func seconds(ms float64) string { return fmt.Sprintf("%.1f s", ms/1000) }
