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

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// open is the store on dsn, closed when t ends.
func open(t *testing.T, dsn string) *store.DB {
	t.Helper()
	return testdb.Open(t, dsn)
}

// callback builds a webhook event for message sid with the given status.
func callback(sid string, status smstrack.Status, errCode string, at time.Time) *smstrack.EventInput {
	payload, _ := json.Marshal(map[string]string{"MessageSid": sid, "MessageStatus": string(status), "ErrorCode": errCode})
	in := &smstrack.EventInput{
		Key:   smstrack.Key{Provider: "twilio", Account: "AC1", ProviderID: sid},
		Event: smstrack.Event{Status: status, ErrorCode: errCode, Source: smstrack.SourceWebhook, ReceivedAt: at, Payload: payload},
		Facts: smstrack.Facts{From: "+15550001111", To: "+447700900123", Direction: smstrack.Outbound},
	}
	in.ComputeDedupeKey()
	return in
}

func apply(t *testing.T, db *store.DB, events ...*smstrack.EventInput) []smstrack.EventResult {
	t.Helper()
	res, err := db.ApplyEvents(context.Background(), events)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	return res
}

func TestApplyEventsOrderAndDuplicates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := open(t, dsn)
		ctx := context.Background()
		// delivered arrives first, then a late sent, then the delivered again.
		r := apply(t, db, callback("SM1", smstrack.StatusDelivered, "", t0.Add(2*time.Second)))
		apply(t, db, callback("SM1", smstrack.StatusSent, "", t0.Add(3*time.Second)))
		dup := apply(t, db, callback("SM1", smstrack.StatusDelivered, "", t0.Add(2*time.Second)))
		if !dup[0].Duplicate {
			t.Errorf("repeated callback: Duplicate = false, want true")
		}
		m, err := db.GetMessage(ctx, r[0].MessageID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != smstrack.StatusDelivered {
			t.Errorf("status = %s, want delivered", m.Status)
		}
		if len(m.Events) != 2 {
			t.Fatalf("events = %d, want 2 (duplicate stored once)", len(m.Events))
		}
		if got := m.State.Stages.At(smstrack.StatusSent); !got.Equal(t0.Add(2 * time.Second)) {
			t.Errorf("sent_at = %v, want clamped to delivered_at %v", got, t0.Add(2*time.Second))
		}
		if m.Events[1].Applied {
			t.Errorf("late sent event marked applied")
		}
		if m.From != "+15550001111" || m.Direction != smstrack.Outbound {
			t.Errorf("facts not kept: from %q direction %q", m.From, m.Direction)
		}
	})
}

func TestDuplicateWithinOneBatch(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := open(t, dsn)
		a := callback("SM2", smstrack.StatusSent, "", t0)
		b := callback("SM2", smstrack.StatusSent, "", t0)
		c := callback("SM2", smstrack.StatusUndelivered, "30003", t0.Add(time.Second))
		res := apply(t, db, a, b, c)
		if res[0].Duplicate || !res[1].Duplicate || res[2].Duplicate {
			t.Errorf("duplicates = %v %v %v, want false true false", res[0].Duplicate, res[1].Duplicate, res[2].Duplicate)
		}
		m, _ := db.GetMessage(context.Background(), res[0].MessageID)
		if m.Status != smstrack.StatusUndelivered || m.ErrorCode != "30003" {
			t.Errorf("got %s/%s, want undelivered/30003", m.Status, m.ErrorCode)
		}
	})
}

func TestReceiptBeforeSendMerges(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := open(t, dsn)
		ctx := context.Background()
		apply(t, db, callback("SM3", smstrack.StatusDelivered, "", t0.Add(5*time.Second)))
		body := "Your code is 123456"
		report := &smstrack.EventInput{
			Key:   smstrack.Key{Provider: "twilio", Account: "AC1", ProviderID: "SM3"},
			Event: smstrack.Event{Status: smstrack.StatusQueued, Source: smstrack.SourceAPI, ReceivedAt: t0.Add(6 * time.Second), Payload: []byte(`{"x":1}`)},
			Facts: smstrack.Facts{Body: &body, From: "+15550002222", Tags: map[string]string{"campaign": "otp"}, CreatedAt: t0},
		}
		report.ComputeDedupeKey()
		apply(t, db, report)
		m, err := db.FindMessage(ctx, report.Key)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != smstrack.StatusDelivered {
			t.Errorf("status = %s, want delivered (report must not regress it)", m.Status)
		}
		if m.Body == nil || *m.Body != body || m.From != "+15550002222" || !m.CreatedAt.Equal(t0) {
			t.Errorf("report not merged: body %v from %q created %v", m.Body, m.From, m.CreatedAt)
		}
		list, _, err := db.ListMessages(ctx, smstrack.MessageFilter{Tags: map[string]string{"campaign": "otp"}})
		if err != nil || len(list) != 1 || list[0].ID != m.ID {
			t.Errorf("tag filter: %v, %d messages", err, len(list))
		}
	})
}

