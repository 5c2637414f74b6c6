// Package metrics owns smstrack's Prometheus metrics: the registry, every
// metric's definition, and the small hooks the ingest path, the webhook
// worker, the HTTP server and the store call. It serves the exposition text
// but not its authentication (the API's key check wraps the handler).
//
// Labels hold only bounded values: provider names (at most maxProviders,
// then "other"), statuses, results, error codes and route patterns. Never a
// phone number, a message id or a raw path. Hooks on the hot path use
// counters resolved once per label set, so observing an event costs a few
// atomic adds and no allocation.
package metrics

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// namespace prefixes every smstrack metric.
const namespace = "smstrack"

// Route is the pattern /metrics is served at.
const Route = "GET /metrics"

// Options tune a Metrics; zero values take the defaults.
type Options struct {
	// CacheFor is how long a store-backed gauge's answer is reused, so a
	// burst of scrapes costs the database one query. Default 5 s.
	CacheFor time.Duration
	// QueryTimeout bounds one store-backed query at scrape time. Default 2 s.
	QueryTimeout time.Duration
	// Log receives failures of scrape-time queries; slog.Default when nil.
	Log *slog.Logger
}

// Metrics holds one registry and every smstrack metric in it. Each server
// (and each test) makes its own, so nothing is shared through globals.
type Metrics struct {
	reg  *prometheus.Registry
	opts Options

	ingest   *ingestMetrics
	http     *httpMetrics
	webhooks *webhookMetrics
	db       *dbMetrics
	scrape   *prometheus.CounterVec // failed scrape-time queries, by collector
}

// New returns metrics registered on a fresh registry, with the Go runtime
// and process collectors.
func New(opts Options) *Metrics {
	if opts.CacheFor <= 0 {
		opts.CacheFor = 5 * time.Second
	}
	if opts.QueryTimeout <= 0 {
		opts.QueryTimeout = 2 * time.Second
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	m := &Metrics{reg: prometheus.NewRegistry(), opts: opts}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.scrape = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "metrics_query_failures_total",
		Help: "Store-backed gauges whose query failed at scrape time, by gauge; the gauge is left out of that scrape.",
	}, []string{"gauge"})
	m.reg.MustRegister(m.scrape)
	m.ingest = newIngestMetrics(m.reg)
	m.http = newHTTPMetrics(m.reg)
	m.webhooks = newWebhookMetrics(m.reg)
	m.db = newDBMetrics(m.reg)
	return m
}

// Registry is where the metrics live, for tests and for collectors added
// by the wiring.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in Prometheus's exposition formats. It does
// not authenticate: the caller wraps it in the API key check.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:            slog.NewLogLogger(m.opts.Log.Handler(), slog.LevelWarn),
		ErrorHandling:       promhttp.ContinueOnError,
		MaxRequestsInFlight: 4,
		Timeout:             10 * time.Second,
	})
}
