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
func (c Config) explain(fs []Finding, baseline *window, recent recents) {
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
				if fs[i].Dimension != fs[j].Dimension && c.explains(fs[j], fs[i], baseline, recent) {
					by[i] = j
					break
				}
			}
			if _, ok := by[i]; !ok && fs[i].long {
				if g, ok := c.longExplainer(fs[i], baseline, recent); ok {
					fs[i].Significant, fs[i].ExplainedBy = false, g.Key.Label(g.Dimension)
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

// explains reports whether g explains f and not the other way round (or
// both, and rootOrder names g first).
func (c Config) explains(g, f Finding, baseline *window, recent recents) bool {
	return c.explainedBy(f, g, baseline, recent) &&
		(rootOrder[g.Dimension] < rootOrder[f.Dimension] || !c.explainedBy(g, f, baseline, recent))
}

// longExplainer looks for what explains a finding of the long window among
// the values of the other dimensions sharing its traffic, tested on the
// long window too: a carrier that failed half an hour ago has recovered in
// the short window but still explains a small route's long window.
func (c Config) longExplainer(f Finding, baseline *window, recent recents) (Finding, bool) {
	dims := slices.Clone(smstrack.AlertDimensions)
	slices.SortFunc(dims, func(a, b smstrack.AlertDimension) int { return rootOrder[a] - rootOrder[b] })
	for _, d := range dims {
		if d == f.Dimension {
			continue
		}
		var shared []Key
		for r := range recent.long.routes {
			if k := KeyOf(d, r); KeyOf(f.Dimension, r) == f.Key && !slices.Contains(shared, k) {
				shared = append(shared, k)
			}
		}
		slices.SortFunc(shared, Key.compare)
		for _, k := range shared {
			ev, ok := c.evidence(f.Metric, baseline.dims[d][k], recent.long.dims[d][k], c.MinRecent)
			if !ok {
				continue
			}
			g := Finding{Dimension: d, Key: k, Metric: f.Metric, Evidence: ev, long: true}
			g.Evidence.Alpha = f.Evidence.Alpha
			if significant, _ := c.judge(g.Metric, g.Evidence, g.Evidence.Alpha); significant && c.explains(g, f, baseline, recent) {
				return g, true
			}
		}
	}
	return Finding{}, false
}

// rootOrder settles findings that explain each other (their traffic is
// mostly the same): the carrier is named first, as carriers are what fails
// most often, then the provider, the country, the sender, the route.
var rootOrder = map[smstrack.AlertDimension]int{smstrack.DimensionCarrier: 0, smstrack.DimensionProvider: 1,
	smstrack.DimensionCountry: 2, smstrack.DimensionSender: 3, smstrack.DimensionRoute: 4}

// explainedBy reports whether g explains f (see explain), on the window f
// was tested on. Whether f lies inside g is read from the traffic itself:
// a provider that is the only one sending to a carrier holds all of that
// carrier's traffic.
func (c Config) explainedBy(f, g Finding, baseline *window, recents recents) bool {
	recent := recents.of(f.long)
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
	var rest sum
	cat := m.ErrorCategory()
	for rk, f := range w.routes {
		if !in(rk) || out(rk) {
			continue
		}
		part := Figures{Sent: f.Sent, Delivered: f.Delivered, Failed: f.Failed}
		switch {
		case m == smstrack.MetricLatencyP90:
			part.Latency = f.Latency
		case cat != "" && f.Errors[cat] > 0:
			part.Errors = map[smstrack.ErrorCategory]int64{cat: f.Errors[cat]}
		}
		rest.add(part)
	}
	return rest.figures()
}

// restMinimum is the smallest recent sample a rest is tested with.
func (c Config) restMinimum() int64 { return max(10, c.MinRecent/5) }
