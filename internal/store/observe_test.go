package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
)

func TestOutboxBacklog(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db, ctx := open(t, dsn), context.Background()
		backlog := func() (int64, time.Time) {
			t.Helper()
			n, oldest, err := db.OutboxBacklog(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n, oldest
		}
		if n, oldest := backlog(); n != 0 || !oldest.IsZero() {
			t.Fatalf("empty outbox: %d pending, oldest %v; want 0 and zero", n, oldest)
		}

		on := endpoint(t, db, smstrack.EventMessageFailed)
		paused := endpoint(t, db, smstrack.EventMessageFailed)
		first := enqueue(t, db, smstrack.EventMessageFailed)
		enqueue(t, db, smstrack.EventMessageFailed)
		enqueue(t, db, smstrack.EventMessageFailed)
		if n, oldest := backlog(); n != 6 || !oldest.Equal(first.CreatedAt) {
			t.Errorf("3 events to 2 endpoints: %d pending, oldest %v; want 6, %v", n, oldest, first.CreatedAt)
		}

		// A disabled endpoint's deliveries wait for no worker: not backlog.
		if _, err := db.SetEndpointEnabled(ctx, paused.ID, false, "paused"); err != nil {
			t.Fatal(err)
		}
		if n, _ := backlog(); n != 3 {
			t.Errorf("one endpoint disabled: %d pending, want 3", n)
		}

		// Delivered leaves the backlog; a failed attempt stays in it (retried).
		ds := claim(t, db)
		if len(ds) != 3 || ds[0].Endpoint.ID != on.ID {
			t.Fatalf("claimed %d deliveries", len(ds))
		}
		settle(t, db, ds[0], time.Now(), 204)
		settle(t, db, ds[1], time.Now(), 503)
		n, oldest := backlog()
		if n != 2 || !oldest.After(first.CreatedAt) {
			t.Errorf("after one delivery and one failure: %d pending, oldest %v; want 2, after the first event", n, oldest)
		}

		// A relay of a status callback has no endpoint and is backlog too.
		relayed := callback("SMrelay1", smstrack.StatusSent, "", time.Now())
		relayed.RelayTo = "https://app.example/status"
		apply(t, db, relayed)
		if n, _ := backlog(); n != 3 {
			t.Errorf("with a relay: %d pending, want 3", n)
		}
	})
}

func TestTimingsAndPools(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := open(t, dsn)
		var mu sync.Mutex
		var commits, syncs []time.Duration
		db.SetTimings(store.Timings{
			Commit:  func(d time.Duration) { mu.Lock(); commits = append(commits, d); mu.Unlock() },
			WALSync: func(d time.Duration) { mu.Lock(); syncs = append(syncs, d); mu.Unlock() },
		})
		at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		apply(t, db, callback("SMtime1", smstrack.StatusSent, "", at))
		apply(t, db, callback("SMtime1", smstrack.StatusDelivered, "", at.Add(time.Second)), callback("SMtime2", smstrack.StatusSent, "", at))

		mu.Lock()
		defer mu.Unlock()
		if len(commits) != 2 {
			t.Errorf("%d commits timed, want 2 (one per batch)", len(commits))
		}
		wantSyncs := db.Dialect() == "sqlite"
		if got := len(syncs) > 0; got != wantSyncs {
			t.Errorf("%s: %d write-ahead log syncs timed", db.Dialect(), len(syncs))
		}
		if err := db.Ping(context.Background()); err != nil { // a read
			t.Fatal(err)
		}
		pools := db.Pools()
		for name, p := range pools {
			if p.Stats().OpenConnections == 0 {
				t.Errorf("pool %s has no connection after use", name)
			}
		}
		if want := map[string]int{"sqlite": 2, "postgres": 1}[db.Dialect()]; len(pools) != want {
			t.Errorf("%d pools, want %d", len(pools), want)
		}
	})
}
