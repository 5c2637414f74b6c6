package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/testdb"
)

// TestEventsReachTheOutbox: what the ingest path, conversations and actions
// change is queued for subscribed endpoints in the same transaction.
func TestEventsReachTheOutbox(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db := open(t, dsn)
		// Nothing is queued while no endpoint listens.
		apply(t, db, callback("SMquiet", smstrack.StatusSent, "", t0))
		if due, _ := db.ClaimDue(ctx, 100, time.Minute); len(due) != 0 {
			t.Fatalf("events queued without endpoints: %d", len(due))
		}
		if _, err := db.CreateEndpoint(ctx, smstrack.Endpoint{URL: "https://hooks.example/all", Secret: "whsec_dGVzdA==", Enabled: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateEndpoint(ctx, smstrack.Endpoint{URL: "https://hooks.example/failures", Secret: "whsec_dGVzdA==",
			EventTypes: []string{smstrack.EventMessageFailed}, Enabled: true}); err != nil {
			t.Fatal(err)
		}
		ours, them := "+14155550100", "+447400123456"
		sent := apply(t, db, callbackTo("SMe1", them, ours, smstrack.StatusSent, "", t0.Add(time.Second)))[0]
		apply(t, db, callbackTo("SMe1", them, ours, smstrack.StatusSent, "", t0.Add(time.Second))) // duplicate: nothing
		apply(t, db, callbackTo("SMe1", them, ours, smstrack.StatusUndelivered, "30003", t0.Add(2*time.Second)))
		apply(t, db, message("SMe2", smstrack.Inbound, them, ours, "STOP", t0.Add(3*time.Second)))
		if _, err := db.RecordAction(ctx, smstrack.Action{MessageID: sent.MessageID, Type: smstrack.ActionReplied, At: t0, Source: "api"}); err != nil {
			t.Fatal(err)
		}

		due, err := db.ClaimDue(ctx, 100, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, d := range due {
			got[d.Event.Type+" -> "+d.Endpoint.URL]++
			var p map[string]any
			if err := json.Unmarshal(d.Event.Payload, &p); err != nil {
				t.Fatalf("payload %s: %v", d.Event.Payload, err)
			}
		}
		want := map[string]int{
			"message.status_changed -> https://hooks.example/all": 3, // sent (new), undelivered, received (inbound)
			"message.failed -> https://hooks.example/all":         1,
			"message.failed -> https://hooks.example/failures":    1,
			"message.received -> https://hooks.example/all":       1,
			"conversation.opted_out -> https://hooks.example/all": 1,
			"action.created -> https://hooks.example/all":         1,
		}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("%s: %d deliveries, want %d (all: %v)", k, got[k], n, got)
			}
		}
		if len(due) != 8 {
			t.Errorf("%d deliveries in all, want 8: %v", len(due), got)
		}
	})
}
