package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// RollupBacklog is what waits for the roller, as the store reports it.
type RollupBacklog struct {
	Entries int64         // changes queued
	Lag     time.Duration // how long the oldest has waited; 0 when none
}

// WatchRollups exports how far the rollups are behind the events, asked of
// backlog at scrape time (one cached query for both gauges, see
// Options.CacheFor). serve wires it to the store's RollupBacklog.
func (m *Metrics) WatchRollups(backlog func(context.Context) (RollupBacklog, error)) {
	c := newCached(m, "rollup_backlog", backlog)
	lag := gauge("rollup", "lag_seconds", "How long the oldest change waiting for the roller has waited: how far the rollups are behind the committed events.")
	entries := gauge("rollup", "queue_entries", "Changes waiting for the roller.")
	m.reg.MustRegister(collector{descs: []*prometheus.Desc{lag, entries}, collect: func(ch chan<- prometheus.Metric) {
		if b, err := c.get(); err == nil {
			ch <- prometheus.MustNewConstMetric(lag, prometheus.GaugeValue, b.Lag.Seconds())
			ch <- prometheus.MustNewConstMetric(entries, prometheus.GaugeValue, float64(b.Entries))
		}
	}})
}
