package metrics

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// cached runs a store query at most once per ttl and hands every caller in
// between the same answer (a failure too), so a storm of scrapes costs the
// database one query every few seconds. Callers wait for a query in
// flight rather than starting their own.
type cached[T any] struct {
	name    string // the gauge, for the failure counter and the log
	m       *Metrics
	query   func(context.Context) (T, error)
	now     func() time.Time
	mu      sync.Mutex
	at      time.Time // when the kept answer was fetched; zero: never
	value   T
	err     error
	queries int // queries run, for tests
}

func newCached[T any](m *Metrics, name string, query func(context.Context) (T, error)) *cached[T] {
	return &cached[T]{name: name, m: m, query: query, now: time.Now}
}

// get returns the kept answer, fetching a new one when it is older than
// the cache period.
func (c *cached[T]) get() (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := c.now(); c.at.IsZero() || now.Sub(c.at) >= c.m.opts.CacheFor {
		ctx, cancel := context.WithTimeout(context.Background(), c.m.opts.QueryTimeout)
		c.value, c.err = c.query(ctx)
		cancel()
		c.at, c.queries = now, c.queries+1
		if c.err != nil {
			c.m.scrape.WithLabelValues(c.name).Inc()
			c.m.opts.Log.Warn("metrics: scrape-time query failed; the gauge is left out", "gauge", c.name, "err", c.err)
		}
	}
	return c.value, c.err
}

// collector is a prometheus.Collector made of its descriptions and a
// function that emits their samples.
type collector struct {
	descs   []*prometheus.Desc
	collect func(ch chan<- prometheus.Metric)
}

func (c collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c collector) Collect(ch chan<- prometheus.Metric) { c.collect(ch) }

// gauge describes an smstrack gauge without labels.
func gauge(subsystem, name, help string) *prometheus.Desc {
	return prometheus.NewDesc(prometheus.BuildFQName(namespace, subsystem, name), help, nil, nil)
}
