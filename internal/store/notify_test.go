package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
)

// endpoint creates an enabled endpoint subscribed to types (none: all).
func endpoint(t *testing.T, db *store.DB, types ...string) *smstrack.Endpoint {
	t.Helper()
	e, err := db.CreateEndpoint(context.Background(), smstrack.Endpoint{URL: "https://hooks.example/in", Secret: "whsec_dGVzdA==", EventTypes: types})
	if err != nil {
		t.Fatalf("create endpoint: %v", err)
	}
	return e
}

// enqueue records an event of type typ.
func enqueue(t *testing.T, db *store.DB, typ string) *smstrack.OutboxEvent {
	t.Helper()
	ev, err := db.Enqueue(context.Background(), typ, json.RawMessage(`{"message_id": 1}`))
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return ev
}

// claim claims every due delivery.
func claim(t *testing.T, db *store.DB) []smstrack.Delivery {
	t.Helper()
	ds, err := db.ClaimDue(context.Background(), 1000, time.Minute)
	if err != nil {
		t.Fatalf("claim: %v", err)
	}
	return ds
}

// settle records one attempt on d made at at with an HTTP status.
func settle(t *testing.T, db *store.DB, d smstrack.Delivery, at time.Time, status int) {
	t.Helper()
	a := smstrack.DeliveryAttempt{EventID: d.Event.ID, EndpointID: d.Endpoint.ID, Attempt: d.Attempt, At: at, Status: status, LatencyMs: 3, ResponseExcerpt: "ok"}
	if err := db.RecordAttempts(context.Background(), []smstrack.AttemptResult{{Delivery: d, Attempt: a}}); err != nil {
		t.Fatalf("record attempt: %v", err)
	}
}

func TestEndpointsAndFanOut(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db, ctx := open(t, dsn), context.Background()
		all := endpoint(t, db)
		statuses := endpoint(t, db, smstrack.EventMessageStatusChanged)
		off := endpoint(t, db)
		if all.Secret == "" || !all.Enabled || all.ID == 0 {
			t.Fatalf("created %+v", all)
		}
		if _, err := db.SetEndpointEnabled(ctx, off.ID, false, "paused by hand"); err != nil {
			t.Fatal(err)
		}
		list, err := db.ListEndpoints(ctx)
		if err != nil || len(list) != 3 {
			t.Fatalf("list: %v %v", list, err)
		}
		for _, e := range list {
			if e.Secret != "" {
				t.Errorf("endpoint %d listed with its secret", e.ID)
			}
		}
		if list[2].Enabled || list[2].DisabledReason != "paused by hand" || list[1].EventTypes[0] != smstrack.EventMessageStatusChanged {
			t.Errorf("list: %+v", list)
		}

		received := enqueue(t, db, smstrack.EventMessageReceived)
		changed := enqueue(t, db, smstrack.EventMessageStatusChanged)
		got := map[string]bool{}
		for _, d := range claim(t, db) {
			got[fmt.Sprint(d.Event.ID, "->", d.Endpoint.ID)] = true
			if d.Endpoint.Secret == "" || d.Attempt != 1 || string(d.Event.Payload) != `{"message_id":1}` {
				t.Errorf("claimed %+v", d)
			}
		}
		want := map[string]bool{
			fmt.Sprint(received.ID, "->", all.ID): true,
			fmt.Sprint(changed.ID, "->", all.ID):  true, fmt.Sprint(changed.ID, "->", statuses.ID): true,
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("deliveries: got %v, want %v", got, want)
		}
		if again := claim(t, db); len(again) != 0 {
			t.Errorf("claimed %d leased deliveries again", len(again))
		}

		if _, err := db.Enqueue(ctx, "message.exploded", json.RawMessage(`{}`)); smstrack.ErrorCode(err) != smstrack.EINVALID {
			t.Errorf("unknown type: got %v", err)
		}
		if _, err := db.CreateEndpoint(ctx, smstrack.Endpoint{URL: "ftp://x", Secret: "s"}); smstrack.ErrorCode(err) != smstrack.EINVALID {
			t.Errorf("bad url: got %v", err)
		}
		if err := db.DeleteEndpoint(ctx, all.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteEndpoint(ctx, all.ID); smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			t.Errorf("delete twice: got %v", err)
		}
	})
}

