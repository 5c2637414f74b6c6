package store_test

import (
	"context"
	"testing"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/testdb"
)

// BenchmarkRollupOverhead is BenchmarkApplyEvents64 with rollups off, and
// on with the roller draining the queue after every 16 batches (about what
// one roller pass sees under load): what rollups add to each event, the
// roller's work included.
func BenchmarkRollupOverhead(b *testing.B) {
	for _, kind := range testdb.Kinds {
		for _, mode := range []string{"off", "on"} {
			b.Run(kind+"/rollups-"+mode, func(b *testing.B) {
				db := testdb.Open(b, testdb.DSN(b, kind))
				db.SetRollups(mode == "on")
				ctx := context.Background()
				batch := make([]*smstrack.EventInput, 64)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					applySendBatch(ctx, b, db, batch, i)
					if i%16 == 15 {
						if _, err := db.RollUp(ctx); err != nil {
							b.Fatal(err)
						}
					}
				}
				if _, err := db.RollUp(ctx); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*64)/1000, "µs/event")
			})
		}
	}
}
