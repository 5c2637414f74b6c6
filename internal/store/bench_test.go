package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
)

// sendStatuses are the statuses of a send in the order they arrive.
var sendStatuses = []smstrack.Status{smstrack.StatusQueued, smstrack.StatusSent, smstrack.StatusDelivered}

// applySendBatch commits batch i of 64 status callbacks: each message gets
// queued, sent and delivered in three consecutive batches.
func applySendBatch(ctx context.Context, b testing.TB, db *store.DB, batch []*smstrack.EventInput, i int) {
	n := i * 64
	for j := range batch {
		msg := (n/192)*64 + j
		st := sendStatuses[(n/64)%3]
		batch[j] = callback(fmt.Sprintf("SM%010d", msg), st, "", t0.Add(time.Duration(n)*time.Millisecond))
	}
	if _, err := db.ApplyEvents(ctx, batch); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkApplyEvents64 commits batches of 64 status callbacks — the size
// a group commit reaches under 64 concurrent connections — in the realistic
// order of a send: queued, then sent, then delivered for each message. It
// reports the cost per event, commit included.
func BenchmarkApplyEvents64(b *testing.B) {
	for _, kind := range testdb.Kinds {
		b.Run(kind, func(b *testing.B) {
			db := testdb.Open(b, testdb.DSN(b, kind))
			ctx := context.Background()
			batch := make([]*smstrack.EventInput, 64)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				applySendBatch(ctx, b, db, batch, i)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*64)/1000, "µs/event")
		})
	}
}
