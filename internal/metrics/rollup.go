package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// WatchRollupLag exports how far the rollups are behind the events, asked
// of lag at scrape time (cached, see Options.CacheFor). Wire it with the
// store's RollupLag: m.WatchRollupLag(db.RollupLag).
func (m *Metrics) WatchRollupLag(lag func(context.Context) (time.Duration, error)) {
	c := newCached(m, "rollup_lag", lag)
	desc := gauge("rollup", "lag_seconds", "How far the rollups are behind the committed events.")
	m.reg.MustRegister(collector{descs: []*prometheus.Desc{desc}, collect: func(ch chan<- prometheus.Metric) {
		if d, err := c.get(); err == nil {
			ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, d.Seconds())
		}
	}})
}
