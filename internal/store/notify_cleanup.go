package store

import (
	"context"
	"fmt"
	"time"

	"github.com/smstrack/smstrack"
)

// cleanBatch bounds the rows one statement of a cleanup removes, so that
// the writer is never held for long.
const cleanBatch = 5000

// CleanOutbox removes what the outbox no longer needs: settled deliveries
// (delivered or dead) last updated before before, attempts made before it,
// then events created before it that no delivery refers to any more.
// Pending deliveries stay whatever their age (an endpoint disabled for a
// month still gets them once enabled), and so do their events.
func (db *DB) CleanOutbox(ctx context.Context, before time.Time) (smstrack.OutboxCleanup, error) {
	var out smstrack.OutboxCleanup
	steps := []struct {
		removed *int
		q       string
	}{
		{&out.Deliveries, `DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries
			WHERE state <> 'pending' AND updated_at < ? LIMIT ?)`},
		{&out.Attempts, `DELETE FROM webhook_attempts WHERE id IN (SELECT id FROM webhook_attempts WHERE at < ? LIMIT ?)`},
		{&out.Events, `DELETE FROM webhook_events WHERE id IN (SELECT v.id FROM webhook_events v
			WHERE v.created_at < ? AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = v.id) LIMIT ?)`},
	}
	for _, st := range steps {
		for {
			res, err := db.writer.ExecContext(ctx, db.dialect.q(st.q), before.UnixMicro(), cleanBatch)
			if err != nil {
				return out, fmt.Errorf("store: clean outbox: %w", err)
			}
			n, _ := res.RowsAffected()
			*st.removed += int(n)
			if n < cleanBatch {
				break
			}
		}
	}
	return out, db.durable()
}
