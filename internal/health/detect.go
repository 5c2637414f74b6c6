package health

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
)

// Config sets how health is judged. The zero value is not useful: start
// from DefaultConfig.
type Config struct {
	// Every is how often the evaluator runs.
	Every time.Duration
	// Lease is how long a claim of the evaluator's lease lasts, renewed
	// every evaluation; 0 means three intervals. An instance that stalls
	// longer loses it to another.
	Lease time.Duration
	// Window is the recent window tested against the baseline. It ends
	// SettleLag before the evaluation, so the latest messages, most of
	// them still on their way, do not weigh on it.
	Window    time.Duration
	SettleLag time.Duration
	// LongWindow, ending where Window ends, tests the dimension values
	// with too little traffic in Window to be tested: later, but tested.
	// 0 turns it off.
	LongWindow time.Duration
	// Baseline is how far back the baseline reaches. It ends at the last
	// midnight (UTC) at least BaselineGap before the evaluation, so a
	// degradation that has just begun is not part of its own baseline, the
	// rollups answer it from whole day cells, and it is read once a day.
	Baseline    time.Duration
	BaselineGap time.Duration
	// FamilyAlpha is the chance of one false alarm per evaluation across
	// every test it runs: each test must beat FamilyAlpha over the number
	// of tests (Bonferroni).
	FamilyAlpha float64
	// ResolveAlpha is the level below which an open alert's test still
	// counts as degraded (no correction: recovery must be clear).
	ResolveAlpha float64
	// OpenAfter and ResolveAfter are the runs of consecutive evaluations
	// that open an alert (significant each time) and resolve it (clear
	// each time).
	OpenAfter, ResolveAfter int
	// MinRecent and MinBaseline are the fewest settled messages (or
	// latency samples) a window and its baseline need to be tested.
	MinRecent, MinBaseline int64
	// MinRateChange is the smallest change of a rate (delivery, or an
	// error category's share) worth an alert, in absolute terms.
	MinRateChange float64
	// MinLatencyRatio is the smallest rise of the p90 latency worth an
	// alert, as a ratio to the baseline's p90.
	MinLatencyRatio float64
}

// DefaultConfig is the configuration `smstrack serve` runs with.
func DefaultConfig() Config {
	return Config{
		Every:           time.Minute,
		Window:          10 * time.Minute,
		LongWindow:      time.Hour,
		SettleLag:       time.Minute,
		Baseline:        7 * 24 * time.Hour,
		BaselineGap:     time.Hour,
		FamilyAlpha:     1e-5,
		ResolveAlpha:    0.01,
		OpenAfter:       2,
		ResolveAfter:    5,
		MinRecent:       50,
		MinBaseline:     500,
		MinRateChange:   0.02,
		MinLatencyRatio: 1.5,
	}
}

// Validate checks a configuration.
func (c Config) Validate() error {
	switch {
	case c.Every <= 0 || c.Window <= 0 || c.SettleLag < 0 || c.Baseline <= 0 || c.BaselineGap < 0:
		return fmt.Errorf("health: durations must be positive")
	case c.LongWindow != 0 && c.LongWindow <= c.Window:
		return fmt.Errorf("health: the long window must be longer than the window")
	case c.FamilyAlpha <= 0 || c.FamilyAlpha >= 1 || c.ResolveAlpha <= 0 || c.ResolveAlpha >= 1:
		return fmt.Errorf("health: significance levels must be between 0 and 1")
	case c.OpenAfter < 1 || c.ResolveAfter < 1:
		return fmt.Errorf("health: runs must be at least one evaluation")
	case c.MinRecent < 1 || c.MinBaseline < 1 || c.MinRateChange < 0 || c.MinLatencyRatio < 1:
		return fmt.Errorf("health: minimum samples must be positive and the latency ratio at least 1")
	}
	return nil
}

func (c Config) lease() time.Duration {
	if c.Lease > 0 {
		return c.Lease
	}
	return 3 * c.Every
}