func TestDeliveryRetriesAndDies(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db, ctx := open(t, dsn), context.Background()
		e := endpoint(t, db)
		ev := enqueue(t, db, smstrack.EventMessageFailed)

		// Attempts stamped in the past make each retry due now.
		past := time.Now().Add(-2 * time.Hour)
		for n := 1; n <= smstrack.MaxDeliveryAttempts; n++ {
			ds := claim(t, db)
			if len(ds) != 1 || ds[0].Attempt != n {
				t.Fatalf("attempt %d: claimed %+v", n, ds)
			}
			settle(t, db, ds[0], past, 503)
		}
		if ds := claim(t, db); len(ds) != 0 {
			t.Errorf("a dead delivery was claimed: %+v", ds)
		}
		log, err := db.ListAttempts(ctx, e.ID, 500)
		if err != nil || len(log) != smstrack.MaxDeliveryAttempts {
			t.Fatalf("attempt log: %d %v", len(log), err)
		}
		if log[0].Status != 503 || log[0].EventID != ev.ID || log[0].LatencyMs != 3 {
			t.Errorf("newest attempt: %+v", log[0])
		}

		// A replay starts the dead delivery over.
		if n, err := db.ReplayDeliveries(ctx, e.ID, smstrack.Replay{EventID: ev.ID}); err != nil || n != 1 {
			t.Fatalf("replay: %d %v", n, err)
		}
		ds := claim(t, db)
		if len(ds) != 1 || ds[0].Attempt != 1 {
			t.Fatalf("after replay: %+v", ds)
		}
		settle(t, db, ds[0], time.Now(), 500)
		if again := claim(t, db); len(again) != 0 {
			t.Fatalf("a failed delivery is due at once: %+v", again)
		}
		second := enqueue(t, db, smstrack.EventMessageFailed)
		ds = claim(t, db)
		if len(ds) != 1 || ds[0].Event.ID != second.ID {
			t.Fatalf("claimed %+v, want the second event only", ds)
		}
		settle(t, db, ds[0], time.Now(), 204)
		if ds := claim(t, db); len(ds) != 0 {
			t.Errorf("a delivered delivery was claimed: %+v", ds)
		}
	})
}

func TestEndpointDisabledWhenFailing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db, ctx := open(t, dsn), context.Background()
		t.Run("dead deliveries", func(t *testing.T) {
			e := endpoint(t, db, smstrack.EventActionCreated)
			for range smstrack.DisableAfterDead {
				enqueue(t, db, smstrack.EventActionCreated)
			}
			past := time.Now().Add(-2 * time.Hour)
			for range smstrack.MaxDeliveryAttempts {
				for _, d := range claim(t, db) {
					settle(t, db, d, past, 410)
				}
			}
			got, err := db.GetEndpoint(ctx, e.ID)
			if err != nil || got.Enabled || !strings.Contains(got.DisabledReason, "consecutive dead") {
				t.Errorf("got %+v %v, want disabled with a reason", got, err)
			}
			if got, _ := db.SetEndpointEnabled(ctx, e.ID, true, ""); !got.Enabled || got.DisabledReason != "" {
				t.Errorf("enable: %+v", got)
			}
			if _, err := db.SetEndpointEnabled(ctx, e.ID, false, "done"); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("failing for a day", func(t *testing.T) {
			e := endpoint(t, db, smstrack.EventConversationOptedOut)
			enqueue(t, db, smstrack.EventConversationOptedOut)
			ds := claim(t, db)
			settle(t, db, ds[0], time.Now().Add(-25*time.Hour), 0)
			ds = claim(t, db)
			if len(ds) != 1 {
				t.Fatalf("claimed %d", len(ds))
			}
			settle(t, db, ds[0], time.Now(), 500)
			got, _ := db.GetEndpoint(ctx, e.ID)
			if got.Enabled || !strings.Contains(got.DisabledReason, "without a success") {
				t.Errorf("got %+v, want disabled", got)
			}
			enqueue(t, db, smstrack.EventConversationOptedOut)
			if ds := claim(t, db); len(ds) != 0 {
				t.Errorf("a disabled endpoint's delivery was claimed: %+v", ds)
			}
		})
	})
}

func TestReplayRange(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db, ctx := open(t, dsn), context.Background()
		start := time.Now()
		enqueue(t, db, smstrack.EventMessageReceived)
		enqueue(t, db, smstrack.EventMessageFailed)
		e := endpoint(t, db, smstrack.EventMessageFailed) // created after the events
		if n, err := db.ReplayDeliveries(ctx, e.ID, smstrack.Replay{From: start.Add(-time.Second), To: time.Now().Add(time.Second)}); err != nil || n != 1 {
			t.Fatalf("replay: %d %v, want the one subscribed event", n, err)
		}
		if ds := claim(t, db); len(ds) != 1 || ds[0].Event.Type != smstrack.EventMessageFailed {
			t.Errorf("claimed %+v", ds)
		}
		for _, c := range []struct {
			name string
			id   int64
			r    smstrack.Replay
			code string
		}{
			{"unknown endpoint", e.ID + 100, smstrack.Replay{EventID: 1}, smstrack.ENOTFOUND},
			{"unknown event", e.ID, smstrack.Replay{EventID: 9999}, smstrack.ENOTFOUND},
			{"empty", e.ID, smstrack.Replay{}, smstrack.EINVALID},
			{"backwards", e.ID, smstrack.Replay{From: start, To: start.Add(-time.Hour)}, smstrack.EINVALID},
		} {
			if _, err := db.ReplayDeliveries(ctx, c.id, c.r); smstrack.ErrorCode(err) != c.code {
				t.Errorf("%s: got %v, want %s", c.name, err, c.code)
			}
		}
	})
}

