package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
)

// record stores an action of type typ on message id at t.
func record(t *testing.T, db *store.DB, id int64, typ smstrack.ActionType, at time.Time) *smstrack.Action {
	t.Helper()
	a, err := db.RecordAction(context.Background(), smstrack.Action{MessageID: id, Type: typ, At: at, Source: "api"})
	if err != nil {
		t.Fatalf("record %s on %d: %v", typ, id, err)
	}
	return a
}

func TestActionsRecordAndList(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db, ctx := open(t, dsn), context.Background()
		id := apply(t, db, callback("SMa1", smstrack.StatusDelivered, "", t0))[0].MessageID

		later := record(t, db, id, smstrack.ActionClicked, t0.Add(20*time.Second))
		first, err := db.RecordAction(ctx, smstrack.Action{MessageID: id, Type: smstrack.ActionConfirmed,
			At: t0.Add(10 * time.Second), Source: "api", Data: json.RawMessage(`{ "code" : "1234" }`)})
		if err != nil {
			t.Fatal(err)
		}
		if first.ID == 0 || first.ID == later.ID || first.CreatedAt.IsZero() {
			t.Errorf("recorded action %+v: want a new id and a creation time", first)
		}
		list, err := db.ListActions(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != first.ID || list[1].ID != later.ID {
			t.Fatalf("got %+v, want the confirmation then the click", list)
		}
		if got, want := string(list[0].Data), `{"code":"1234"}`; got != want {
			t.Errorf("data: got %s, want %s", got, want)
		}
		if !list[0].At.Equal(t0.Add(10*time.Second)) || list[0].Source != "api" || list[0].MessageID != id {
			t.Errorf("got %+v", list[0])
		}
		if list[1].Data != nil {
			t.Errorf("action without data came back with %s", list[1].Data)
		}

		other := apply(t, db, callback("SMa2", smstrack.StatusSent, "", t0))[0].MessageID
		if list, err := db.ListActions(ctx, other); err != nil || len(list) != 0 {
			t.Errorf("message without actions: got %v, %v; want an empty list", list, err)
		}
	})
}

func TestActionsRefused(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db, ctx := open(t, dsn), context.Background()
		id := apply(t, db, callback("SMb1", smstrack.StatusSent, "", t0))[0].MessageID
		for _, c := range []struct {
			name string
			a    smstrack.Action
			code string
		}{
			{"unknown message", smstrack.Action{MessageID: id + 1000, Type: smstrack.ActionConfirmed, At: t0, Source: "api"}, smstrack.ENOTFOUND},
			{"unknown type", smstrack.Action{MessageID: id, Type: "waved", At: t0, Source: "api"}, smstrack.EINVALID},
			{"no time", smstrack.Action{MessageID: id, Type: smstrack.ActionConfirmed, Source: "api"}, smstrack.EINVALID},
			{"bad data", smstrack.Action{MessageID: id, Type: smstrack.ActionConfirmed, At: t0, Source: "api", Data: json.RawMessage(`{`)}, smstrack.EINVALID},
		} {
			t.Run(c.name, func(t *testing.T) {
				if _, err := db.RecordAction(ctx, c.a); smstrack.ErrorCode(err) != c.code {
					t.Errorf("got %v, want %s", err, c.code)
				}
			})
		}
		if _, err := db.ListActions(ctx, id+1000); smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			t.Errorf("list for an unknown message: got %v, want not found", err)
		}
	})
}

func TestActionsGoWithTheirMessage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db, ctx := open(t, dsn), context.Background()
		id := apply(t, db, callback("SMc1", smstrack.StatusSent, "", t0))[0].MessageID
		record(t, db, id, smstrack.ActionConfirmed, t0.Add(time.Second))
		if n, err := db.ApplyRetention(ctx, t0.Add(time.Hour), true); err != nil || n != 1 {
			t.Fatalf("retention: %d, %v", n, err)
		}
		if _, err := db.ListActions(ctx, id); smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			t.Errorf("after the message was deleted: got %v, want not found", err)
		}
	})
}