// Windows are the time ranges one evaluation compares.
type Windows struct {
	At                       time.Time
	RecentFrom, RecentTo     time.Time
	LongFrom                 time.Time // the long window ends at RecentTo; zero when off
	BaselineFrom, BaselineTo time.Time
}

// WindowsAt returns the windows of an evaluation at time at.
func (c Config) WindowsAt(at time.Time) Windows {
	w := Windows{At: at, RecentTo: at.Add(-c.SettleLag).Truncate(time.Minute)}
	w.RecentFrom = w.RecentTo.Add(-c.Window)
	if c.LongWindow > 0 {
		w.LongFrom = w.RecentTo.Add(-c.LongWindow)
	}
	w.BaselineTo = at.Add(-c.BaselineGap).Truncate(24 * time.Hour)
	w.BaselineFrom = w.BaselineTo.Add(-c.Baseline)
	return w
}

// Finding is one test of one dimension value on one metric.
type Finding struct {
	Dimension smstrack.AlertDimension
	Key       Key
	Metric    smstrack.AlertMetric
	Evidence  smstrack.AlertEvidence
	// Significant: the degradation beats the corrected level and is
	// large enough to matter. Clear: not even the uncorrected ResolveAlpha
	// finds half that much degradation. A finding can be neither.
	Significant, Clear bool
	// ExplainedBy names the finding that explains this one's significance
	// (see explain); it then is not Significant.
	ExplainedBy string
	// long: tested on the long window, the short one having too little traffic.
	long bool
}

// ID identifies what a finding is about, the same across evaluations.
type ID struct {
	Dimension smstrack.AlertDimension
	Key       Key
	Metric    smstrack.AlertMetric
}

// ID returns the finding's ID.
func (f Finding) ID() ID { return ID{f.Dimension, f.Key, f.Metric} }

// Summary says what a finding found, in words.
func (f Finding) Summary() string {
	e, label := f.Evidence, f.Key.Label(f.Dimension)
	mins := e.WindowTo.Sub(e.WindowFrom).Round(time.Minute)
	tail := fmt.Sprintf("over the last %s, n=%d; baseline n=%d; p=%.2g", mins, e.RecentN, e.BaselineN, e.PValue)
	switch f.Metric {
	case smstrack.MetricDeliveryRate:
		return fmt.Sprintf("Delivery rate of %s fell to %.1f%% from %.1f%% (%d messages missing; %s)",
			label, 100*e.Recent, 100*e.Baseline, e.Affected, tail)
	case smstrack.MetricLatencyP90:
		return fmt.Sprintf("Sent-to-delivered p90 latency of %s rose to %s from %s (%d more messages slower than the baseline's p90; %s)",
			label, fmtMillis(e.Recent), fmtMillis(e.Baseline), e.Affected, tail)
	}
	return fmt.Sprintf("%s errors of %s rose to %.1f%% of settled messages from %.1f%% (%d in excess; %s)",
		strings.ReplaceAll(string(f.Metric.ErrorCategory()), "_", " "), label, 100*e.Recent, 100*e.Baseline, e.Affected, tail)
}

func fmtMillis(ms float64) string {
	return time.Duration(ms * float64(time.Millisecond)).Round(time.Millisecond * 100).String()
}

// recents are the recent windows of an evaluation: the short one and the
// long one (nil when off).
type recents struct{ short, long *window }

// of returns the window a finding was tested on.
func (r recents) of(long bool) *window {
	if long {
		return r.long
	}
	return r.short
}

// values lists the values of dimension d with recent traffic, in order.
func (r recents) values(d smstrack.AlertDimension) []Key {
	all := r.short.dims[d]
	if r.long != nil {
		all = r.long.dims[d] // the long window holds the short one
	}
	keys := make([]Key, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, Key.compare)
	return keys
}

