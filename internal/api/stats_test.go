package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	_ "github.com/smstrack/smstrack/internal/provider/twilio" // its error catalogue explains the codes
	"github.com/smstrack/smstrack/internal/testdb"
)

// sendAt records an outbound message created at created, sent a second
// later, and reaching final after latency (no final: still sent).
func sendAt(t *testing.T, e *env, sid, to, country, carrier string, created time.Time, final smstrack.Status, errCode string, latency time.Duration) {
	t.Helper()
	facts := smstrack.Facts{Direction: smstrack.Outbound, From: "+14155550000", To: to, Country: country,
		Network: smstrack.Network{Carrier: carrier}, CreatedAt: created}
	ev := func(st smstrack.Status, code string, at time.Time, src smstrack.Source) *smstrack.EventInput {
		payload, _ := json.Marshal(map[string]any{"sid": sid, "st": st, "at": at})
		in := &smstrack.EventInput{Key: smstrack.Key{Provider: "twilio", Account: "AC1", ProviderID: sid},
			Event: smstrack.Event{Status: st, ErrorCode: code, Source: src, ReceivedAt: at, Payload: payload}, Facts: facts}
		in.ComputeDedupeKey()
		return in
	}
	sent := created.Add(time.Second)
	events := []*smstrack.EventInput{ev(smstrack.StatusQueued, "", created, smstrack.SourceAPI), ev(smstrack.StatusSent, "", sent, smstrack.SourceWebhook)}
	if final != "" {
		events = append(events, ev(final, errCode, sent.Add(latency), smstrack.SourceWebhook))
	}
	if _, err := e.db.ApplyEvents(context.Background(), events); err != nil {
		t.Fatal(err)
	}
}

func TestDeliveryStats(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		hour := time.Now().UTC().Truncate(time.Hour).Add(-3 * time.Hour)
		for i := range 20 {
			sendAt(t, e, fmt.Sprintf("SMgb%d", i), "+447700900001", "GB", "EE", hour.Add(time.Minute), smstrack.StatusDelivered, "", time.Duration(i+1)*time.Second)
		}
		sendAt(t, e, "SMgbx", "+447700900002", "GB", "EE", hour.Add(time.Minute), smstrack.StatusUndelivered, "30003", 0)
		sendAt(t, e, "SMus", "+14155550003", "US", "Verizon", hour.Add(70*time.Minute), "", "", 0)

		code, out := e.do(t, "GET", "/api/v1/stats/delivery", "")
		groups, _ := out["groups"].([]any)
		if code != 200 || len(groups) != 1 {
			t.Fatalf("totals: %d %v", code, out)
		}
		g := groups[0].(map[string]any)
		want := map[string]float64{"sent": 22, "delivered": 20, "undelivered": 1, "failed": 0, "pending": 1}
		for k, v := range want {
			if g[k] != v {
				t.Errorf("totals %s = %v, want %v", k, g[k], v)
			}
		}
		if _, ok := g["bucket"]; ok || len(g["key"].(map[string]any)) != 0 {
			t.Errorf("totals have a bucket or a key: %v", g)
		}
		if r := g["delivery_rate"].(float64); r != 20.0/21 {
			t.Errorf("delivery_rate %v, want 20/21", r)
		}
		ci := g["delivery_rate_ci"].([]any)
		if lo, hi := ci[0].(float64), ci[1].(float64); !(lo < 20.0/21 && hi > 20.0/21 && hi < 1) {
			t.Errorf("interval [%v, %v] around %v", lo, hi, 20.0/21)
		}
		lat := g["latency_ms"].(map[string]any)
		if !near(lat["p50"], 10000) || !near(lat["p90"], 18000) || !near(lat["p99"], 20000) {
			t.Errorf("latency %v, want p50 10 s, p90 18 s, p99 20 s within 1%%", lat)
		}

		q := url.Values{"group_by": {"country,carrier"}, "interval": {"hour"}, "from": {hour.Format(time.RFC3339)},
			"to": {hour.Add(2 * time.Hour).Format(time.RFC3339)}}
		code, out = e.do(t, "GET", "/api/v1/stats/delivery?"+q.Encode(), "")
		groups, _ = out["groups"].([]any)
		if code != 200 || len(groups) != 2 {
			t.Fatalf("by carrier: %d %v", code, out)
		}
		first, second := groups[0].(map[string]any), groups[1].(map[string]any)
		if k := first["key"].(map[string]any); k["country"] != "GB" || k["carrier"] != "EE" || first["bucket"] != hour.Format(time.RFC3339) {
			t.Errorf("first group: %v", first)
		}
		if second["bucket"] != hour.Add(time.Hour).Format(time.RFC3339) || second["delivery_rate"] != nil || second["delivery_rate_ci"] != nil {
			t.Errorf("US group: %v (pending only: no rate)", second)
		}
		if lat := second["latency_ms"].(map[string]any); lat["p50"] != nil {
			t.Errorf("US latency %v, want null", lat)
		}

		for _, bad := range []string{"group_by=colour", "interval=week", "from=yesterday", "from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
			"interval=minute&from=2020-01-01T00:00:00Z", "interval=hour&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
			"country=GBR", "colour=red", "tag=nocolon", "latency=forever", "group_by=tag:a,tag:b", "direction=sideways"} {
			code, body := e.do(t, "GET", "/api/v1/stats/delivery?"+bad, "")
			if code != 400 || body["error"] == nil || body["field"] == nil {
				t.Errorf("%s: got %d %v, want 400 naming the field", bad, code, body)
			}
		}
	})
}