// TestConcurrentClaimersSplitTheWork runs claimers side by side on one
// database: every delivery is claimed by exactly one of them.
func TestConcurrentClaimersSplitTheWork(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := open(t, dsn)
		other, err := store.Open(context.Background(), dsn) // a second instance
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		endpoint(t, db)
		const events = 300
		for range events {
			enqueue(t, db, smstrack.EventMessageReceived)
		}
		var (
			mu     sync.Mutex
			claims = map[int64]int{}
			wg     sync.WaitGroup
		)
		for i := range 8 {
			claimer := db
			if i%2 == 1 {
				claimer = other
			}
			wg.Go(func() {
				for {
					ds, err := claimer.ClaimDue(context.Background(), 7, time.Minute)
					if err != nil {
						t.Error(err)
						return
					}
					if len(ds) == 0 {
						return
					}
					mu.Lock()
					for _, d := range ds {
						claims[d.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(claims) != events {
			t.Errorf("claimed %d deliveries, want %d", len(claims), events)
		}
		for id, n := range claims {
			if n != 1 {
				t.Errorf("delivery %d claimed %d times", id, n)
			}
		}
	})
}

func TestRotateEndpointSecret(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db, ctx := open(t, dsn), context.Background()
		e := endpoint(t, db)
		until := time.Now().Add(time.Hour)
		rotated, err := db.RotateEndpointSecret(ctx, e.ID, "whsec_bmV3", until)
		if err != nil {
			t.Fatal(err)
		}
		if rotated.Secret != "whsec_bmV3" || rotated.PreviousSecretExpiresAt == nil || rotated.PreviousSecretExpiresAt.Unix() != until.Unix() {
			t.Errorf("rotated: secret %q, previous until %v", rotated.Secret, rotated.PreviousSecretExpiresAt)
		}
		enqueue(t, db, smstrack.EventMessageFailed)
		d := claim(t, db)[0]
		if d.Endpoint.Secret != "whsec_bmV3" || d.Endpoint.PreviousSecret != e.Secret {
			t.Errorf("claimed with secrets %q and %q, want the new and the old", d.Endpoint.Secret, d.Endpoint.PreviousSecret)
		}
		if got, _ := db.GetEndpoint(ctx, e.ID); got.Secret != "" || got.PreviousSecret != "" || got.PreviousSecretExpiresAt == nil {
			t.Errorf("read back: %+v (no secret may show, the grace period must)", got)
		}
		// No grace: the new secret alone, at once.
		if _, err := db.RotateEndpointSecret(ctx, e.ID, "whsec_bmV3ZXI=", time.Now()); err != nil {
			t.Fatal(err)
		}
		settle(t, db, d, time.Now().Add(-2*time.Hour), 500)
		d = claim(t, db)[0]
		if d.Endpoint.Secret != "whsec_bmV3ZXI=" || d.Endpoint.PreviousSecret != "" {
			t.Errorf("claimed with secrets %q and %q, want the newest alone", d.Endpoint.Secret, d.Endpoint.PreviousSecret)
		}
		if _, err := db.RotateEndpointSecret(ctx, 999, "whsec_bmV3", until); smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			t.Errorf("unknown endpoint: %v", err)
		}
	})
}

func TestCleanOutbox(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db, ctx := open(t, dsn), context.Background()
		e := endpoint(t, db)
		now := time.Now()
		byEvent := map[int64]smstrack.Delivery{}
		var old, recent, dead int64
		for _, p := range []*int64{&old, &recent, &dead} {
			*p = enqueue(t, db, smstrack.EventMessageFailed).ID
		}
		for _, d := range claim(t, db) {
			byEvent[d.Event.ID] = d
		}
		settle(t, db, byEvent[old], now.Add(-3*time.Hour), 200)
		settle(t, db, byEvent[recent], now, 204)
		d := byEvent[dead]
		for d.Attempt < smstrack.MaxDeliveryAttempts {
			settle(t, db, d, now.Add(-3*time.Hour), 500)
			d = claim(t, db)[0]
		}
		settle(t, db, d, now.Add(-2*time.Hour), 500) // the last: dead two hours ago
		pending := enqueue(t, db, smstrack.EventMessageFailed).ID

		got, err := db.CleanOutbox(ctx, now.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if want := (smstrack.OutboxCleanup{Deliveries: 2, Attempts: 1 + smstrack.MaxDeliveryAttempts}); got != want {
			t.Errorf("cleanup an hour back removed %+v, want %+v", got, want)
		}
		if log, _ := db.ListAttempts(ctx, e.ID, 100); len(log) != 1 || log[0].EventID != recent {
			t.Errorf("attempt log after cleanup: %+v, want the recent one alone", log)
		}
		// Later the recent delivery is old too, and events no delivery needs go;
		// the pending one stays with its event.
		got, err = db.CleanOutbox(ctx, now.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if want := (smstrack.OutboxCleanup{Deliveries: 1, Attempts: 1, Events: 3}); got != want {
			t.Errorf("second cleanup removed %+v, want %+v", got, want)
		}
		left := claim(t, db)
		if len(left) != 1 || left[0].Event.ID != pending {
			t.Errorf("left %+v, want the pending delivery", left)
		}
		if _, err := db.ReplayDeliveries(ctx, e.ID, smstrack.Replay{EventID: old}); smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			t.Errorf("replay of a removed event: %v, want not found", err)
		}
	})
}
