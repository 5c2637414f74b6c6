package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/testdb"
)

// BenchmarkApplyEvents64 commits batches of 64 status callbacks — the size
// a group commit reaches under 64 concurrent connections — in the realistic
// order of a send: queued, then sent, then delivered for each message. It
// reports the cost per event, commit included.
func BenchmarkApplyEvents64(b *testing.B) {
	for _, kind := range testdb.Kinds {
		b.Run(kind, func(b *testing.B) {
			db, err := openBench(b, testdb.DSN(b, kind))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			statuses := []smstrack.Status{smstrack.StatusQueued, smstrack.StatusSent, smstrack.StatusDelivered}
			batch := make([]*smstrack.EventInput, 64)
			n := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for j := range batch {
					// Each message gets its three statuses in three consecutive batches.
					msg := (n/192)*64 + j
					st := statuses[(n/64)%3]
					batch[j] = callback(fmt.Sprintf("SM%010d", msg), st, "", t0.Add(time.Duration(n)*time.Millisecond))
				}
				n += 64
				if _, err := db.ApplyEvents(ctx, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*64)/1000, "µs/event")
		})
	}
}
