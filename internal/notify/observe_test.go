package notify_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/notify"
	"github.com/smstrack/smstrack/internal/testdb"
)

// TestOnAttemptSeesEveryAttempt: the metrics hook hears of each attempt,
// with its answer, before the attempt is recorded.
func TestOnAttemptSeesEveryAttempt(t *testing.T) {
	db, ctx := testdb.Open(t, testdb.DSN(t, "sqlite")), context.Background()
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(receiver.Close)
	if _, err := db.CreateEndpoint(ctx, smstrack.Endpoint{URL: receiver.URL, Secret: notify.GenerateSecret()}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := db.Enqueue(ctx, smstrack.EventMessageReceived, json.RawMessage(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	var heard []smstrack.DeliveryAttempt
	recorded := make(chan []smstrack.AttemptResult, 8)
	opts := notify.Options{PollInterval: 10 * time.Millisecond, Guard: notify.Guard{AllowPrivate: true},
		OnAttempt: func(a smstrack.DeliveryAttempt) { mu.Lock(); heard = append(heard, a); mu.Unlock() }}
	stop := run(notify.NewWorker(hurriedStore{DB: db, recorded: recorded}, discard, opts))
	got := 0 // the batches are the worker's buffer: only their length is read here
	for got < 2 {
		select {
		case rs := <-recorded:
			got += len(rs)
		case <-time.After(10 * time.Second):
			t.Fatalf("%d attempts recorded, want 2", got)
		}
	}
	stop()
	mu.Lock()
	defer mu.Unlock()
	if len(heard) < got {
		t.Fatalf("the hook heard %d attempts, %d were recorded", len(heard), got)
	}
	for _, a := range heard {
		if a.Status != http.StatusServiceUnavailable || a.Succeeded() {
			t.Errorf("heard %+v, want a 503", a)
		}
	}
}
