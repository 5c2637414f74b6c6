package jasmin

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

var receivedAt = time.Date(2026, 3, 14, 15, 31, 0, 0, time.UTC)

const jasminID = "16fd2706-8baf-433b-82eb-8c7fada847da"

// receipt is a level 2 receipt as Jasmin's DLRThrower sends it (see
// Jasmin's "Receiving DLR" documentation), overridden by kv.
func receipt(kv ...string) url.Values {
	v := url.Values{
		"token": {testToken}, "account": {"shop"},
		"id": {jasminID}, "id_smsc": {"2567"}, "message_status": {"DELIVRD"}, "level": {"2"}, "connector": {"smppc-eu"},
		"subdate": {"2603141509"}, "donedate": {"2603141530"}, "sub": {"001"}, "dlvrd": {"001"}, "err": {"000"}, "text": {"Your code is 1234"},
	}
	return with(v, kv...)
}

// level1 is a level 1 receipt: only id, message_status and level.
func level1(kv ...string) url.Values {
	v := url.Values{"token": {testToken}, "id": {jasminID}, "message_status": {"ESME_ROK"}, "level": {"1"}}
	return with(v, kv...)
}

// mo is an inbound message as Jasmin's deliverSmHttpThrower sends it.
func mo(kv ...string) url.Values {
	v := url.Values{
		"token": {testToken}, "id": {"1113edca-0d1e-4a4f-b0e5-a0aa02e56d4f"}, "from": {"+4915112345678"}, "to": {"3364"},
		"origin-connector": {"smppc-eu"}, "priority": {"0"}, "coding": {"0"}, "validity": {"none"},
		"content": {"Hello from a handset"}, "binary": {"48656c6c6f2066726f6d20612068616e64736574"},
	}
	return with(v, kv...)
}

func with(v url.Values, kv ...string) url.Values {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "<del>" {
			v.Del(kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	return v
}

func TestParseDLR(t *testing.T) {
	done := time.Date(2026, 3, 14, 15, 30, 0, 0, time.UTC)
	tests := []struct {
		name      string
		fields    url.Values
		status    smstrack.Status
		errorCode string
		account   string
		provTime  time.Time
	}{
		{name: "level 1 accepted", fields: level1(), status: smstrack.StatusSent, account: "jasmin-eu"},
		{name: "level 1 refused", fields: level1("message_status", "ESME_RINVNUMDESTS"), status: smstrack.StatusFailed, errorCode: "ESME_RINVNUMDESTS", account: "jasmin-eu"},
		{name: "level 1 throttled, lower case", fields: level1("message_status", "esme_rthrottled"), status: smstrack.StatusFailed, errorCode: "ESME_RTHROTTLED", account: "jasmin-eu"},
		{name: "level 2 delivered", fields: receipt(), status: smstrack.StatusDelivered, account: "shop", provTime: done},
		{name: "level 3 delivered", fields: receipt("level", "3"), status: smstrack.StatusDelivered, account: "shop", provTime: done},
		{name: "delivered with 12-digit donedate", fields: receipt("donedate", "260314153059"), status: smstrack.StatusDelivered, account: "shop", provTime: done.Add(59 * time.Second)},
		{name: "delivered with a bad donedate", fields: receipt("donedate", "x"), status: smstrack.StatusDelivered, account: "shop"},
		{name: "undeliverable with err", fields: receipt("message_status", "UNDELIV", "err", "027"), status: smstrack.StatusUndelivered, errorCode: "027", account: "shop", provTime: done},
		{name: "expired", fields: receipt("message_status", "EXPIRED"), status: smstrack.StatusUndelivered, errorCode: "EXPIRED", account: "shop", provTime: done},
		{name: "deleted", fields: receipt("message_status", "DELETED"), status: smstrack.StatusUndelivered, errorCode: "DELETED", account: "shop", provTime: done},
		{name: "rejected", fields: receipt("message_status", "REJECTD", "err", "0"), status: smstrack.StatusUndelivered, errorCode: "REJECTD", account: "shop", provTime: done},
		{name: "unknown state", fields: receipt("message_status", "UNKNOWN"), status: smstrack.StatusUndelivered, errorCode: "UNKNOWN", account: "shop", provTime: done},
		{name: "accepted", fields: receipt("message_status", "ACCEPTD"), status: smstrack.StatusSent, account: "shop", provTime: done},
		{name: "enroute", fields: receipt("message_status", "ENROUTE"), status: smstrack.StatusSent, account: "shop", provTime: done},
		{name: "long word", fields: receipt("message_status", "DELIVERED"), status: smstrack.StatusDelivered, account: "shop", provTime: done},
		{name: "no err field", fields: receipt("message_status", "UNDELIV", "err", "<del>"), status: smstrack.StatusUndelivered, errorCode: "UNDELIV", account: "shop", provTime: done},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := ParseDLR(tt.fields, "jasmin-eu", nil, receivedAt)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Status != tt.status || ev.ErrorCode != tt.errorCode {
				t.Errorf("status %q code %q, want %q %q", ev.Status, ev.ErrorCode, tt.status, tt.errorCode)
			}
			if want := (smstrack.Key{Provider: "jasmin", Account: tt.account, ProviderID: jasminID}); ev.Key != want {
				t.Errorf("key %+v, want %+v", ev.Key, want)
			}
			if !ev.ProviderTime.Equal(tt.provTime) {
				t.Errorf("provider time %v, want %v", ev.ProviderTime, tt.provTime)
			}
			if ev.Facts.Direction != smstrack.Outbound || ev.Source != smstrack.SourceWebhook || ev.DedupeKey == "" {
				t.Errorf("event %+v", ev)
			}
			if strings.Contains(string(ev.Payload), testToken) {
				t.Errorf("payload %s keeps the token", ev.Payload)
			}
			var m map[string]any
			if err := json.Unmarshal(ev.Payload, &m); err != nil || m["message_status"] != tt.fields.Get("message_status") {
				t.Errorf("payload %s", ev.Payload)
			}
		})
	}
}

