package metrics

import (
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/smstrack/smstrack"
)

// maxProviders bounds the provider label: names past it, and names that
// do not look like one, are counted as "other". Providers are named by
// code, but the API accepts a report for any provider name.
const maxProviders = 32

// otherProvider labels what maxProviders leaves out.
const otherProvider = "other"

// The results of an event handed to the store, as the result label says them.
const (
	resultApplied   = iota // it moved the message's status
	resultRecorded         // kept in the timeline; the status stayed (late, out of order, same status)
	resultDuplicate        // the same callback was stored before; nothing written
	numResults
)

var resultNames = [numResults]string{"applied", "recorded", "duplicate"}

// noStatus labels events that carry no status.
const noStatus = "none"

// providerCounters are one provider's event counters, by status index
// (len(smstrack.Statuses) for no status) and result, each resolved on its
// first event: the exposition lists what happened, not every combination.
type providerCounters struct {
	name   string
	counts [len(smstrack.Statuses) + 1][numResults]atomic.Pointer[prometheus.Counter]
}

type ingestMetrics struct {
	events        *prometheus.CounterVec
	rejected      *prometheus.CounterVec
	batchSize     prometheus.Histogram
	batchDuration prometheus.Histogram
	batchFailures prometheus.Counter

	providers resolved[providerCounters]
	other     *providerCounters
}

func newIngestMetrics(reg prometheus.Registerer) *ingestMetrics {
	im := &ingestMetrics{
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "ingest", Name: "events_total",
			Help: "Events committed, by provider, the event's status and result: applied (moved the message's status), recorded (kept, status unchanged), duplicate (stored before).",
		}, []string{"provider", "status", "result"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "ingest", Name: "rejected_requests_total",
			Help: "Provider webhook requests refused and nothing stored, by provider and reason (the error code: invalid, forbidden, too_large, ...).",
		}, []string{"provider", "reason"}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: "ingest", Name: "batch_size",
			Help:    "Events per group-commit transaction.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 10), // 1 .. 512, the largest batch
		}),
		batchDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: "ingest", Name: "commit_duration_seconds",
			Help:    "Time to apply and durably commit one group-commit batch, from the first statement to durable.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
		batchFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "ingest", Name: "commit_failures_total",
			Help: "Group-commit transactions that failed (a failed batch is retried one event at a time).",
		}),
	}
	reg.MustRegister(im.events, im.rejected, im.batchSize, im.batchDuration, im.batchFailures)
	im.other = &providerCounters{name: otherProvider}
	return im
}

// counter returns the counter of a status index and result, building its
// label set only the first time.
func (im *ingestMetrics) counter(pc *providerCounters, s, r int) prometheus.Counter {
	if c := pc.counts[s][r].Load(); c != nil {
		return *c
	}
	status := noStatus
	if s < len(smstrack.Statuses) {
		status = string(smstrack.Statuses[s])
	}
	c := im.events.WithLabelValues(pc.name, status, resultNames[r]) // the same child for every caller
	pc.counts[s][r].Store(&c)
	return c
}

// counters returns a provider's counters: past each provider's first
// event, a lock-free map lookup.
func (im *ingestMetrics) counters(provider string) *providerCounters {
	if pc, ok := im.providers.get(provider); ok {
		return pc
	}
	if !labelSafe(provider) {
		return im.other
	}
	pc, ok := im.providers.add(provider, maxProviders, func() *providerCounters { return &providerCounters{name: provider} })
	if !ok {
		return im.other
	}
	return pc
}

// labelSafe reports whether a provider name may be a label value: short,
// lower-case letters, digits, '-' and '_'.
func labelSafe(s string) bool {
	if s == "" || len(s) > 32 || s == otherProvider {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// ObserveEvent counts one committed event. It is the ingest Committer's
// OnCommit hook: called on the committer's goroutine, it only adds.
func (m *Metrics) ObserveEvent(ev *smstrack.EventInput, res smstrack.EventResult) {
	pc := m.ingest.counters(ev.Provider)
	s := ev.Status.Index()
	if s < 0 {
		s = len(smstrack.Statuses)
	}
	r := resultRecorded
	switch {
	case res.Duplicate:
		r = resultDuplicate
	case res.Applied:
		r = resultApplied
	}
	m.ingest.counter(pc, s, r).Inc()
}

// ObserveBatch records one group-commit transaction: its events, how long
// it took to become durable, and whether it failed. It is the ingest
// Committer's OnBatch hook.
func (m *Metrics) ObserveBatch(events int, took time.Duration, err error) {
	m.ingest.batchSize.Observe(float64(events))
	m.ingest.batchDuration.Observe(took.Seconds())
	if err != nil {
		m.ingest.batchFailures.Inc()
	}
}

// ObserveRejected counts a provider request refused as malformed or
// unauthenticated. The provider comes from the route pattern that matched
// (/webhooks/{provider}/...), the reason is the error's code: both bounded.
func (m *Metrics) ObserveRejected(r *http.Request, err error) {
	m.ingest.rejected.WithLabelValues(webhookProvider(r.Pattern), smstrack.ErrorCode(err)).Inc()
}

// webhookProvider names the provider of a webhook route pattern such as
// "POST /webhooks/twilio/status", or "other".
func webhookProvider(pattern string) string {
	_, path, found := strings.Cut(pattern, " ")
	if !found {
		path = pattern
	}
	if i := strings.IndexByte(path, '/'); i > 0 {
		path = path[i:] // a pattern with a host
	}
	rest, ok := strings.CutPrefix(path, "/webhooks/")
	if !ok {
		return otherProvider
	}
	name, _, _ := strings.Cut(rest, "/")
	if !labelSafe(name) {
		return otherProvider
	}
	return name
}

// WatchQueue exports the ingest queue's depth (read at scrape time) and
// capacity: events accepted by handlers and waiting for a commit worker.
func (m *Metrics) WatchQueue(depth func() int, capacity int) {
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "ingest", Name: "queue_depth",
			Help: "Events waiting in the group-commit queue.",
		}, func() float64 { return float64(depth()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "ingest", Name: "queue_capacity",
			Help: "Capacity of the group-commit queue; handlers wait when it is full.",
		}, func() float64 { return float64(capacity) }),
	)
}
