package api_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/smstrack/smstrack/internal/testdb"
)

// TestConversationsAPI: the same pair written in different formats is one
// conversation; different pairs never share one.
func TestConversationsAPI(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		send := func(sid, dir, from, to, body, at string) map[string]any {
			t.Helper()
			code, m := e.do(t, "POST", "/api/v1/messages", fmt.Sprintf(
				`{"provider":"twilio","account":"AC1","provider_id":%q,"direction":%q,"from":%q,"to":%q,"body":%q,"status":"sent","created_at":%q}`,
				sid, dir, from, to, body, at))
			if code != 201 {
				t.Fatalf("report %s: %d %v", sid, code, m)
			}
			return m
		}
		a := send("SM1", "outbound", "+1 (415) 555-0100", "+44 7400 123456", "Your code is 1234", "2026-11-27T10:00:00Z")
		b := send("SM2", "inbound", "447400123456", "(415) 555-0100", "ok thanks", "2026-11-27T10:02:00Z")
		c := send("SM3", "outbound", "+14155550100", "+447400123457", "Hello", "2026-11-27T10:03:00Z")
		if a["conversation_id"] != b["conversation_id"] || a["conversation_id"] == c["conversation_id"] || a["conversation_id"].(float64) == 0 {
			t.Fatalf("conversation ids %v %v %v: want the first two equal, the third different", a["conversation_id"], b["conversation_id"], c["conversation_id"])
		}
		if b["reply_to"] != a["id"] || b["response_time_ms"].(float64) != 120000 {
			t.Errorf("reply: reply_to %v response %v", b["reply_to"], b["response_time_ms"])
		}
		code, list := e.do(t, "GET", "/api/v1/conversations?their_number=%2B44%207400%20123456", "")
		convs, _ := list["conversations"].([]any)
		if code != 200 || len(convs) != 1 {
			t.Fatalf("filter by their number: %d %v", code, list)
		}
		conv := convs[0].(map[string]any)
		if conv["inbound_count"].(float64) != 1 || conv["outbound_count"].(float64) != 1 || conv["last_message"].(map[string]any)["provider_id"] != "SM2" {
			t.Errorf("conversation: %v", conv)
		}
		id := strconv.FormatInt(int64(conv["id"].(float64)), 10)
		first := strconv.FormatInt(int64(a["id"].(float64)), 10)
		if code, r := e.do(t, "POST", "/api/v1/messages/"+first+"/actions", `{"type":"confirmed"}`); code != 201 {
			t.Fatalf("action: %d %v", code, r)
		}
		code, one := e.do(t, "GET", "/api/v1/conversations/"+id, "")
		msgs, _ := one["messages"].([]any)
		if code != 200 || len(msgs) != 2 || msgs[0].(map[string]any)["provider_id"] != "SM1" {
			t.Fatalf("conversation detail: %d %v", code, one)
		}
		acts, _ := msgs[0].(map[string]any)["actions"].([]any)
		if len(acts) != 1 || acts[0].(map[string]any)["type"] != "confirmed" || msgs[1].(map[string]any)["actions"] != nil {
			t.Errorf("actions in the conversation: %v / %v", msgs[0], msgs[1].(map[string]any)["actions"])
		}
		for _, bad := range []string{"/api/v1/conversations?opted_out=maybe", "/api/v1/conversations?nope=1", "/api/v1/conversations/999", "/api/v1/conversations/x"} {
			if code, r := e.do(t, "GET", bad, ""); code != 400 && code != 404 || r["error"] == "" {
				t.Errorf("%s: %d %v", bad, code, r)
			}
		}
	})
}
