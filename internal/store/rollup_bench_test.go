package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

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
				db, err := openBench(b, testdb.DSN(b, kind))
				if err != nil {
					b.Fatal(err)
				}
				db.SetRollups(mode == "on")
				ctx := context.Background()
				statuses := []smstrack.Status{smstrack.StatusQueued, smstrack.StatusSent, smstrack.StatusDelivered}
				batch := make([]*smstrack.EventInput, 64)
				n := 0
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					for j := range batch {
						msg := (n/192)*64 + j
						st := statuses[(n/64)%3]
						batch[j] = callback(fmt.Sprintf("SM%010d", msg), st, "", t0.Add(time.Duration(n)*time.Millisecond))
					}
					n += 64
					if _, err := db.ApplyEvents(ctx, batch); err != nil {
						b.Fatal(err)
					}
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
