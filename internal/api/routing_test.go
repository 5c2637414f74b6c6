package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/testdb"
)

// sendVia records an outbound message of a provider and sender to GB's
// EE, delivered (or undelivered) after latency, with an action when converted.
func sendVia(t *testing.T, e *env, provider, sender, sid string, created time.Time, delivered, converted bool, latency time.Duration) {
	t.Helper()
	ctx := context.Background()
	facts := smstrack.Facts{Direction: smstrack.Outbound, From: sender, To: "+447700900123", Country: "GB",
		Network: smstrack.Network{Carrier: "EE"}, CreatedAt: created}
	final, code := smstrack.StatusDelivered, ""
	if !delivered {
		final, code = smstrack.StatusUndelivered, "30003"
	}
	var events []*smstrack.EventInput
	for _, s := range []struct {
		st   smstrack.Status
		code string
		at   time.Time
	}{{smstrack.StatusSent, "", created.Add(time.Second)}, {final, code, created.Add(time.Second + latency)}} {
		payload, _ := json.Marshal(map[string]any{"sid": sid, "st": s.st})
		in := &smstrack.EventInput{Key: smstrack.Key{Provider: provider, Account: "AC1", ProviderID: sid},
			Event: smstrack.Event{Status: s.st, ErrorCode: s.code, Source: smstrack.SourceWebhook, ReceivedAt: s.at, Payload: payload}, Facts: facts}
		in.ComputeDedupeKey()
		events = append(events, in)
	}
	res, err := e.db.ApplyEvents(ctx, events)
	if err != nil {
		t.Fatal(err)
	}
	if converted {
		if _, err := e.db.RecordAction(ctx, smstrack.Action{MessageID: res[0].MessageID, Type: smstrack.ActionConfirmed,
			At: created.Add(time.Minute), Source: smstrack.ActionSourceAPI}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRoutingAdvice(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		start := time.Now().UTC().Add(-24 * time.Hour)
		for i := range 80 {
			at := start.Add(time.Duration(i) * time.Minute)
			// twilio: 98.75% delivered, a third of them confirmed.
			sendVia(t, e, "twilio", "+15550001", fmt.Sprintf("SMt%d", i), at, i != 7, i%3 == 0, 2*time.Second)
			// vonage: 90% delivered, as often confirmed, slower.
			sendVia(t, e, "vonage", "+15550001", fmt.Sprintf("SMv%d", i), at, i%10 != 0, i%3 == 0, 6*time.Second)
			// sinch: every receipt says delivered, nobody ever acts.
			sendVia(t, e, "sinch", "+15550002", fmt.Sprintf("SMs%d", i), at, true, false, time.Second)
		}
		code, out := e.do(t, "GET", "/api/v1/routing/advice?to=%2B447700900123", "")
		if code != 200 {
			t.Fatalf("advice: %d %v", code, out)
		}
		dest := out["destination"].(map[string]any)
		if dest["country"] != "GB" || dest["number"] != "+447700900123" || out["conversions_tracked"] != true {
			t.Errorf("destination: %v, tracked %v", dest, out["conversions_tracked"])
		}
		routes := out["routes"].([]any)
		var order []string
		for _, r := range routes {
			order = append(order, r.(map[string]any)["key"].(map[string]any)["provider"].(string))
		}
		if strings.Join(order, ",") != "twilio,vonage,sinch" {
			t.Fatalf("routes ranked %v, want twilio,vonage,sinch: %v", order, routes)
		}
		for _, r := range routes {
			t.Logf("%v", r.(map[string]any)["reason"])
		}
		best, suspect := routes[0].(map[string]any), routes[2].(map[string]any)
		if best["rank"] != 1.0 || best["settled"] != 80.0 || best["delivered"] != 79.0 || best["suspect_receipts"] != false ||
			!strings.Contains(best["reason"].(string), "points of delivery over the next route") || best["delivery_rate_ci"] == nil ||
			best["latency_ms"].(map[string]any)["n"] != 79.0 || best["conversion_rate"] == nil {
			t.Errorf("best route: %v", best)
		}
		if suspect["suspect_receipts"] != true || !strings.Contains(suspect["reason"].(string), "fake delivery receipts") {
			t.Errorf("suspect route: %v", suspect)
		}
		if len(out["providers"].([]any)) != 3 || len(out["senders"].([]any)) != 2 {
			t.Errorf("providers %v, senders %v", out["providers"], out["senders"])
		}

		// By country and carrier, the same routes; an unknown carrier falls back to the country.
		if code, out := e.do(t, "GET", "/api/v1/routing/advice?country=gb&carrier=EE&days=2", ""); code != 200 || len(out["routes"].([]any)) != 3 {
			t.Errorf("by carrier: %d %v", code, out)
		}
		code, out = e.do(t, "GET", "/api/v1/routing/advice?country=GB&carrier=Nowhere", "")
		if code != 200 || len(out["routes"].([]any)) != 3 || !strings.Contains(fmt.Sprint(out["notes"]), "advice for the whole country") {
			t.Errorf("unknown carrier: %d %v", code, out)
		}
		if code, out := e.do(t, "GET", "/api/v1/routing/advice?country=FR", ""); code != 200 || len(out["routes"].([]any)) != 0 || len(out["notes"].([]any)) != 1 {
			t.Errorf("no traffic: %d %v", code, out)
		}

		e.wantFieldErrors(t, map[string]string{
			"/api/v1/routing/advice":                               "to",
			"/api/v1/routing/advice?to=hello":                      "to",
			"/api/v1/routing/advice?to=%2B447700900123&country=GB": "to",
			"/api/v1/routing/advice?country=GBR":                   "country",
			"/api/v1/routing/advice?carrier=EE":                    "to",
			"/api/v1/routing/advice?country=GB&days=0":             "days",
			"/api/v1/routing/advice?country=GB&days=many":          "days",
			"/api/v1/routing/advice?country=GB&from=2026-01-01":    "from",
		})
	})
}