// detect tests every dimension value with enough data in the baseline and
// a recent window, judges the findings against the Bonferroni-corrected
// level, and leaves significant only those no other finding explains (see
// explain).
//
// The findings are appended to out[:0], so an evaluator reuses one buffer.
func (c Config) detect(w Windows, baseline *window, recent recents, out []Finding) []Finding {
	out = out[:0]
	for _, d := range smstrack.AlertDimensions {
		for _, k := range recent.values(d) {
			base, ok := baseline.dims[d][k]
			if !ok {
				continue
			}
			out = c.test(out, d, k, base, recent, nil)
		}
	}
	alpha := c.FamilyAlpha / float64(max(1, len(out)))
	for i := range out {
		c.stamp(&out[i], w, len(out), alpha)
	}
	c.explain(out, baseline, recent)
	return out
}

// retest tests an open alert's metric on its dimension value; ok is false
// when the windows lack the traffic to.
func (c Config) retest(w Windows, a *smstrack.Alert, baseline *window, recent recents, alpha float64) (Finding, bool) {
	k := KeyFromMap(a.Key)
	base, ok := baseline.dims[a.Dimension][k]
	if !ok {
		return Finding{}, false
	}
	fs := c.test(nil, a.Dimension, k, base, recent, []smstrack.AlertMetric{a.Metric})
	if len(fs) == 0 {
		return Finding{}, false
	}
	c.stamp(&fs[0], w, 1, alpha)
	return fs[0], true
}

// stamp completes a finding's evidence with its windows and level, and
// judges it.
func (c Config) stamp(f *Finding, w Windows, tests int, alpha float64) {
	f.Evidence.EvaluatedAt, f.Evidence.Tests, f.Evidence.Alpha = w.At, tests, alpha
	f.Evidence.WindowFrom, f.Evidence.WindowTo = w.RecentFrom, w.RecentTo
	if f.long {
		f.Evidence.WindowFrom = w.LongFrom
	}
	f.Evidence.BaselineFrom, f.Evidence.BaselineTo = w.BaselineFrom, w.BaselineTo
	f.Significant, f.Clear = c.judge(f.Metric, f.Evidence, alpha)
}

// judge says whether evidence is significant at level alpha with a change
// large enough to matter, and whether it is clear: not even ResolveAlpha
// finds half that change.
func (c Config) judge(m smstrack.AlertMetric, e smstrack.AlertEvidence, alpha float64) (significant, clear bool) {
	large, halfLarge := c.effect(m, e)
	return e.PValue < alpha && large, !(e.PValue < c.ResolveAlpha && halfLarge)
}

// effect reports whether a finding's change is at least the smallest one
// worth an alert, and at least half of it.
func (c Config) effect(m smstrack.AlertMetric, e smstrack.AlertEvidence) (large, half bool) {
	if m == smstrack.MetricLatencyP90 {
		if e.Baseline <= 0 {
			return e.Recent > 0, e.Recent > 0
		}
		ratio := e.Recent / e.Baseline
		return ratio >= c.MinLatencyRatio, ratio >= 1+(c.MinLatencyRatio-1)/2
	}
	change := e.Recent - e.Baseline // an error share's rise
	if m == smstrack.MetricDeliveryRate {
		change = -change // delivery's fall
	}
	return change >= c.MinRateChange, change >= c.MinRateChange/2
}