// conversionFixture stores four outbound messages and one inbound:
//
//	SMd1 GB campaign=a delivered, confirmed after 10s (and clicked after 20s)
//	SMd2 GB campaign=a delivered, no action
//	SMd3 US campaign=b failed, unconfirmed only
//	SMd4 US campaign=b delivered, replied after 30s
//	SMd5 inbound, confirmed: not counted
func conversionFixture(t *testing.T, db *store.DB) {
	t.Helper()
	msg := func(sid string, st smstrack.Status, country, campaign string, dir smstrack.Direction) int64 {
		in := callback(sid, st, "", t0)
		in.Facts.Country, in.Facts.Direction = country, dir
		in.Facts.Tags = map[string]string{"campaign": campaign}
		return apply(t, db, in)[0].MessageID
	}
	d1 := msg("SMd1", smstrack.StatusDelivered, "GB", "a", smstrack.Outbound)
	msg("SMd2", smstrack.StatusDelivered, "GB", "a", smstrack.Outbound)
	d3 := msg("SMd3", smstrack.StatusFailed, "US", "b", smstrack.Outbound)
	d4 := msg("SMd4", smstrack.StatusDelivered, "US", "b", smstrack.Outbound)
	d5 := msg("SMd5", smstrack.StatusReceived, "US", "b", smstrack.Inbound)
	record(t, db, d1, smstrack.ActionClicked, t0.Add(20*time.Second))
	record(t, db, d1, smstrack.ActionConfirmed, t0.Add(10*time.Second))
	record(t, db, d3, smstrack.ActionUnconfirmed, t0.Add(5*time.Second))
	record(t, db, d4, smstrack.ActionReplied, t0.Add(30*time.Second))
	record(t, db, d5, smstrack.ActionConfirmed, t0.Add(time.Second))
}

func TestConversionStats(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db, ctx := open(t, dsn), context.Background()
		conversionFixture(t, db)

		total, err := db.ConversionStats(ctx, smstrack.MessageFilter{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(total) != 1 {
			t.Fatalf("got %d groups, want one of totals", len(total))
		}
		g := total[0]
		if len(g.Key) != 0 || g.Sent != 4 || g.Delivered != 3 || g.Converted != 2 || g.DeliveredNotConverted != 1 {
			t.Errorf("totals: got %+v, want 4 sent, 3 delivered, 2 converted, 1 delivered not converted", g)
		}
		if g.ConversionRate() != 0.5 {
			t.Errorf("rate: got %v, want 0.5", g.ConversionRate())
		}
		if g.TimeToConvertP50 == nil || *g.TimeToConvertP50 != 10*time.Second || *g.TimeToConvertP90 != 30*time.Second {
			t.Errorf("times: got p50 %v p90 %v, want 10s and 30s", g.TimeToConvertP50, g.TimeToConvertP90)
		}

		dims, err := smstrack.ParseConversionDimensions("country,tag:campaign")
		if err != nil {
			t.Fatal(err)
		}
		groups, err := db.ConversionStats(ctx, smstrack.MessageFilter{}, dims)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]smstrack.ConversionGroup{}
		for _, g := range groups {
			got[g.Key["country"]+"/"+g.Key["tag:campaign"]] = g
		}
		if len(got) != 2 {
			t.Fatalf("got groups %+v, want GB/a and US/b", groups)
		}
		if g := got["GB/a"]; g.Sent != 2 || g.Delivered != 2 || g.Converted != 1 || g.DeliveredNotConverted != 1 || *g.TimeToConvertP50 != 10*time.Second {
			t.Errorf("GB/a: got %+v", g)
		}
		if g := got["US/b"]; g.Sent != 2 || g.Delivered != 1 || g.Converted != 1 || g.DeliveredNotConverted != 0 || *g.TimeToConvertP90 != 30*time.Second {
			t.Errorf("US/b: got %+v", g)
		}

		// The message filters apply; an empty set gives zero totals.
		filtered, err := db.ConversionStats(ctx, smstrack.MessageFilter{Country: "GB", Status: smstrack.StatusDelivered}, nil)
		if err != nil || len(filtered) != 1 || filtered[0].Sent != 2 || filtered[0].Converted != 1 {
			t.Errorf("filtered: got %+v, %v", filtered, err)
		}
		none, err := db.ConversionStats(ctx, smstrack.MessageFilter{Country: "FR"}, nil)
		if err != nil || len(none) != 1 || none[0].Sent != 0 || none[0].TimeToConvertP50 != nil {
			t.Errorf("empty set: got %+v, %v", none, err)
		}
		if grouped, err := db.ConversionStats(ctx, smstrack.MessageFilter{Country: "FR"}, dims); err != nil || len(grouped) != 0 {
			t.Errorf("empty grouped set: got %+v, %v", grouped, err)
		}
	})
}
