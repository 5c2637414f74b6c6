package api_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/testdb"
)

func TestAlertsAPI(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e, ctx := newEnv(t, dsn), context.Background()
		t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		open := func(dim smstrack.AlertDimension, key map[string]string, m smstrack.AlertMetric, at time.Time) *smstrack.Alert {
			ev := smstrack.AlertEvidence{EvaluatedAt: at, WindowFrom: at.Add(-10 * time.Minute), WindowTo: at, Baseline: 0.98, Recent: 0.8,
				BaselineN: 10000, RecentN: 500, Affected: 90, Z: -20, PValue: 1e-40, Alpha: 1e-7, Tests: 300, AlsoAffected: []string{"country GB"}}
			a, err := e.db.OpenAlert(ctx, smstrack.Alert{Dimension: dim, Key: key, Metric: m, Summary: "fell", Evidence: ev, Latest: ev, OpenedAt: at})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		ee := open(smstrack.DimensionCarrier, map[string]string{"country": "GB", "carrier": "EE"}, smstrack.MetricDeliveryRate, t0)
		slow := open(smstrack.DimensionProvider, map[string]string{"provider": "twilio"}, smstrack.MetricLatencyP90, t0.Add(time.Minute))
		if _, err := e.db.ResolveAlert(ctx, ee.ID, t0.Add(30*time.Minute), ee.Evidence); err != nil {
			t.Fatal(err)
		}

		ids := func(path string) []float64 {
			t.Helper()
			code, out := e.do(t, "GET", path, "")
			if code != 200 {
				t.Fatalf("%s: %d %v", path, code, out)
			}
			var got []float64
			for _, a := range out["alerts"].([]any) {
				got = append(got, a.(map[string]any)["id"].(float64))
			}
			return got
		}
		for path, want := range map[string][]int64{
			"/api/v1/alerts":                    {slow.ID, ee.ID},
			"/api/v1/alerts?state=open":         {slow.ID},
			"/api/v1/alerts?state=resolved":     {ee.ID},
			"/api/v1/alerts?dimension=carrier":  {ee.ID},
			"/api/v1/alerts?metric=latency_p90": {slow.ID},
			"/api/v1/alerts?since=" + url.QueryEscape(t0.Add(time.Hour).Format(time.RFC3339)): {slow.ID},
		} {
			if got := ids(path); fmt.Sprint(got) != fmt.Sprint(toFloats(want)) {
				t.Errorf("%s: %v, want %v", path, got, want)
			}
		}
		code, page := e.do(t, "GET", "/api/v1/alerts?limit=1", "")
		next, _ := page["next_cursor"].(string)
		if code != 200 || next == "" || len(page["alerts"].([]any)) != 1 {
			t.Fatalf("first page: %d %v", code, page)
		}
		if got := ids("/api/v1/alerts?limit=1&cursor=" + next); len(got) != 1 || got[0] != float64(ee.ID) {
			t.Errorf("second page: %v", got)
		}

		code, a := e.do(t, "GET", fmt.Sprintf("/api/v1/alerts/%d", ee.ID), "")
		ev, _ := a["evidence"].(map[string]any)
		if code != 200 || a["state"] != "resolved" || a["resolved_at"] == nil || a["key"].(map[string]any)["carrier"] != "EE" ||
			ev["p_value"] != 1e-40 || ev["recent_n"] != 500.0 || len(ev["also_affected"].([]any)) != 1 {
			t.Errorf("one alert: %d %v", code, a)
		}
		e.wantFieldErrors(t, map[string]string{
			"/api/v1/alerts?state=closed":     "state",
			"/api/v1/alerts?dimension=planet": "dimension",
			"/api/v1/alerts?since=yesterday":  "since",
			"/api/v1/alerts?limit=0":          "limit",
			"/api/v1/alerts?cursor=zz":        "cursor",
			"/api/v1/alerts?colour=red":       "colour",
			"/api/v1/alerts/abc":              "id",
		})
		if code, out := e.do(t, "GET", "/api/v1/alerts/999", ""); code != 404 {
			t.Errorf("missing alert: %d %v", code, out)
		}
	})
}

func toFloats(ids []int64) []float64 {
	out := make([]float64, len(ids))
	for i, id := range ids {
		out[i] = float64(id)
	}
	return out
}

// wantFieldErrors checks that each GET path answers 400 naming its field.
func (e *env) wantFieldErrors(t *testing.T, cases map[string]string) {
	t.Helper()
	for path, field := range cases {
		if code, out := e.do(t, "GET", path, ""); code != 400 || out["field"] != field || out["error"] == "" {
			t.Errorf("%s: %d %v, want 400 naming %s", path, code, out, field)
		}
	}
}