func TestParseDLRRefuses(t *testing.T) {
	tests := []struct {
		name   string
		fields url.Values
		field  string
	}{
		{"no id", receipt("id", "<del>"), "id"},
		{"blank id", receipt("id", "  "), "id"},
		{"long id", receipt("id", strings.Repeat("1", 200)), "id"},
		{"no status", receipt("message_status", "<del>"), "message_status"},
		{"unknown status", receipt("message_status", "SPLENDID"), "message_status"},
		{"bad account", receipt("account", "\xff"), "account"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := ParseDLR(tt.fields, "", nil, receivedAt)
			providertest.CheckRefused(t, ev, err, tt.field)
		})
	}
}

func TestParseInbound(t *testing.T) {
	tests := []struct {
		name   string
		fields url.Values
		body   *string
	}{
		{name: "GSM text", fields: mo(), body: ptr("Hello from a handset")},
		{name: "UCS-2 from binary", fields: mo("coding", "8", "content", "garbled", "binary", "004800690020043f0440043804320435044200200020d83dde00"), body: ptr("Hi привет  😀")},
		{name: "content not UTF-8, binary is", fields: mo("content", "\xff", "binary", "4869"), body: ptr("Hi")},
		{name: "empty content", fields: mo("content", "", "binary", "<del>"), body: ptr("")},
		{name: "no content at all", fields: mo("content", "<del>", "binary", "<del>")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := ParseInbound(tt.fields, "", receivedAt)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Status != smstrack.StatusReceived || ev.Facts.Direction != smstrack.Inbound || ev.Account != DefaultAccount {
				t.Errorf("event %+v", ev)
			}
			if ev.Facts.From != "+4915112345678" || ev.Facts.To != "3364" || !ev.Facts.CreatedAt.Equal(receivedAt) {
				t.Errorf("facts %+v", ev.Facts)
			}
			switch {
			case tt.body == nil && ev.Facts.Body != nil:
				t.Errorf("body %q, want none", *ev.Facts.Body)
			case tt.body != nil && (ev.Facts.Body == nil || *ev.Facts.Body != *tt.body):
				t.Errorf("body %v, want %q", ev.Facts.Body, *tt.body)
			}
		})
	}
	if _, err := ParseInbound(mo("id", "<del>"), "", receivedAt); smstrack.ErrorField(err) != "id" {
		t.Errorf("inbound without id: %v", err)
	}
}

func ptr(s string) *string { return &s }

func TestErrorCatalogRegistered(t *testing.T) {
	for _, code := range []string{"ESME_RINVNUMDESTS", "EXPIRED", "GSM:1"} {
		if info := smstrack.ExplainError(Provider, code); info == nil || info.Category == smstrack.CategoryUnknown && code != "ESME_RINVNUMDESTS" {
			t.Errorf("ExplainError(jasmin, %s) = %+v", code, info)
		}
	}
}
