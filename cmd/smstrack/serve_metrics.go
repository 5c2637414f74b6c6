package main

import (
	"context"
	"log/slog"

	"github.com/smstrack/smstrack/internal/metrics"
	"github.com/smstrack/smstrack/internal/store"
)

// serveMetrics makes the server's metrics and wires the store's side of
// them: its timings, its connection pools, the outbox backlog and the
// roller's backlog. The rest is wired where the parts are made (serve, the
// serve jobs).
func serveMetrics(db *store.DB, log *slog.Logger) *metrics.Metrics {
	m := metrics.New(metrics.Options{Log: log})
	db.SetTimings(store.Timings{Commit: m.ObserveDBCommit, WALSync: m.ObserveWALSync})
	m.WatchDBPools(db.Pools())
	m.WatchOutbox(db.OutboxBacklog)
	m.WatchRollups(func(ctx context.Context) (metrics.RollupBacklog, error) {
		b, err := db.RollupBacklog(ctx)
		return metrics.RollupBacklog{Entries: b.Entries, Lag: b.Lag()}, err
	})
	return m
}

type metricsKey struct{}

// withMetrics hands the server's metrics to its serve jobs through their
// context, so jobs that have something to count need no new parameter.
func withMetrics(ctx context.Context, m *metrics.Metrics) context.Context {
	return context.WithValue(ctx, metricsKey{}, m)
}

// metricsFrom returns the server's metrics, or nil outside serve.
func metricsFrom(ctx context.Context) *metrics.Metrics {
	m, _ := ctx.Value(metricsKey{}).(*metrics.Metrics)
	return m
}
