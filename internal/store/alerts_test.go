package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
)

func testAlert(dim smstrack.AlertDimension, key map[string]string, metric smstrack.AlertMetric, opened time.Time) smstrack.Alert {
	ev := smstrack.AlertEvidence{EvaluatedAt: opened, WindowFrom: opened.Add(-10 * time.Minute), WindowTo: opened,
		Baseline: 0.98, Recent: 0.80, BaselineN: 100000, RecentN: 900, Affected: 162, Z: -38.5, PValue: 1e-300, Alpha: 1e-7, Tests: 400}
	return smstrack.Alert{Dimension: dim, Key: key, Metric: metric, Summary: "delivery fell", Evidence: ev, Latest: ev, OpenedAt: opened}
}

func TestAlertsOpenListResolve(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db, ctx := open(t, dsn), context.Background()
		hook := endpoint(t, db, smstrack.EventAlertOpened, smstrack.EventAlertResolved)
		t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		ee := map[string]string{"country": "GB", "carrier": "EE"}
		a, err := db.OpenAlert(ctx, testAlert(smstrack.DimensionCarrier, ee, smstrack.MetricDeliveryRate, t0))
		if err != nil {
			t.Fatal(err)
		}
		if a.ID == 0 || a.State != smstrack.AlertOpen || !a.OpenedAt.Equal(t0) {
			t.Errorf("opened: %+v", a)
		}
		// The same dimension value and metric cannot have two open alerts;
		// the same key in another order is the same value.
		same := testAlert(smstrack.DimensionCarrier, map[string]string{"carrier": "EE", "country": "GB"}, smstrack.MetricDeliveryRate, t0)
		if _, err := db.OpenAlert(ctx, same); smstrack.ErrorCode(err) != smstrack.ECONFLICT {
			t.Errorf("second open alert: %v, want conflict", err)
		}
		lat, err := db.OpenAlert(ctx, testAlert(smstrack.DimensionCarrier, ee, smstrack.MetricLatencyP90, t0.Add(time.Minute)))
		if err != nil {
			t.Fatal(err)
		}
		twilio, err := db.OpenAlert(ctx, testAlert(smstrack.DimensionProvider, map[string]string{"provider": "twilio"}, smstrack.ErrorRateMetric(smstrack.CategoryContentFiltered), t0.Add(2*time.Minute)))
		if err != nil {
			t.Fatal(err)
		}

		latest := a.Evidence
		latest.Recent, latest.EvaluatedAt = 0.97, t0.Add(30*time.Minute)
		if err := db.UpdateAlert(ctx, a.ID, latest); err != nil {
			t.Fatal(err)
		}
		resolved, err := db.ResolveAlert(ctx, a.ID, t0.Add(40*time.Minute), latest)
		if err != nil {
			t.Fatal(err)
		}
		if resolved.State != smstrack.AlertResolved || resolved.ResolvedAt == nil || !resolved.ResolvedAt.Equal(t0.Add(40*time.Minute)) ||
			resolved.Latest.Recent != 0.97 || resolved.Evidence.Recent != 0.80 || resolved.Key["carrier"] != "EE" {
			t.Errorf("resolved: %+v", resolved)
		}
		if again, err := db.ResolveAlert(ctx, a.ID, t0.Add(50*time.Minute), latest); err != nil || !again.ResolvedAt.Equal(t0.Add(40*time.Minute)) {
			t.Errorf("resolving twice: %v %+v", err, again)
		}
		// A new alert may open once the old one is resolved.
		reopened, err := db.OpenAlert(ctx, same)
		if err != nil {
			t.Fatal(err)
		}

		list := func(f smstrack.AlertFilter) []int64 {
			t.Helper()
			var ids []int64
			for {
				page, next, err := db.ListAlerts(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range page {
					ids = append(ids, a.ID)
				}
				if next == "" {
					return ids
				}
				f.Cursor = next
			}
		}
		for name, c := range map[string]struct {
			f    smstrack.AlertFilter
			want []int64
		}{
			"all, in pages of one":  {smstrack.AlertFilter{Limit: 1}, []int64{reopened.ID, twilio.ID, lat.ID, a.ID}},
			"open":                  {smstrack.AlertFilter{State: smstrack.AlertOpen}, []int64{reopened.ID, twilio.ID, lat.ID}},
			"resolved":              {smstrack.AlertFilter{State: smstrack.AlertResolved}, []int64{a.ID}},
			"provider":              {smstrack.AlertFilter{Dimension: smstrack.DimensionProvider}, []int64{twilio.ID}},
			"latency":               {smstrack.AlertFilter{Metric: smstrack.MetricLatencyP90}, []int64{lat.ID}},
			"since before resolved": {smstrack.AlertFilter{Since: t0.Add(35 * time.Minute)}, []int64{reopened.ID, twilio.ID, lat.ID, a.ID}},
			"since after resolved":  {smstrack.AlertFilter{Since: t0.Add(45 * time.Minute)}, []int64{reopened.ID, twilio.ID, lat.ID}},
		} {
			if got := list(c.f); !slices.Equal(got, c.want) {
				t.Errorf("%s: got %v, want %v", name, got, c.want)
			}
		}
		if _, _, err := db.ListAlerts(ctx, smstrack.AlertFilter{Cursor: "x"}); smstrack.ErrorField(err) != "cursor" {
			t.Errorf("bad cursor: %v", err)
		}
		if _, err := db.GetAlert(ctx, 999); smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			t.Errorf("missing alert: %v", err)
		}

		// Every opening and the resolution reached the subscribed endpoint.
		var opened, resolvedEvents int
		for _, d := range claim(t, db) {
			if d.Endpoint.ID != hook.ID {
				continue
			}
			var p struct{ Alert smstrack.Alert }
			if err := json.Unmarshal(d.Event.Payload, &p); err != nil || p.Alert.ID == 0 {
				t.Errorf("payload %s: %v", d.Event.Payload, err)
			}
			switch d.Event.Type {
			case smstrack.EventAlertOpened:
				opened++
			case smstrack.EventAlertResolved:
				resolvedEvents++
				if p.Alert.ID != a.ID || p.Alert.State != smstrack.AlertResolved {
					t.Errorf("resolved event: %+v", p.Alert)
				}
			}
		}
		if opened != 4 || resolvedEvents != 1 {
			t.Errorf("events: %d opened, %d resolved; want 4 and 1", opened, resolvedEvents)
		}
	})
}

func TestLeaseHasOneHolder(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db, ctx := open(t, dsn), context.Background()
		claim := func(db *store.DB, holder string, until time.Time) bool {
			t.Helper()
			ok, err := db.ClaimLease(ctx, "health", holder, until)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		now := time.Now()
		if !claim(db, "a", now.Add(time.Minute)) {
			t.Fatal("a could not take a free lease")
		}
		other, err := store.Open(ctx, dsn) // a second instance on the same database
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		if claim(other, "b", now.Add(time.Minute)) {
			t.Error("b took a's unexpired lease")
		}
		if !claim(db, "a", now.Add(2*time.Minute)) {
			t.Error("a could not renew its lease")
		}
		if ok, _ := db.ClaimLease(ctx, "other-job", "b", now.Add(time.Minute)); !ok {
			t.Error("leases of other jobs are separate")
		}
		if !claim(db, "a", now.Add(-time.Second)) { // a lets it lapse
			t.Error("a could not shorten its lease")
		}
		if !claim(other, "b", now.Add(time.Minute)) {
			t.Error("b could not take the expired lease")
		}
		if claim(db, "a", now.Add(time.Minute)) {
			t.Error("a took b's lease back")
		}
	})
}
