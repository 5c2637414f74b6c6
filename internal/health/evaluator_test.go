package health

import (
	"context"
	"io"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// simStart is a Monday at midnight; the simulations begin there.
var simStart = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// TestNoAlertOnAWeekOfNoise evaluates every minute of a simulated week of
// normal traffic (a day of history first): 36 routes (2 providers, 2
// senders, 9 carriers in 6 countries), diurnal volume, binomial outcomes
// drifting a little from day to day, log-normal latencies. Not one alert
// may open.
func TestNoAlertOnAWeekOfNoise(t *testing.T) {
	if testing.Short() {
		t.Skip("a simulated week")
	}
	t.Parallel()
	src := newSimTraffic(simStart, 600, 7, nil)
	alerts := &memAlerts{}
	ev, err := NewEvaluator(src, alerts, DefaultConfig(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	evaluations, minTests, closest := 0, math.MaxInt, math.Inf(1)
	// From the first hour with a whole day of baseline before it.
	first := simStart.Add(25 * time.Hour)
	for at := first; at.Before(first.Add(7 * 24 * time.Hour)); at = at.Add(time.Minute) {
		rep, err := ev.Evaluate(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		evaluations++
		minTests = min(minTests, rep.Tests)
		for _, f := range rep.Findings {
			t.Errorf("%s: significant: %s", at.Format(time.DateTime), f.Summary())
		}
		for _, a := range rep.Opened {
			t.Errorf("%s: alert opened: %s", at.Format(time.DateTime), a.Summary)
		}
		closest = math.Min(closest, rep.Closest)
	}
	if evaluations != 7*24*60 || minTests < 100 {
		t.Errorf("%d evaluations, fewest tests in one %d: the week was not tested", evaluations, minTests)
	}
	if len(alerts.alerts) != 0 {
		t.Errorf("%d alerts over a week of normal traffic", len(alerts.alerts))
	}
	t.Logf("%d evaluations, at least %d tests each; closest call: a p-value %.3g times its corrected level", evaluations, minTests, closest)
}

// degradeEE makes carrier EE deliver 80% instead of 98.5%, filter content
// (most failures content_filtered) and answer four times slower during
// [from, to).
func degradeEE(from, to time.Time) simEffect {
	return func(at time.Time, c *simCarrier) {
		if c.name != "EE" || at.Before(from) || !at.Before(to) {
			return
		}
		c.delivery = 0.80
		c.errorMix = [len(simCategories)]float64{10, 5, 70, 5, 10}
		c.median *= 4
	}
}

// TestDetectsCarrierDegradation injects a 30-minute degradation of one
// carrier (delivery, errors and latency at once) after two days of normal
// traffic and checks when each alert opens and resolves, and that nothing
// unrelated to the carrier alerts.
func TestDetectsCarrierDegradation(t *testing.T) {
	t.Parallel()
	onset := simStart.Add(2*24*time.Hour + 10*time.Hour)
	recovery := onset.Add(30 * time.Minute)
	src := newSimTraffic(simStart, 600, 11, degradeEE(onset, recovery))
	alerts := &memAlerts{}
	cfg := DefaultConfig()
	ev, err := NewEvaluator(src, alerts, cfg, quiet)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	opened := map[smstrack.AlertMetric]int{}   // evaluations after the onset
	resolved := map[smstrack.AlertMetric]int{} // evaluations after the recovery
	for at := onset.Add(-time.Hour); at.Before(recovery.Add(time.Hour)); at = at.Add(time.Minute) {
		rep, err := ev.Evaluate(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range rep.Opened {
			if !involvesEE(a) {
				t.Errorf("%s: alert unrelated to EE: %s", at.Format(time.TimeOnly), a.Summary)
			}
			if at.Before(onset) {
				t.Errorf("%s: alert before the onset: %s", at.Format(time.TimeOnly), a.Summary)
			}
			if a.Dimension == smstrack.DimensionCarrier {
				opened[a.Metric] = int(at.Sub(onset) / cfg.Every)
				t.Logf("+%d evaluations: %s", opened[a.Metric], a.Summary)
			}
		}
		for _, a := range rep.Resolved {
			if a.Dimension == smstrack.DimensionCarrier {
				resolved[a.Metric] = int(at.Sub(recovery) / cfg.Every)
			}
		}
	}
	for _, m := range []smstrack.AlertMetric{smstrack.MetricDeliveryRate, smstrack.ErrorRateMetric(smstrack.CategoryContentFiltered), smstrack.MetricLatencyP90} {
		n, ok := opened[m]
		switch {
		case !ok:
			t.Errorf("%s of carrier EE: no alert", m)
		case n > 5:
			t.Errorf("%s of carrier EE: alert after %d evaluations, want at most 5", m, n)
		}
		r, ok := resolved[m]
		switch {
		case !ok:
			t.Errorf("%s of carrier EE: not resolved within an hour of recovery", m)
		case r > int((cfg.Window+cfg.SettleLag)/cfg.Every)+cfg.ResolveAfter:
			t.Errorf("%s of carrier EE: resolved %d evaluations after recovery, want once the window is clean and %d more", m, r, cfg.ResolveAfter)
		}
	}
	for _, a := range alerts.alerts {
		if a.State != smstrack.AlertResolved {
			t.Errorf("still open an hour after recovery: %s", a.Summary)
		}
	}
	byDim := map[smstrack.AlertDimension]int{}
	for _, a := range alerts.alerts {
		byDim[a.Dimension]++
	}
	t.Logf("opened after %v evaluations, resolved %v evaluations after recovery; alerts by dimension %v", opened, resolved, byDim)
}

// involvesEE reports whether an alert's dimension value carries EE's traffic.
func involvesEE(a smstrack.Alert) bool {
	switch a.Dimension {
	case smstrack.DimensionProvider, smstrack.DimensionSender:
		return true // every provider and sender sends to EE
	case smstrack.DimensionCountry:
		return a.Key["country"] == "GB"
	}
	return a.Key["carrier"] == "EE"
}
