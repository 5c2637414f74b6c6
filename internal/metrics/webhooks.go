package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smstrack/smstrack"
)

// The results of one webhook delivery attempt, as the result label says them.
const (
	attemptDelivered = iota // a 2xx answer
	attemptHTTP4xx          // the receiver refused it
	attemptHTTP5xx          // the receiver failed
	attemptHTTPOther        // an answer that is neither (1xx, 3xx: redirects are not followed)
	attemptError            // no answer: refused address, connection, timeout
	numAttemptResults
)

var attemptResultNames = [numAttemptResults]string{"delivered", "http_4xx", "http_5xx", "http_other", "error"}

type webhookMetrics struct {
	attempts [numAttemptResults]prometheus.Counter
	duration prometheus.Histogram
}

func newWebhookMetrics(reg prometheus.Registerer) *webhookMetrics {
	vec := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Subsystem: "webhook", Name: "delivery_attempts_total",
		Help: "Outbound webhook delivery attempts, by result: delivered, http_4xx, http_5xx, http_other, error (no answer).",
	}, []string{"result"})
	wm := &webhookMetrics{
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: "webhook", Name: "delivery_duration_seconds",
			Help:    "Time of one outbound webhook delivery attempt, connection included.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
	}
	for i, name := range attemptResultNames {
		wm.attempts[i] = vec.WithLabelValues(name)
	}
	reg.MustRegister(vec, wm.duration)
	return wm
}

// ObserveAttempt counts one webhook delivery attempt by its result. It is
// the notify Worker's OnAttempt hook.
func (m *Metrics) ObserveAttempt(a smstrack.DeliveryAttempt) {
	r := attemptError
	switch {
	case a.Succeeded():
		r = attemptDelivered
	case a.Error != "" || a.Status == 0:
	case a.Status >= 400 && a.Status < 500:
		r = attemptHTTP4xx
	case a.Status >= 500 && a.Status < 600:
		r = attemptHTTP5xx
	default:
		r = attemptHTTPOther
	}
	m.webhooks.attempts[r].Inc()
	m.webhooks.duration.Observe(float64(a.LatencyMs) / 1000)
}

// WatchOutbox exports the webhook outbox's backlog at scrape time (cached,
// see Options.CacheFor): how many deliveries wait, and how old the oldest
// waiting event is. backlog answers both; oldest is zero when none waits.
func (m *Metrics) WatchOutbox(backlog func(context.Context) (pending int64, oldest time.Time, err error)) {
	type answer struct {
		pending int64
		oldest  time.Time
	}
	c := newCached(m, "webhook_outbox", func(ctx context.Context) (answer, error) {
		n, oldest, err := backlog(ctx)
		return answer{n, oldest}, err
	})
	pending := gauge("webhook", "outbox_pending",
		"Outbox deliveries waiting (retries included): to enabled endpoints, and status-callback relays; counted up to a bound, see docs/metrics.md.")
	age := gauge("webhook", "outbox_oldest_pending_age_seconds",
		"Age of the oldest event among the waiting outbox deliveries; 0 when none waits.")
	m.reg.MustRegister(collector{descs: []*prometheus.Desc{pending, age}, collect: func(ch chan<- prometheus.Metric) {
		a, err := c.get()
		if err != nil {
			return
		}
		var seconds float64
		if !a.oldest.IsZero() {
			seconds = max(0, c.now().Sub(a.oldest).Seconds())
		}
		ch <- prometheus.MustNewConstMetric(pending, prometheus.GaugeValue, float64(a.pending))
		ch <- prometheus.MustNewConstMetric(age, prometheus.GaugeValue, seconds)
	}})
}