// test runs the tests of one dimension value (the metrics given, or
// delivery rate, each error category seen in either window, and latency),
// each on the short window when it has the traffic, else on the long one.
func (c Config) test(out []Finding, d smstrack.AlertDimension, k Key, base Figures, recent recents, metrics []smstrack.AlertMetric) []Finding {
	short := recent.short.dims[d][k]
	var long Figures
	if recent.long != nil {
		long = recent.long.dims[d][k]
	}
	add := func(m smstrack.AlertMetric) {
		if ev, ok := c.evidence(m, base, short, c.MinRecent); ok {
			out = append(out, Finding{Dimension: d, Key: k, Metric: m, Evidence: ev})
		} else if ev, ok := c.evidence(m, base, long, c.MinRecent); ok && recent.long != nil {
			out = append(out, Finding{Dimension: d, Key: k, Metric: m, Evidence: ev, long: true})
		}
	}
	if metrics != nil {
		for _, m := range metrics {
			add(m)
		}
		return out
	}
	add(smstrack.MetricDeliveryRate)
	// Categories of either window: one that vanished from the recent
	// window tests clear, which is how its alert resolves.
	var cats []smstrack.ErrorCategory
	for _, errs := range []map[smstrack.ErrorCategory]int64{long.Errors, short.Errors, base.Errors} {
		for cat, n := range errs {
			if n > 0 && !slices.Contains(cats, cat) {
				cats = append(cats, cat)
			}
		}
	}
	slices.Sort(cats)
	for _, cat := range cats {
		add(smstrack.ErrorRateMetric(cat))
	}
	add(smstrack.MetricLatencyP90)
	return out
}

// evidence tests one metric of a recent window against its baseline; ok
// is false when the window has fewer than minRecent messages (or latency
// samples) or the baseline fewer than MinBaseline.
func (c Config) evidence(m smstrack.AlertMetric, base, recent Figures, minRecent int64) (smstrack.AlertEvidence, bool) {
	if m == smstrack.MetricLatencyP90 {
		if recent.Latency == nil || base.Latency == nil || recent.Latency.Count() < minRecent || base.Latency.Count() < c.MinBaseline {
			return smstrack.AlertEvidence{}, false
		}
		return latencyEvidence(base.Latency, recent.Latency), true
	}
	n, nb := recent.Settled(), base.Settled()
	if n < minRecent || nb < c.MinBaseline {
		return smstrack.AlertEvidence{}, false
	}
	if m == smstrack.MetricDeliveryRate {
		// The delivery rate falls exactly when the failures' share rises.
		return rateEvidence(recent.Failed, n, base.Failed, nb, true), true
	}
	cat := m.ErrorCategory()
	return rateEvidence(recent.Errors[cat], n, base.Errors[cat], nb, false), true
}

// rateEvidence tests a rise of the share x/n (failures, or errors of one
// category) against the baseline's xb/nb. For delivery the evidence shows
// the delivery rate, one minus the failures' share.
func rateEvidence(x, n, xb, nb int64, delivery bool) smstrack.AlertEvidence {
	z, p := RiseTest(x, n, xb, nb)
	share, baseShare := float64(x)/float64(n), float64(xb)/float64(nb)
	ev := smstrack.AlertEvidence{Baseline: baseShare, Recent: share, BaselineN: nb, RecentN: n, Z: finite(z), PValue: p,
		Affected: max(0, int64(math.Round((share-baseShare)*float64(n))))}
	if delivery {
		ev.Baseline, ev.Recent, ev.Z = 1-baseShare, 1-share, -ev.Z
	}
	return ev
}

// latencyEvidence tests whether more of the recent latencies exceed the
// baseline's p90 than the 10% the baseline itself has there: a sign test
// on a quantile, free of any assumption about the distribution's shape.
func latencyEvidence(base, recent Latencies) smstrack.AlertEvidence {
	p90 := base.Quantile(0.9)
	x, n := recent.CountAbove(p90), recent.Count()
	xb, nb := base.CountAbove(p90), base.Count()
	z, p := RiseTest(x, n, xb, nb)
	excess := float64(x)/float64(n) - float64(xb)/float64(nb)
	return smstrack.AlertEvidence{Baseline: p90, Recent: recent.Quantile(0.9), BaselineN: nb, RecentN: n, Z: finite(z), PValue: p,
		Affected: max(0, int64(math.Round(excess*float64(n))))}
}

// finite keeps statistics JSON can carry.
func finite(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}
