package api_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/testdb"
)

// report sends a message report and returns the message id.
func report(t *testing.T, e *env, body string) int64 {
	t.Helper()
	code, m := e.do(t, "POST", "/api/v1/messages", body)
	if code != 201 && code != 200 {
		t.Fatalf("report: %d %v", code, m)
	}
	return int64(m["id"].(float64))
}

func TestActionsByMessageID(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		id := report(t, e, `{"provider":"twilio","account":"AC1","provider_id":"SMact1","to":"+14155550100","status":"delivered"}`)
		path := fmt.Sprintf("/api/v1/messages/%d/actions", id)

		code, a := e.do(t, "POST", path, `{"type":"confirmed","at":"2026-01-02T15:04:05Z","data":{"screen":"login"}}`)
		if code != 201 || a["type"] != "confirmed" || a["source"] != "api" || a["at"] != "2026-01-02T15:04:05Z" || a["message_id"] != float64(id) {
			t.Fatalf("record: %d %v", code, a)
		}
		if data, _ := a["data"].(map[string]any); data["screen"] != "login" {
			t.Errorf("data: got %v", a["data"])
		}
		code, a = e.do(t, "POST", path, `{"type":"clicked"}`)
		if at, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(a["at"])); code != 201 || time.Since(at) > time.Minute {
			t.Errorf("record without a time: %d %v, want now", code, a)
		}

		code, list := e.do(t, "GET", path, "")
		actions, _ := list["actions"].([]any)
		if code != 200 || len(actions) != 2 || list["converted"] != true || list["converted_at"] != "2026-01-02T15:04:05Z" {
			t.Errorf("list: %d %v", code, list)
		}
	})
}

func TestActionsRefusedInput(t *testing.T) {
	e := newEnv(t, testdb.DSN(t, "sqlite"))
	id := report(t, e, `{"provider":"twilio","account":"AC1","provider_id":"SMact2","to":"+14155550101"}`)
	path := fmt.Sprintf("/api/v1/messages/%d/actions", id)
	for _, c := range []struct {
		name, method, path, body string
		want                     int
		field                    string
	}{
		{"unknown type", "POST", path, `{"type":"waved"}`, 400, "type"},
		{"no type", "POST", path, `{}`, 400, "type"},
		{"data not an object", "POST", path, `{"type":"confirmed","data":[1]}`, 400, "data"},
		{"unknown field", "POST", path, `{"type":"confirmed","colour":"red"}`, 400, "colour"},
		{"to on a message path", "POST", path, `{"type":"confirmed","to":"+14155550101"}`, 400, "to"},
		{"unknown message", "POST", "/api/v1/messages/999999/actions", `{"type":"confirmed"}`, 404, ""},
		{"list of unknown message", "GET", "/api/v1/messages/999999/actions", "", 404, ""},
		{"bad id", "GET", "/api/v1/messages/abc/actions", "", 404, ""},
		{"by number without to", "POST", "/api/v1/actions", `{"type":"confirmed"}`, 400, "to"},
		{"bad window", "POST", "/api/v1/actions", `{"type":"confirmed","to":"+14155550101","within":"1y"}`, 400, "within"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := e.do(t, c.method, c.path, c.body)
			if code != c.want || body["error"] == nil || (c.field != "" && body["field"] != c.field) {
				t.Errorf("got %d %v, want %d naming %q", code, body, c.want, c.field)
			}
		})
	}
}

func TestActionsByNumber(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		now := time.Now().UTC()
		at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339Nano) }
		older := report(t, e, `{"provider":"twilio","account":"AC1","provider_id":"SMnum1","direction":"outbound","to":"+14155550123","created_at":"`+at(-2*time.Hour)+`"}`)
		newer := report(t, e, `{"provider":"twilio","account":"AC1","provider_id":"SMnum2","direction":"outbound","to":"+14155550123","created_at":"`+at(-time.Hour)+`"}`)
		report(t, e, `{"provider":"twilio","account":"AC1","provider_id":"SMnum3","direction":"inbound","from":"+14155550123","to":"+14155550123","created_at":"`+at(-time.Minute)+`"}`)

		// Written as the user typed it: the default region makes it E.164.
		code, a := e.do(t, "POST", "/api/v1/actions", `{"to":"(415) 555-0123","type":"confirmed"}`)
		if code != 201 || a["message_id"] != float64(newer) {
			t.Errorf("default window: %d %v, want the newest outbound message %d", code, a, newer)
		}
		code, a = e.do(t, "POST", "/api/v1/actions", `{"to":"+14155550123","type":"replied","at":"`+at(-90*time.Minute)+`"}`)
		if code != 201 || a["message_id"] != float64(older) {
			t.Errorf("action stamped before the newer message: %d %v, want %d", code, a, older)
		}
		code, a = e.do(t, "POST", "/api/v1/actions", `{"to":"+14155550123","type":"confirmed","within":"30m"}`)
		if code != 404 || a["error"] == nil {
			t.Errorf("nothing within 30m: %d %v, want 404", code, a)
		}
		code, a = e.do(t, "POST", "/api/v1/actions", `{"to":"+14155550999","type":"confirmed"}`)
		if code != 404 {
			t.Errorf("unknown number: %d %v, want 404", code, a)
		}
	})
}
