package ingest_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/ingest"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
)

func event(sid string, st smstrack.Status) *smstrack.EventInput {
	in := &smstrack.EventInput{
		Key:   smstrack.Key{Provider: "twilio", Account: "AC1", ProviderID: sid},
		Event: smstrack.Event{Status: st, Source: smstrack.SourceWebhook, ReceivedAt: time.Now(), Payload: []byte(`{"MessageSid":"` + sid + `","MessageStatus":"` + string(st) + `"}`)},
	}
	in.ComputeDedupeKey()
	return in
}

// TestConcurrentIngestCommitsEverything sends many events from many
// goroutines; every acknowledged event must be readable afterwards.
func TestConcurrentIngestCommitsEverything(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		c := ingest.NewCommitter(db, slog.New(slog.NewTextHandler(io.Discard, nil)), ingest.Options{Workers: 2})
		var wg sync.WaitGroup
		var mu sync.Mutex
		acked := map[int64]int{}
		for g := range 32 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 20 {
					sid := fmt.Sprintf("SM%02d%02d", g, i)
					for _, st := range []smstrack.Status{smstrack.StatusSent, smstrack.StatusDelivered, smstrack.StatusDelivered} {
						res, err := c.Ingest(context.Background(), event(sid, st))
						if err != nil {
							t.Errorf("ingest: %v", err)
							return
						}
						mu.Lock()
						if !res.Duplicate {
							acked[res.MessageID]++
						}
						mu.Unlock()
					}
				}
			}()
		}
		wg.Wait()
		c.Close()
		if _, err := c.Ingest(context.Background(), event("late", smstrack.StatusSent)); smstrack.ErrorCode(err) != smstrack.EUNAVAILABLE {
			t.Errorf("ingest after close: err %v, want unavailable", err)
		}
		if len(acked) != 640 {
			t.Fatalf("messages acknowledged = %d, want 640", len(acked))
		}
		for id, n := range acked {
			m, err := db.GetMessage(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Events) != n || n != 2 || m.Status != smstrack.StatusDelivered {
				t.Fatalf("message %d: %d events (acked %d), status %s; want 2 events, delivered", id, len(m.Events), n, m.Status)
			}
		}
	})
}

// TestOnBatchReportsEveryTransaction: the batch hook sees every event once,
// in transactions no larger than MaxBatch, and the queue drains.
func TestOnBatchReportsEveryTransaction(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var mu sync.Mutex
		var batches, events, committed int
		opts := ingest.Options{MaxBatch: 8, Workers: 2,
			OnBatch: func(n int, took time.Duration, err error) {
				mu.Lock()
				defer mu.Unlock()
				if n < 1 || n > 8 || took <= 0 || err != nil {
					t.Errorf("batch of %d took %v, err %v", n, took, err)
				}
				batches++
				events += n
			},
			OnCommit: func(*smstrack.EventInput, smstrack.EventResult) { mu.Lock(); committed++; mu.Unlock() },
		}
		c := ingest.NewCommitter(db, slog.New(slog.NewTextHandler(io.Discard, nil)), opts)
		if c.QueueCap() < 8 {
			t.Errorf("queue capacity %d, want at least one batch", c.QueueCap())
		}
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := c.Ingest(context.Background(), event(fmt.Sprintf("SMbatch%02d", i), smstrack.StatusSent)); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		c.Close()
		mu.Lock()
		defer mu.Unlock()
		if events != 40 || committed != 40 || batches < 5 {
			t.Errorf("%d events in %d batches, %d committed; want 40 in at least 5, 40", events, batches, committed)
		}
		if c.Queued() != 0 {
			t.Errorf("%d events still queued after Close", c.Queued())
		}
	})
}
