package health

import (
	"slices"

	"github.com/smstrack/smstrack"
)

// maxExplained bounds the significant findings explain compares pairwise:
// beyond it (a wide outage) every one of them is reported.
const maxExplained = 150

// explain keeps one incident from raising an alert on every dimension its
// traffic belongs to. A carrier failing drags down its country, the
// providers and senders sending to it and every route to it; only the
// carrier should alert, naming the others as also affected.
//
// A significant finding F is explained by another one G on the same metric
// when, with F inside G, the rest of G without F is degraded too (G's
// problem is wider than F); or, with F not inside G, the rest of F without
// G is clear or too small to test (F's problem lies in G's traffic).
// Of two findings that explain each other, rootOrder says which stays.
// The rests are tested with a fifth of the usual minimum sample: they only
// attribute what is already significant.
func (c Config) explain(fs []Finding, baseline, recent *window) {
	byMetric := map[smstrack.AlertMetric][]int{}
	count := 0
	for i := range fs {
		if fs[i].Significant {
			byMetric[fs[i].Metric] = append(byMetric[fs[i].Metric], i)
			count++
		}
	}
	if count > maxExplained {
		return
	}
	for _, group := range byMetric {
		by := map[int]int{} // explained finding -> the finding explaining it
		for _, i := range group {
			for _, j := range group {
				if fs[i].Dimension != fs[j].Dimension && c.explainedBy(fs[i], fs[j], baseline, recent) &&
					(rootOrder[fs[j].Dimension] < rootOrder[fs[i].Dimension] || !c.explainedBy(fs[j], fs[i], baseline, recent)) {
					by[i] = j
					break
				}
			}
		}
		for i, j := range by {
			for range len(group) { // follow the chain to a finding nothing explains
				next, ok := by[j]
				if !ok {
					break
				}
				j = next
			}
			if _, ok := by[j]; ok {
				continue // a cycle: leave it be
			}
			fs[i].Significant = false
			fs[i].ExplainedBy = fs[j].Key.Label(fs[j].Dimension)
			fs[j].Evidence.AlsoAffected = append(fs[j].Evidence.AlsoAffected, fs[i].Key.Label(fs[i].Dimension))
		}
	}
	for i := range fs {
		slices.Sort(fs[i].Evidence.AlsoAffected)
	}
}

// rootOrder settles findings that explain each other (their traffic is
// mostly the same): the carrier is named first, as carriers are what fails
// most often, then the provider, the country, the sender, the route.
var rootOrder = map[smstrack.AlertDimension]int{smstrack.DimensionCarrier: 0, smstrack.DimensionProvider: 1,
	smstrack.DimensionCountry: 2, smstrack.DimensionSender: 3, smstrack.DimensionRoute: 4}

// explainedBy reports whether g explains f (see explain). Whether f lies
// inside g is read from the traffic itself: a provider that is the only
// one sending to a carrier holds all of that carrier's traffic.
func (c Config) explainedBy(f, g Finding, baseline, recent *window) bool {
	inF := func(r Key) bool { return KeyOf(f.Dimension, r) == f.Key }
	inG := func(r Key) bool { return KeyOf(g.Dimension, r) == g.Key }
	restBase, restRecent := restOf(baseline, f.Metric, inF, inG), restOf(recent, f.Metric, inF, inG)
	if restBase.Sent == 0 && restRecent.Sent == 0 { // f inside g: is g's trouble wider than f?
		ev, ok := c.evidence(f.Metric, restOf(baseline, f.Metric, inG, inF), restOf(recent, f.Metric, inG, inF), c.restMinimum())
		if !ok {
			return false
		}
		_, clear := c.judge(f.Metric, ev, f.Evidence.Alpha)
		return !clear
	}
	ev, ok := c.evidence(f.Metric, restBase, restRecent, c.restMinimum())
	if !ok {
		return true
	}
	_, clear := c.judge(f.Metric, ev, f.Evidence.Alpha)
	return clear
}

// restOf sums the figures metric m needs over the routes of in that are
// not in out.
func restOf(w *window, m smstrack.AlertMetric, in, out func(Key) bool) Figures {
	var rest Figures
	cat := m.ErrorCategory()
	for rk, f := range w.routes {
		if !in(rk) || out(rk) {
			continue
		}
		rest.Sent += f.Sent
		if m == smstrack.MetricLatencyP90 {
			switch {
			case rest.Latency == nil:
				rest.Latency = f.Latency
			case f.Latency != nil:
				rest.Latency = rest.Latency.Merged(f.Latency)
			}
			continue
		}
		rest.Delivered += f.Delivered
		rest.Failed += f.Failed
		if cat != "" && f.Errors[cat] > 0 {
			if rest.Errors == nil {
				rest.Errors = map[smstrack.ErrorCategory]int64{}
			}
			rest.Errors[cat] += f.Errors[cat]
		}
	}
	return rest
}

// restMinimum is the smallest recent sample a rest is tested with.
func (c Config) restMinimum() int64 { return max(10, c.MinRecent/5) }
