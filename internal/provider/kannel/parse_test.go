package kannel

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

// dlr builds the query Kannel fetches for the dlr-url documented in
// docs/providers/kannel.md, with the escapes filled in, overridden by kv.
func dlr(kv ...string) url.Values {
	v := url.Values{
		"token": {testToken}, "type": {"1"}, "id": {"app-msg-42"}, "smsc_id": {"7f3a2b"},
		"answer": {"id:7f3a2b sub:001 dlvrd:001 submit date:2603141509 done date:2603141530 stat:DELIVRD err:000 text:Your code is 1234"},
		"to":     {"+4915112345678"}, "from": {"ACME"}, "ts": {"1773502260"}, "smsc": {"smsc-vodafone"}, "account": {"shop"},
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "<del>" {
			v.Del(kv[i])
			continue
		}
		v.Set(kv[i], kv[i+1])
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
		key       string
		account   string
		provTime  time.Time
		part      smstrack.PartRef
	}{
		{name: "delivered with receipt", fields: dlr(), status: smstrack.StatusDelivered, key: "app-msg-42", account: "shop", provTime: done},
		{
			name:   "undelivered with receipt err",
			fields: dlr("type", "2", "answer", "id:7f3a2b sub:001 dlvrd:000 submit date:2603141509 done date:2603141530 stat:UNDELIV err:027 text:x"),
			status: smstrack.StatusUndelivered, errorCode: "027", key: "app-msg-42", account: "shop", provTime: done,
		},
		{
			name:   "expired receipt keeps its state as code",
			fields: dlr("type", "2", "answer", "id:7f3a2b sub:001 dlvrd:000 submit date:2603141509 done date:260314153012 stat:EXPIRED err:000 text:x"),
			status: smstrack.StatusUndelivered, errorCode: "EXPIRED", key: "app-msg-42", account: "shop", provTime: done.Add(12 * time.Second),
		},
		{
			name:   "undelivered whose receipt says delivered: no reason kept",
			fields: dlr("type", "2"),
			status: smstrack.StatusUndelivered, key: "app-msg-42", account: "shop", provTime: done,
		},
		{
			name:   "undelivered without receipt text",
			fields: dlr("type", "2", "answer", "<del>"),
			status: smstrack.StatusUndelivered, key: "app-msg-42", account: "shop", provTime: time.Unix(1773502260, 0).UTC(),
		},
		{name: "buffered", fields: dlr("type", "4", "answer", "", "ts", "<del>"), status: smstrack.StatusSent, key: "app-msg-42", account: "shop"},
		{name: "smsc ack", fields: dlr("type", "8", "answer", "ACK/", "ts", "2026-03-14 15:09:10"), status: smstrack.StatusSent, key: "app-msg-42", account: "shop",
			provTime: time.Date(2026, 3, 14, 15, 9, 10, 0, time.UTC)},
		{name: "smsc nack with command status", fields: dlr("type", "16", "answer", "NACK/0x0000000b/Invalid Destination Address", "ts", "2026-03-14 15:09"),
			status: smstrack.StatusFailed, errorCode: "ESME_RINVDSTADR", key: "app-msg-42", account: "shop", provTime: time.Date(2026, 3, 14, 15, 9, 0, 0, time.UTC)},
		{name: "smsc nack, throttled", fields: dlr("type", "16", "answer", "NACK/0x00000058/Throttling error"), status: smstrack.StatusFailed, errorCode: "ESME_RTHROTTLED", key: "app-msg-42", account: "shop", provTime: time.Unix(1773502260, 0).UTC()},
		{name: "smsc nack without reason", fields: dlr("type", "16", "answer", "", "ts", ""), status: smstrack.StatusFailed, key: "app-msg-42", account: "shop"},
		{name: "failure bit wins over others", fields: dlr("type", "34", "answer", ""), status: smstrack.StatusUndelivered, key: "app-msg-42", account: "shop", provTime: time.Unix(1773502260, 0).UTC()},
		{name: "keyed by the SMSC id without an app id", fields: dlr("id", "<del>"), status: smstrack.StatusDelivered, key: "7f3a2b", account: "shop", provTime: done},
		{name: "configured account when the URL names none", fields: dlr("account", "<del>"), status: smstrack.StatusDelivered, key: "app-msg-42", account: "kannel-eu", provTime: done},
		{
			name: "multipart: one part of three", fields: dlr("parts", "3"),
			status: smstrack.StatusDelivered, key: "app-msg-42", account: "shop", provTime: done, part: smstrack.PartRef{ID: "7f3a2b", Count: 3},
		},
		{name: "parts=1 is no multipart", fields: dlr("parts", "1"), status: smstrack.StatusDelivered, key: "app-msg-42", account: "shop", provTime: done},
		{name: "unreadable receipt costs nothing", fields: dlr("answer", "stat:SPLENDID id:1"), status: smstrack.StatusDelivered, key: "app-msg-42", account: "shop", provTime: time.Unix(1773502260, 0).UTC()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := ParseDLR(tt.fields, "kannel-eu", nil, receivedAt)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Status != tt.status || ev.ErrorCode != tt.errorCode {
				t.Errorf("status %q code %q, want %q %q", ev.Status, ev.ErrorCode, tt.status, tt.errorCode)
			}
			want := smstrack.Key{Provider: "kannel", Account: tt.account, ProviderID: tt.key}
			if ev.Key != want {
				t.Errorf("key %+v, want %+v", ev.Key, want)
			}
			if !ev.ProviderTime.Equal(tt.provTime) {
				t.Errorf("provider time %v, want %v", ev.ProviderTime, tt.provTime)
			}
			if ev.Part != tt.part {
				t.Errorf("part %+v, want %+v", ev.Part, tt.part)
			}
			if ev.Facts.Direction != smstrack.Outbound || ev.Facts.To != "+4915112345678" || ev.Facts.From != "ACME" {
				t.Errorf("facts %+v", ev.Facts)
			}
			if ev.Source != smstrack.SourceWebhook || !ev.ReceivedAt.Equal(receivedAt) || ev.DedupeKey == "" {
				t.Errorf("event %+v", ev.Event)
			}
			var payload map[string]any
			if err := json.Unmarshal(ev.Payload, &payload); err != nil {
				t.Fatal(err)
			}
			if _, ok := payload["token"]; ok || strings.Contains(string(ev.Payload), testToken) {
				t.Errorf("payload %s keeps the token", ev.Payload)
			}
			if payload["smsc"] != "smsc-vodafone" {
				t.Errorf("payload %s lost fields", ev.Payload)
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
		{"no type", dlr("type", "<del>"), "type"},
		{"empty type", dlr("type", " "), "type"},
		{"type not a number", dlr("type", "%d"), "type"},
		{"negative type", dlr("type", "-1"), "type"},
		{"type without a known bit", dlr("type", "32"), "type"},
		{"type zero", dlr("type", "0"), "type"},
		{"no id at all", dlr("id", "<del>", "smsc_id", "<del>"), "id"},
		{"id too long", dlr("id", strings.Repeat("x", 200)), "id"},
		{"id not UTF-8", dlr("id", "\xff"), "id"},
		{"account too long", dlr("account", strings.Repeat("a", 200)), "account"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := ParseDLR(tt.fields, "", nil, receivedAt)
			providertest.CheckRefused(t, ev, err, tt.field)
		})
	}
}

func TestDedupe(t *testing.T) {
	a, _ := ParseDLR(dlr(), "", nil, receivedAt)
	b, _ := ParseDLR(dlr("token", "other"), "", nil, receivedAt.Add(time.Minute))
	c, _ := ParseDLR(dlr("type", "8", "answer", "ACK/"), "", nil, receivedAt)
	if a.DedupeKey != b.DedupeKey {
		t.Error("the same report twice gave two dedupe keys")
	}
	if a.DedupeKey == c.DedupeKey {
		t.Error("an ack and a receipt share a dedupe key")
	}
}

func TestErrorCatalogRegistered(t *testing.T) {
	for _, code := range []string{"ESME_RINVDSTADR", "EXPIRED", "GSM:27"} {
		if info := smstrack.ExplainError(Provider, code); info == nil || info.Category == smstrack.CategoryUnknown && code != "UNKNOWN" {
			t.Errorf("ExplainError(kannel, %s) = %+v", code, info)
		}
	}
}