func TestListMessagesFiltersAndCursor(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := open(t, dsn)
		ctx := context.Background()
		var batch []*smstrack.EventInput
		for i := range 25 {
			st := smstrack.StatusDelivered
			if i%5 == 0 {
				st = smstrack.StatusFailed
			}
			batch = append(batch, callback(fmt.Sprintf("SM%03d", i), st, "", t0.Add(time.Duration(i)*time.Second)))
		}
		apply(t, db, batch...)
		var all []*smstrack.Message
		cursor := ""
		for {
			page, next, err := db.ListMessages(ctx, smstrack.MessageFilter{Limit: 10, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page...)
			if next == "" {
				break
			}
			cursor = next
		}
		if len(all) != 25 {
			t.Fatalf("paged through %d messages, want 25", len(all))
		}
		for i := 1; i < len(all); i++ {
			if all[i].CreatedAt.After(all[i-1].CreatedAt) {
				t.Fatalf("not newest first at %d", i)
			}
		}
		failed, _, err := db.ListMessages(ctx, smstrack.MessageFilter{Status: smstrack.StatusFailed})
		if err != nil || len(failed) != 5 {
			t.Errorf("status filter: %v, %d messages, want 5", err, len(failed))
		}
		if _, _, err := db.ListMessages(ctx, smstrack.MessageFilter{Cursor: "!!"}); smstrack.ErrorCode(err) != smstrack.EINVALID {
			t.Errorf("bad cursor: err %v, want invalid", err)
		}
	})
}

func TestRejectedAndAPIKeys(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := open(t, dsn)
		ctx := context.Background()
		if err := db.RecordRejected(ctx, smstrack.RejectedRequest{Method: "POST", Path: "/webhooks/twilio/status", Reason: "missing MessageSid", Field: "MessageSid"}); err != nil {
			t.Fatal(err)
		}
		rej, err := db.ListRejected(ctx, 10)
		if err != nil || len(rej) != 1 || rej[0].Field != "MessageSid" {
			t.Fatalf("rejected: %v %+v", err, rej)
		}
		k, err := db.CreateAPIKey(ctx, "ci", "sk_abc", []byte{1, 2, 3})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := db.AuthenticateAPIKey(ctx, []byte{1, 2, 3}); err != nil || got.ID != k.ID {
			t.Fatalf("authenticate: %v", err)
		}
		if err := db.RevokeAPIKey(ctx, "ci"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AuthenticateAPIKey(ctx, []byte{1, 2, 3}); smstrack.ErrorCode(err) != smstrack.EUNAUTHORIZED {
			t.Errorf("revoked key: err %v, want unauthorized", err)
		}
		if err := db.RevokeAPIKey(ctx, "ci"); smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			t.Errorf("revoke twice: err %v, want not found", err)
		}
	})
}

// TestConcurrentStores has two independent store handles (as two processes
// would) apply interleaved callbacks for the same messages; the result must
// equal applying them all through one handle.
func TestConcurrentStores(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		a, b := open(t, dsn), open(t, dsn)
		var events []*smstrack.EventInput
		statuses := []smstrack.Status{smstrack.StatusQueued, smstrack.StatusSent, smstrack.StatusDelivered, smstrack.StatusSent}
		for i := range 200 {
			for j, st := range statuses {
				events = append(events, callback(fmt.Sprintf("SMC%03d", i%40), st, "", t0.Add(time.Duration(i*10+j)*time.Millisecond)))
			}
		}
		var wg sync.WaitGroup
		for w, db := range []*store.DB{a, b, a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w * 16; i < len(events); i += 4 * 16 {
					end := min(i+16, len(events))
					if _, err := db.ApplyEvents(ctx, events[i:end]); err != nil {
						t.Errorf("apply: %v", err)
						return
					}
				}
			}()
		}
		wg.Wait()
		list, _, err := a.ListMessages(ctx, smstrack.MessageFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 40 {
			t.Fatalf("messages = %d, want 40", len(list))
		}
		for _, m := range list {
			if m.Status != smstrack.StatusDelivered {
				t.Errorf("%s: status %s, want delivered", m.ProviderID, m.Status)
			}
		}
	})
}