func TestErrorStats(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		now := time.Now().UTC()
		// Previous day: 1 of 10 failed with 30003; last day: 8 of 10.
		for i := range 10 {
			st, code := smstrack.StatusDelivered, ""
			if i == 0 {
				st, code = smstrack.StatusUndelivered, "30003"
			}
			sendAt(t, e, fmt.Sprintf("SMold%d", i), "+447700900001", "GB", "EE", now.Add(-30*time.Hour), st, code, time.Second)
		}
		for i := range 10 {
			st, code := smstrack.StatusDelivered, ""
			switch {
			case i < 8:
				st, code = smstrack.StatusUndelivered, "30003"
			case i == 8:
				st, code = smstrack.StatusFailed, "30007"
			}
			sendAt(t, e, fmt.Sprintf("SMnew%d", i), "+447700900001", "GB", "EE", now.Add(-2*time.Hour), st, code, time.Second)
		}
		code, out := e.do(t, "GET", "/api/v1/stats/errors", "")
		groups, _ := out["groups"].([]any)
		if code != 200 || len(groups) != 1 {
			t.Fatalf("errors: %d %v", code, out)
		}
		g := groups[0].(map[string]any)
		if g["messages"] != 10.0 || g["previous_messages"] != 10.0 {
			t.Errorf("messages %v, previous %v; want 10 and 10", g["messages"], g["previous_messages"])
		}
		errs := g["errors"].([]any)
		if len(errs) != 2 {
			t.Fatalf("errors: %v", errs)
		}
		top := errs[0].(map[string]any)
		if top["code"] != "30003" || top["provider"] != "twilio" || top["count"] != 8.0 || top["previous_count"] != 1.0 ||
			top["trend"] != "up" || top["category"] != "handset_unreachable" || top["title"] == "Unknown error" || top["responsible"] == "" {
			t.Errorf("top error: %v", top)
		}
		if second := errs[1].(map[string]any); second["code"] != "30007" || second["trend"] != "new" {
			t.Errorf("second error: %v", second)
		}
		if code, _ := e.do(t, "GET", "/api/v1/stats/errors?limit=1&group_by=country", ""); code != 200 {
			t.Errorf("limit and group: %d", code)
		}
		for _, bad := range []string{"interval=hour", "limit=0", "limit=x", "group_by=account,sender,country,carrier"} {
			if code, body := e.do(t, "GET", "/api/v1/stats/errors?"+bad, ""); code != 400 || body["field"] == nil {
				t.Errorf("%s: got %d %v, want 400 naming the field", bad, code, body)
			}
		}
	})
}

func TestResponseStats(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		created := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
		for i, reply := range []string{"thanks", "STOP", "", ""} {
			their := fmt.Sprintf("+44770090010%d", i)
			report(t, e, fmt.Sprintf(`{"provider":"twilio","account":"AC1","provider_id":"SMr%d","from":"+14155550000","to":%q,"status":"delivered","created_at":%q}`,
				i, their, created.Format(time.RFC3339)))
			if reply != "" {
				report(t, e, fmt.Sprintf(`{"provider":"twilio","account":"AC1","provider_id":"SMin%d","direction":"inbound","from":%q,"to":"+14155550000","body":%q,"status":"received","created_at":%q}`,
					i, their, reply, created.Add(time.Duration(30*(i+1))*time.Second).Format(time.RFC3339)))
			}
		}
		code, out := e.do(t, "GET", "/api/v1/stats/responses?group_by=country", "")
		groups, _ := out["groups"].([]any)
		if code != 200 || len(groups) != 1 {
			t.Fatalf("responses: %d %v", code, out)
		}
		g := groups[0].(map[string]any)
		if g["key"].(map[string]any)["country"] != "GB" || g["sent"] != 4.0 || g["replied"] != 2.0 || g["reply_rate"] != 0.5 ||
			g["opt_outs"] != 1.0 || g["opt_out_rate"] != 0.25 {
			t.Errorf("responses: %v", g)
		}
		if rt := g["response_time_ms"].(map[string]any); !near(rt["p50"], 30000) || !near(rt["p99"], 60000) {
			t.Errorf("response time %v, want p50 30 s and p99 60 s", rt)
		}
		for _, bad := range []string{"direction=outbound", "group_by=direction", "to=soon"} {
			if code, body := e.do(t, "GET", "/api/v1/stats/responses?"+bad, ""); code != 400 || body["field"] == nil {
				t.Errorf("%s: got %d %v, want 400 naming the field", bad, code, body)
			}
		}
	})
}

func TestStatsWithRollupsOff(t *testing.T) {
	e := newEnv(t, testdb.DSN(t, "sqlite"))
	e.db.SetRollups(false)
	if code, body := e.do(t, "GET", "/api/v1/stats/delivery", ""); code != 503 || body["error"] == nil {
		t.Errorf("delivery with rollups off: %d %v, want 503", code, body)
	}
	// Conversions still answer, from a scan.
	if code, body := e.do(t, "GET", "/api/v1/stats/conversions", ""); code != 200 {
		t.Errorf("conversions with rollups off: %d %v", code, body)
	}
}
