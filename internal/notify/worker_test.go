package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/notify"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
)

// hurriedStore stamps failed attempts two hours back, so their retries are
// due at once instead of seconds later, and reports every batch it records.
type hurriedStore struct {
	*store.DB
	recorded chan []smstrack.AttemptResult
}

func (s hurriedStore) RecordAttempts(ctx context.Context, rs []smstrack.AttemptResult) error {
	for i := range rs {
		if !rs[i].Attempt.Succeeded() {
			rs[i].Attempt.At = rs[i].Attempt.At.Add(-2 * time.Hour)
		}
	}
	err := s.DB.RecordAttempts(ctx, rs)
	if s.recorded != nil {
		s.recorded <- rs
	}
	return err
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// run starts the worker and returns a function that stops it and waits.
func run(w *notify.Worker) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	return func() { cancel(); <-done }
}

// TestDeliveryToAFlakyReceiver delivers through 500s, timeouts and slow
// answers: the receiver, deduplicating on webhook-id, sees every event
// exactly once, always validly signed.
func TestDeliveryToAFlakyReceiver(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db, ctx := testdb.Open(t, dsn), context.Background()
		const events = 60
		var (
			mu         sync.Mutex
			requests   = map[string]int{} // webhook-id -> requests seen
			badSig     int
			answered   = map[string]bool{} // ids answered 2xx in time
			allIn      = make(chan struct{})
			types      = map[string]string{}
			secret     string
			timeoutDur = 300 * time.Millisecond
		)
		receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			id := r.Header.Get("webhook-id")
			mu.Lock()
			if verify(secret, r.Header, body, time.Now()) != nil {
				badSig++
			}
			requests[id]++
			n := requests[id]
			var env notify.Body
			json.Unmarshal(body, &env)
			types[id] = env.Type
			mu.Unlock()
			var num int
			fmt.Sscanf(id, "evt_%d", &num)
			if n == 1 {
				switch num % 4 {
				case 0:
					http.Error(w, "try later", http.StatusInternalServerError)
					return
				case 1: // processed, but answered after the sender gave up
					select {
					case <-time.After(2 * timeoutDur):
					case <-r.Context().Done():
					}
					return
				case 2: // slow, yet in time
					time.Sleep(timeoutDur / 3)
				}
			}
			w.WriteHeader(http.StatusNoContent)
			mu.Lock()
			answered[id] = true
			if len(answered) == events {
				close(allIn)
			}
			mu.Unlock()
		}))
		t.Cleanup(receiver.Close)

		e, err := db.CreateEndpoint(ctx, smstrack.Endpoint{URL: receiver.URL + "/hooks", Secret: notify.GenerateSecret()})
		if err != nil {
			t.Fatal(err)
		}
		secret = e.Secret
		for range events {
			if _, err := db.Enqueue(ctx, smstrack.EventMessageStatusChanged, json.RawMessage(`{"status":"delivered"}`)); err != nil {
				t.Fatal(err)
			}
		}
		w := notify.NewWorker(hurriedStore{DB: db}, discard, notify.Options{Concurrency: 8, Timeout: timeoutDur,
			PollInterval: 20 * time.Millisecond, Guard: notify.Guard{AllowPrivate: true}})
		stop := run(w)
		select {
		case <-allIn:
		case <-time.After(30 * time.Second):
			t.Fatalf("not every event was answered in time: %d of %d", len(answered), events)
		}
		stop()

		mu.Lock()
		defer mu.Unlock()
		if len(requests) != events || badSig != 0 {
			t.Errorf("receiver saw %d distinct events (want %d), %d bad signatures", len(requests), events, badSig)
		}
		for id, typ := range types {
			if typ != smstrack.EventMessageStatusChanged {
				t.Errorf("%s: type %q", id, typ)
			}
		}
		if left, err := db.ClaimDue(ctx, 100, time.Minute); err != nil || len(left) != 0 {
			t.Errorf("deliveries left after all were answered: %d %v", len(left), err)
		}
		log, err := db.ListAttempts(ctx, e.ID, 500)
		if err != nil {
			t.Fatal(err)
		}
		var ok, failed, timedOut int
		for _, a := range log {
			switch {
			case a.Succeeded():
				ok++
			case a.Status == 500 && a.ResponseExcerpt == "try later\n":
				failed++
			case a.Status == 0 && a.Error != "":
				timedOut++
			}
		}
		if ok != events || failed != events/4 || timedOut != events/4 {
			t.Errorf("attempt log: %d ok, %d 500s, %d timeouts; want %d, %d, %d", ok, failed, timedOut, events, events/4, events/4)
		}
	})
}

