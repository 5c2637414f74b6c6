package api_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/testdb"
)

func TestConversions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		created := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
		msg := func(sid, to, status, campaign string) int64 {
			return report(t, e, fmt.Sprintf(`{"provider":"twilio","account":"AC1","provider_id":%q,"from":"+14155550000","to":%q,"status":%q,"tags":{"campaign":%q},"created_at":%q}`,
				sid, to, status, campaign, created.Format(time.RFC3339)))
		}
		act := func(id int64, typ string, after time.Duration) {
			t.Helper()
			body := fmt.Sprintf(`{"type":%q,"at":%q}`, typ, created.Add(after).Format(time.RFC3339))
			if code, a := e.do(t, "POST", fmt.Sprintf("/api/v1/messages/%d/actions", id), body); code != 201 {
				t.Fatalf("action: %d %v", code, a)
			}
		}
		a1 := msg("SMcv1", "+447700900001", "delivered", "spring")
		msg("SMcv2", "+447700900002", "delivered", "spring")
		a3 := msg("SMcv3", "+14155550003", "delivered", "autumn")
		a4 := msg("SMcv4", "+14155550004", "failed", "autumn")
		act(a1, "confirmed", 4*time.Second)
		act(a3, "clicked", 8*time.Second)
		act(a4, "unconfirmed", time.Second)

		code, out := e.do(t, "GET", "/api/v1/stats/conversions", "")
		groups, _ := out["groups"].([]any)
		if code != 200 || len(groups) != 1 {
			t.Fatalf("totals: %d %v", code, out)
		}
		g := groups[0].(map[string]any)
		if len(g["key"].(map[string]any)) != 0 || g["sent"] != 4.0 || g["delivered"] != 3.0 || g["converted"] != 2.0 ||
			g["conversion_rate"] != 0.5 || g["delivered_not_converted"] != 1.0 {
			t.Errorf("totals: got %v", g)
		}
		// From the rollups' sketch: within 1% of the exact 4 s and 8 s.
		if times := g["time_to_convert_ms"].(map[string]any); !near(times["p50"], 4000) || !near(times["p90"], 8000) {
			t.Errorf("times: got %v, want p50 4000 and p90 8000 within 1%%", times)
		}

		code, out = e.do(t, "GET", "/api/v1/stats/conversions?group_by=country,tag:campaign&status=delivered", "")
		groups, _ = out["groups"].([]any)
		if code != 200 || len(groups) != 2 {
			t.Fatalf("grouped: %d %v", code, out)
		}
		// Largest group first: GB has two delivered messages.
		first := groups[0].(map[string]any)
		key := first["key"].(map[string]any)
		if key["country"] != "GB" || key["tag:campaign"] != "spring" || first["sent"] != 2.0 || first["converted"] != 1.0 {
			t.Errorf("first group: got %v", first)
		}
		second := groups[1].(map[string]any)
		if second["key"].(map[string]any)["country"] != "US" || second["sent"] != 1.0 || second["conversion_rate"] != 1.0 {
			t.Errorf("second group: got %v", second)
		}

		for _, bad := range []string{"group_by=colour", "direction=inbound", "colour=red"} {
			if code, body := e.do(t, "GET", "/api/v1/stats/conversions?"+bad, ""); code != 400 || body["error"] == nil {
				t.Errorf("%s: got %d %v, want 400", bad, code, body)
			}
		}
	})
}

// near reports whether a JSON number is within 1% of want.
func near(v any, want float64) bool {
	f, ok := v.(float64)
	return ok && f >= want*0.99 && f <= want*1.01
}