// TestOddTextIsStoredAlike: NUL bytes and invalid UTF-8 (which PostgreSQL
// text refuses) are stored the same way on both databases, not refused.
func TestOddTextIsStoredAlike(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := open(t, dsn)
		body := "a\x00b\xffc"
		in := callback("SM\x00odd", smstrack.StatusReceived, "", t0)
		in.Facts.Body = &body
		in.Payload = []byte("{\"Body\":\"a\x00b\xff\"}")
		res := apply(t, db, in)
		m, err := db.GetMessage(context.Background(), res[0].MessageID)
		if err != nil {
			t.Fatal(err)
		}
		if *m.Body != "a\uFFFDb\uFFFDc" || m.ProviderID != "SM\uFFFDodd" {
			t.Errorf("body %q provider id %q", *m.Body, m.ProviderID)
		}
	})
}

func TestRetention(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db := open(t, dsn)
		body := "Your code is 834112"
		mk := func(sid string, at time.Time) *smstrack.EventInput {
			in := callback(sid, smstrack.StatusReceived, "", at)
			in.Facts.Body = &body
			in.Facts.Direction = smstrack.Inbound
			in.Payload, _ = json.Marshal(map[string]string{"MessageSid": sid, "Body": body})
			in.ComputeDedupeKey()
			return in
		}
		old := apply(t, db, mk("SMold", t0.Add(-40*24*time.Hour)))[0].MessageID
		recent := apply(t, db, mk("SMnew", t0))[0].MessageID
		n, err := db.ApplyRetention(ctx, t0.Add(-30*24*time.Hour), false)
		if err != nil || n != 1 {
			t.Fatalf("retention: %d, %v; want 1 message", n, err)
		}
		m, _ := db.GetMessage(ctx, old)
		if m.Body != nil || m.Content.BodyPolicy != "removed" || strings.Contains(string(m.Events[0].Payload), "834112") {
			t.Errorf("old message keeps its body: %v %q %s", m.Body, m.Content.BodyPolicy, m.Events[0].Payload)
		}
		if m, _ := db.GetMessage(ctx, recent); m.Body == nil || *m.Body != body {
			t.Errorf("recent message lost its body")
		}
		if n, _ := db.ApplyRetention(ctx, t0.Add(-30*24*time.Hour), false); n != 0 {
			t.Errorf("second run changed %d messages, want 0", n)
		}
		if n, err := db.ApplyRetention(ctx, t0.Add(-30*24*time.Hour), true); err != nil || n != 1 {
			t.Fatalf("delete: %d, %v", n, err)
		}
		if _, err := db.GetMessage(ctx, old); smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			t.Errorf("old message not deleted: %v", err)
		}
	})
}

func TestPartsAreKept(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := open(t, dsn)
		a := callback("MSG1", smstrack.StatusDelivered, "", t0)
		a.Part = smstrack.PartRef{ID: "p1", Index: 1, Count: 2}
		a.Facts.Network = smstrack.Network{MCC: "234", MNC: "15", Carrier: "Vodafone UK"}
		a.ComputeDedupeKey()
		b := callback("MSG1", smstrack.StatusDelivered, "", t0.Add(time.Second))
		b.Part = smstrack.PartRef{ID: "p2", Index: 2, Count: 2}
		b.Payload = []byte(`{"part":"p2"}`)
		b.ComputeDedupeKey()
		res := apply(t, db, a)
		m, _ := db.GetMessage(context.Background(), res[0].MessageID)
		if m.Status != smstrack.StatusPartiallyDelivered || len(m.State.Parts) != 1 || m.State.PartCount != 2 {
			t.Fatalf("after one part: %s %+v", m.Status, m.State.Parts)
		}
		apply(t, db, b)
		m, _ = db.GetMessage(context.Background(), res[0].MessageID)
		if m.Status != smstrack.StatusDelivered || len(m.State.Parts) != 2 || m.Events[1].Part.ID != "p2" || m.Network.MCC != "234" {
			t.Errorf("after both parts: %s parts %+v events %+v network %+v", m.Status, m.State.Parts, m.Events, m.Network)
		}
		list, _, err := db.ListMessages(context.Background(), smstrack.MessageFilter{Carrier: "Vodafone UK", Country: ""})
		if err != nil || len(list) != 1 {
			t.Errorf("carrier filter: %v %d", err, len(list))
		}
	})
}