// TestPrivateDestinationRefused checks the guard at connect time: a local
// receiver is never reached unless allowed, and the attempt says why.
func TestPrivateDestinationRefused(t *testing.T) {
	db, ctx := testdb.Open(t, testdb.DSN(t, "sqlite")), context.Background()
	var hits int
	var mu sync.Mutex
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
	}))
	t.Cleanup(receiver.Close)
	// A public-looking name that resolves to loopback: only the dial-time check can catch it.
	url := strings.Replace(receiver.URL, "127.0.0.1", "localhost", 1)
	e, err := db.CreateEndpoint(ctx, smstrack.Endpoint{URL: url, Secret: notify.GenerateSecret()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Enqueue(ctx, smstrack.EventMessageReceived, json.RawMessage(`{}`)); err != nil {
		t.Fatal(err)
	}
	recorded := make(chan []smstrack.AttemptResult, 4)
	stop := run(notify.NewWorker(hurriedStore{DB: db, recorded: recorded}, discard, notify.Options{PollInterval: 10 * time.Millisecond}))
	var got []smstrack.AttemptResult
	select {
	case got = <-recorded:
	case <-time.After(10 * time.Second):
		t.Fatal("no attempt recorded")
	}
	stop()
	mu.Lock()
	defer mu.Unlock()
	if hits != 0 {
		t.Errorf("the receiver was reached %d times", hits)
	}
	if a := got[0].Attempt; a.Status != 0 || !strings.Contains(a.Error, "refused") || !strings.Contains(a.Error, "loopback") {
		t.Errorf("attempt %+v, want refused as loopback", a)
	}
	if log, _ := db.ListAttempts(ctx, e.ID, 10); len(log) == 0 || !strings.Contains(log[0].Error, "refused") {
		t.Errorf("attempt log: %+v", log)
	}
}

// BenchmarkDelivery measures end-to-end delivery to a local receiver:
// claim, sign, post, record. Run with -benchtime=5000x for a stable figure.
func BenchmarkDelivery(b *testing.B) {
	for _, kind := range testdb.Kinds {
		b.Run(kind, func(b *testing.B) {
			db, ctx := testdb.Open(b, testdb.DSN(b, kind)), context.Background()
			var (
				mu   sync.Mutex
				seen = map[string]bool{}
				done = make(chan struct{})
			)
			n := b.N
			receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				w.WriteHeader(http.StatusNoContent)
				mu.Lock()
				if !seen[r.Header.Get("webhook-id")] {
					seen[r.Header.Get("webhook-id")] = true
					if len(seen) == n {
						close(done)
					}
				}
				mu.Unlock()
			}))
			b.Cleanup(receiver.Close)
			if _, err := db.CreateEndpoint(ctx, smstrack.Endpoint{URL: receiver.URL, Secret: notify.GenerateSecret()}); err != nil {
				b.Fatal(err)
			}
			payload := json.RawMessage(`{"message_id":123456,"status":"delivered","provider":"twilio","to":"+14155550100"}`)
			for range n {
				if _, err := db.Enqueue(ctx, smstrack.EventMessageStatusChanged, payload); err != nil {
					b.Fatal(err)
				}
			}
			w := notify.NewWorker(db, discard, notify.Options{Concurrency: 64, PollInterval: 10 * time.Millisecond,
				Guard: notify.Guard{AllowPrivate: true}})
			b.ResetTimer()
			start := time.Now()
			stop := run(w)
			<-done
			elapsed := time.Since(start)
			b.StopTimer()
			stop()
			b.ReportMetric(float64(n)/elapsed.Seconds(), "webhooks/s")
		})
	}
}

// TestRotationSignsWithBothSecrets: during a rotation's grace period a
// receiver holding either secret verifies the delivery; after it, only
// the new one does.
func TestRotationSignsWithBothSecrets(t *testing.T) {
	db, ctx := testdb.Open(t, testdb.DSN(t, "sqlite")), context.Background()
	type got struct {
		header http.Header
		body   []byte
	}
	arrived := make(chan got, 4)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		arrived <- got{r.Header.Clone(), body}
	}))
	t.Cleanup(receiver.Close)
	e, err := db.CreateEndpoint(ctx, smstrack.Endpoint{URL: receiver.URL, Secret: notify.GenerateSecret()})
	if err != nil {
		t.Fatal(err)
	}
	deliver := func(until time.Time) (got, string) {
		t.Helper()
		r, err := db.RotateEndpointSecret(ctx, e.ID, notify.GenerateSecret(), until)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Enqueue(ctx, smstrack.EventMessageFailed, json.RawMessage(`{}`)); err != nil {
			t.Fatal(err)
		}
		stop := run(notify.NewWorker(db, discard, notify.Options{PollInterval: 10 * time.Millisecond, Guard: notify.Guard{AllowPrivate: true}}))
		defer stop()
		select {
		case g := <-arrived:
			return g, r.Secret
		case <-time.After(10 * time.Second):
			t.Fatal("nothing delivered")
		}
		return got{}, ""
	}
	old := e.Secret
	g, current := deliver(time.Now().Add(time.Hour))
	if n := len(strings.Fields(g.header.Get(notify.HeaderSignature))); n != 2 {
		t.Errorf("%d signatures during the grace period, want 2", n)
	}
	for _, s := range []string{current, old} {
		if err := verify(s, g.header, g.body, time.Now()); err != nil {
			t.Errorf("during the grace period: %v", err)
		}
	}
	previous := current
	g, current = deliver(time.Now()) // no grace
	if err := verify(current, g.header, g.body, time.Now()); err != nil {
		t.Errorf("new secret: %v", err)
	}
	if err := verify(previous, g.header, g.body, time.Now()); err == nil {
		t.Error("the replaced secret still verifies without a grace period")
	}
}
