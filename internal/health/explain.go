package health

import (
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
// Findings that explain each other both stay.
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
					!c.explainedBy(fs[j], fs[i], baseline, recent) {
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
}

// explainedBy reports whether g explains f (see explain).
func (c Config) explainedBy(f, g Finding, baseline, recent *window) bool {
	inF := func(r Key) bool { return KeyOf(f.Dimension, r) == f.Key }
	inG := func(r Key) bool { return KeyOf(g.Dimension, r) == g.Key }
	if within(f, g) {
		ev, ok := c.evidence(f.Metric, restOf(baseline, f.Metric, inG, inF), restOf(recent, f.Metric, inG, inF))
		if !ok {
			return false
		}
		_, clear := c.judge(f.Metric, ev, f.Evidence.Alpha)
		return !clear
	}
	ev, ok := c.evidence(f.Metric, restOf(baseline, f.Metric, inF, inG), restOf(recent, f.Metric, inF, inG))
	if !ok {
		return true
	}
	_, clear := c.judge(f.Metric, ev, f.Evidence.Alpha)
	return clear
}

// within reports whether f's traffic lies inside g's: every field g is
// keyed by, f is keyed by too, with the same value.
func within(f, g Finding) bool {
	fk, gk := f.Key.Map(f.Dimension), g.Key.Map(g.Dimension)
	for name, v := range gk {
		if fv, ok := fk[name]; !ok || fv != v {
			return false
		}
	}
	return true
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
		if m == smstrack.MetricLatencyP90 {
			switch {
			case rest.Latency == nil:
				rest.Latency = f.Latency
			case f.Latency != nil:
				rest.Latency = rest.Latency.Merged(f.Latency)
			}
			continue
		}
		rest.Sent += f.Sent
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
