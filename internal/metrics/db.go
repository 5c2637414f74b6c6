package metrics

import (
	"database/sql"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

type dbMetrics struct {
	commit  prometheus.Histogram
	walSync prometheus.Histogram
}

// dbBuckets span a commit on a fast disk to one stuck behind a checkpoint.
var dbBuckets = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}

func newDBMetrics(reg prometheus.Registerer) *dbMetrics {
	dm := &dbMetrics{
		commit: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: "db", Name: "commit_duration_seconds",
			Help:    "Time of the COMMIT statement of an event batch (on PostgreSQL it includes the server's WAL flush).",
			Buckets: dbBuckets,
		}),
		walSync: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: "db", Name: "wal_sync_duration_seconds",
			Help:    "SQLite only: time of one fsync of the write-ahead log, which makes the commits before it durable.",
			Buckets: dbBuckets,
		}),
	}
	reg.MustRegister(dm.commit, dm.walSync)
	return dm
}

// ObserveDBCommit records the time of one batch's COMMIT; the store calls
// it (store.Timings).
func (m *Metrics) ObserveDBCommit(d time.Duration) { m.db.commit.Observe(d.Seconds()) }

// ObserveWALSync records the time of one fsync of SQLite's write-ahead
// log; the store calls it (store.Timings).
func (m *Metrics) ObserveWALSync(d time.Duration) { m.db.walSync.Observe(d.Seconds()) }

// WatchDBPools exports database/sql's connection pool statistics (open and
// idle connections, waits for a connection and their time) as go_sql_*
// metrics labelled db_name, one per named pool.
func (m *Metrics) WatchDBPools(pools map[string]*sql.DB) {
	for name, db := range pools {
		m.reg.MustRegister(collectors.NewDBStatsCollector(db, name))
	}
}
