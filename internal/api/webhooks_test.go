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

func TestWebhookEndpoints(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		code, created := e.do(t, "POST", "/api/v1/webhooks", `{"url":"https://hooks.example/sms","event_types":["message.failed","alert.spike"]}`)
		secret, _ := created["secret"].(string)
		if code != 201 || !strings.HasPrefix(secret, "whsec_") || created["enabled"] != true {
			t.Fatalf("create: %d %v", code, created)
		}
		id := int64(created["id"].(float64))
		path := fmt.Sprintf("/api/v1/webhooks/%d", id)

		code, list := e.do(t, "GET", "/api/v1/webhooks", "")
		hooks, _ := list["webhooks"].([]any)
		if code != 200 || len(hooks) != 1 {
			t.Fatalf("list: %d %v", code, list)
		}
		if h := hooks[0].(map[string]any); h["secret"] != nil || h["url"] != "https://hooks.example/sms" {
			t.Errorf("listed %v: want no secret", h)
		}

		code, off := e.do(t, "PATCH", path, `{"enabled":false}`)
		if code != 200 || off["enabled"] != false || off["disabled_reason"] == "" || off["secret"] != nil {
			t.Errorf("disable: %d %v", code, off)
		}
		code, on := e.do(t, "PATCH", path, `{"enabled":true}`)
		if code != 200 || on["enabled"] != true || on["disabled_reason"] != nil {
			t.Errorf("enable: %d %v", code, on)
		}

		ev, err := e.db.Enqueue(context.Background(), smstrack.EventMessageFailed, json.RawMessage(`{"id":1}`))
		if err != nil {
			t.Fatal(err)
		}
		ds, err := e.db.ClaimDue(context.Background(), 10, time.Minute)
		if err != nil || len(ds) != 1 {
			t.Fatalf("claim: %v %v", ds, err)
		}
		err = e.db.RecordAttempts(context.Background(), []smstrack.AttemptResult{{Delivery: ds[0], Attempt: smstrack.DeliveryAttempt{
			At: time.Now(), Status: 502, LatencyMs: 12, ResponseExcerpt: "bad gateway"}}})
		if err != nil {
			t.Fatal(err)
		}
		code, log := e.do(t, "GET", path+"/deliveries", "")
		attempts, _ := log["attempts"].([]any)
		if code != 200 || len(attempts) != 1 {
			t.Fatalf("deliveries: %d %v", code, log)
		}
		if a := attempts[0].(map[string]any); a["status"] != float64(502) || a["response_excerpt"] != "bad gateway" || a["event_id"] != float64(ev.ID) || a["attempt"] != float64(1) {
			t.Errorf("attempt: %v", a)
		}

		code, rep := e.do(t, "POST", path+"/replay", fmt.Sprintf(`{"event_id":%d}`, ev.ID))
		if code != 202 || rep["queued"] != float64(1) {
			t.Errorf("replay event: %d %v", code, rep)
		}
		from, to := time.Now().Add(-time.Hour).Format(time.RFC3339), time.Now().Add(time.Hour).Format(time.RFC3339)
		code, rep = e.do(t, "POST", path+"/replay", fmt.Sprintf(`{"from":%q,"to":%q}`, from, to))
		if code != 202 || rep["queued"] != float64(1) {
			t.Errorf("replay range: %d %v", code, rep)
		}

		code, rot := e.do(t, "POST", path+"/rotate-secret", `{"grace_seconds": 3600}`)
		newSecret, _ := rot["secret"].(string)
		if code != 200 || !strings.HasPrefix(newSecret, "whsec_") || newSecret == secret || rot["previous_secret_expires_at"] == nil {
			t.Errorf("rotate: %d %v", code, rot)
		}
		code, list = e.do(t, "GET", "/api/v1/webhooks", "")
		if h := list["webhooks"].([]any)[0].(map[string]any); h["secret"] != nil || h["previous_secret_expires_at"] == nil {
			t.Errorf("listed after rotation %v: want no secret, the grace period's end", h)
		}
		if code, rot = e.do(t, "POST", path+"/rotate-secret", ""); code != 200 || rot["secret"] == newSecret {
			t.Errorf("rotate with the default grace: %d %v", code, rot)
		}

		code, del := e.do(t, "DELETE", path, "")
		if code != 200 || del["deleted"] != true {
			t.Errorf("delete: %d %v", code, del)
		}
		if code, _ := e.do(t, "GET", path+"/deliveries", ""); code != 404 {
			t.Errorf("deliveries of a deleted endpoint: %d, want 404", code)
		}
	})
}

func TestWebhookRefusedInput(t *testing.T) {
	e := newEnv(t, testdb.DSN(t, "sqlite"))
	_, created := e.do(t, "POST", "/api/v1/webhooks", `{"url":"https://hooks.example/a"}`)
	path := fmt.Sprintf("/api/v1/webhooks/%v", created["id"])
	for _, c := range []struct {
		name, method, path, body string
		want                     int
		field                    string
	}{
		{"no url", "POST", "/api/v1/webhooks", `{}`, 400, "url"},
		{"not http", "POST", "/api/v1/webhooks", `{"url":"gopher://x"}`, 400, "url"},
		{"unknown type", "POST", "/api/v1/webhooks", `{"url":"https://h.example","event_types":["message.lost"]}`, 400, "event_types"},
		{"secret not settable", "POST", "/api/v1/webhooks", `{"url":"https://h.example","secret":"mine"}`, 400, "secret"},
		{"enabled missing", "PATCH", path, `{}`, 400, "enabled"},
		{"unknown endpoint", "PATCH", "/api/v1/webhooks/9999", `{"enabled":true}`, 404, ""},
		{"bad id", "DELETE", "/api/v1/webhooks/abc", "", 404, ""},
		{"replay nothing", "POST", path + "/replay", `{}`, 400, "from"},
		{"replay both", "POST", path + "/replay", `{"event_id":1,"from":"2026-01-01T00:00:00Z","to":"2026-01-02T00:00:00Z"}`, 400, "event_id"},
		{"replay unknown event", "POST", path + "/replay", `{"event_id":12345}`, 404, ""},
		{"replay backwards", "POST", path + "/replay", `{"from":"2026-01-02T00:00:00Z","to":"2026-01-01T00:00:00Z"}`, 400, ""},
		{"bad limit", "GET", path + "/deliveries?limit=0", "", 400, "limit"},
		{"grace too long", "POST", path + "/rotate-secret", `{"grace_seconds": 99999999}`, 400, "grace_seconds"},
		{"grace negative", "POST", path + "/rotate-secret", `{"grace_seconds": -1}`, 400, "grace_seconds"},
		{"rotate unknown endpoint", "POST", "/api/v1/webhooks/9999/rotate-secret", "", 404, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := e.do(t, c.method, c.path, c.body)
			if code != c.want || body["error"] == nil || (c.field != "" && body["field"] != c.field) {
				t.Errorf("got %d %v, want %d naming %q", code, body, c.want, c.field)
			}
		})
	}
}
