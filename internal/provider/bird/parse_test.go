package bird

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
)

var receivedAt = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

// reportQuery is a legacy status report as MessageBird documents it.
const reportQuery = "id=efa6405d518d4c0c88cce11f7db775fb&reference=order-42&recipient=31612345678&status=delivery_failed" +
	"&statusReason=unknown+subscriber&statusErrorCode=1&statusDatetime=2026-03-14T15%3A09%3A00%2B00%3A00&mccmnc=20408&ported=0" +
	"&price%5Bamount%5D=0.07&price%5Bcurrency%5D=EUR"

const channelID = "614208aa-b153-4d5d-9989-2fddfc0ce4c3"

// outboundEvent is an sms.outbound Channels API webhook.
const outboundEvent = `{"service":"channels","event":"sms.outbound","payload":{"id":"96a0b5fa-a986-453d-be5c-3117f989f025",
"channelId":"614208aa-b153-4d5d-9989-2fddfc0ce4c3","sender":{"connector":{"id":"86cc4dc0-3dc0-41b7-ac43-8ec829ead56f","identifierValue":"+31970102030"}},
"receiver":{"contacts":[{"id":"32cf5eee-f940-422c-ab8c-5f753aad5efd","identifierKey":"phonenumber","identifierValue":"+31612345678"}]},
"body":{"type":"text","text":{"text":"Your code is 123456"}},"parts":[{"platformReference":"a"},{"platformReference":"b"}],
"status":"delivery_failed","reason":"unknown subscriber","direction":"outgoing","failure":{"code":1},
"lastStatusAt":"2026-03-14T15:09:00.5Z","createdAt":"2026-03-14T15:08:50Z","updatedAt":"2026-03-14T15:09:00.5Z"}}`

// inboundEvent is an sms.inbound Channels API webhook, as Bird documents
// an incoming text message.
const inboundEvent = `{"service":"channels","event":"sms.inbound","payload":{"id":"96a0b5fa-a986-453d-be5c-3117f989f026",
"channelId":"614208aa-b153-4d5d-9989-2fddfc0ce4c3","sender":{"contact":{"id":"32cf5eee","identifierKey":"phonenumber","identifierValue":"+31612345678"}},
"receiver":{"connector":{"id":"86cc4dc0-3dc0-41b7-ac43-8ec829ead56f","identifierValue":"+31970102030"}},
"body":{"type":"text","text":{"text":"Sample incoming text message"}},"parts":[{"platformReference":"e8077d803532c0b5937c639b60216938"}],
"status":"delivered","direction":"incoming","lastStatusAt":"2026-03-14T15:09:02.736Z"}}`

func mustQuery(t *testing.T, s string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestParseStatusReport(t *testing.T) {
	ev, err := ParseStatusReport(mustQuery(t, reportQuery), receivedAt, "acme")
	if err != nil {
		t.Fatal(err)
	}
	want := smstrack.Key{Provider: Provider, Account: "acme", ProviderID: "efa6405d518d4c0c88cce11f7db775fb:31612345678"}
	if ev.Key != want {
		t.Errorf("key = %+v, want %+v", ev.Key, want)
	}
	if ev.Status != smstrack.StatusUndelivered || ev.ErrorCode != "1" || !ev.ProviderTime.Equal(time.Date(2026, 3, 14, 15, 9, 0, 0, time.UTC)) {
		t.Errorf("event = %s %q %v, want undelivered 1 at 15:09", ev.Status, ev.ErrorCode, ev.ProviderTime)
	}
	f := ev.Facts
	if f.Direction != smstrack.Outbound || f.To != "+31612345678" || f.Price != "0.07" || f.PriceUnit != "EUR" ||
		f.Network != (smstrack.Network{MCC: "204", MNC: "08"}) {
		t.Errorf("facts = %+v", f)
	}
	var m map[string]any
	if err := json.Unmarshal(ev.Payload, &m); err != nil || m["statusReason"] != "unknown subscriber" || m["price[amount]"] != "0.07" {
		t.Errorf("payload %s lost fields (%v)", ev.Payload, err)
	}
	if ev.Source != smstrack.SourceWebhook || ev.DedupeKey == "" {
		t.Errorf("source %q dedupe %q", ev.Source, ev.DedupeKey)
	}
}

func TestParseStatusReportEveryStatus(t *testing.T) {
	tests := []struct {
		word     string
		want     smstrack.Status
		wantCode string
	}{
		{"scheduled", smstrack.StatusScheduled, "1"},
		{"sent", smstrack.StatusSent, "1"},
		{"buffered", smstrack.StatusSent, "1"},
		{"delivered", smstrack.StatusDelivered, ""},
		{"expired", smstrack.StatusUndelivered, "1"},
		{"delivery_failed", smstrack.StatusUndelivered, "1"},
		{"DELIVERED", smstrack.StatusDelivered, ""},
	}
	for _, tt := range tests {
		q := mustQuery(t, reportQuery)
		q.Set("status", tt.word)
		ev, err := ParseStatusReport(q, receivedAt, "acme")
		if err != nil {
			t.Fatalf("%s: %v", tt.word, err)
		}
		if ev.Status != tt.want || ev.ErrorCode != tt.wantCode {
			t.Errorf("%s = %s %q, want %s %q", tt.word, ev.Status, ev.ErrorCode, tt.want, tt.wantCode)
		}
	}
	if len(reportStatuses) != len(tests)-1 {
		t.Errorf("the table has %d words, the test %d: keep them in step", len(reportStatuses), len(tests)-1)
	}
	q := mustQuery(t, reportQuery)
	q.Set("statusErrorCode", "0")
	if ev, _ := ParseStatusReport(q, receivedAt, "acme"); ev.ErrorCode != "" {
		t.Errorf("statusErrorCode 0 gave error code %q, want none", ev.ErrorCode)
	}
}

func TestParseStatusReportRefusals(t *testing.T) {
	tests := []struct {
		name, drop, set, value, wantField string
	}{
		{name: "no id", drop: "id", wantField: "id"},
		{name: "no recipient", drop: "recipient", wantField: "recipient"},
		{name: "no status", drop: "status", wantField: "status"},
		{name: "unknown status", set: "status", value: "exploded", wantField: "status"},
		{name: "id with spaces", set: "id", value: "a b", wantField: "id"},
	}
	for _, tt := range tests {
		q := mustQuery(t, reportQuery)
		if tt.drop != "" {
			q.Del(tt.drop)
		}
		if tt.set != "" {
			q.Set(tt.set, tt.value)
		}
		_, err := ParseStatusReport(q, receivedAt, "acme")
		if smstrack.ErrorCode(err) != smstrack.EINVALID || smstrack.ErrorField(err) != tt.wantField {
			t.Errorf("%s: error %v, want EINVALID on %s", tt.name, err, tt.wantField)
		}
	}
}

func TestParseChannelEvent(t *testing.T) {
	evs, err := ParseChannelEvent([]byte(outboundEvent), receivedAt, "acme")
	if err != nil || len(evs) != 1 {
		t.Fatalf("outbound: %d events, %v", len(evs), err)
	}
	ev := evs[0]
	if ev.Key != (smstrack.Key{Provider: Provider, Account: channelID, ProviderID: "96a0b5fa-a986-453d-be5c-3117f989f025"}) {
		t.Errorf("key = %+v", ev.Key)
	}
	if ev.Status != smstrack.StatusUndelivered || ev.ErrorCode != "1" || !ev.ProviderTime.Equal(time.Date(2026, 3, 14, 15, 9, 0, 500e6, time.UTC)) {
		t.Errorf("event = %s %q %v", ev.Status, ev.ErrorCode, ev.ProviderTime)
	}
	if f := ev.Facts; f.Direction != smstrack.Outbound || f.From != "+31970102030" || f.To != "+31612345678" || f.Segments != 2 || f.Body != nil {
		t.Errorf("facts = %+v", f)
	}

	evs, err = ParseChannelEvent([]byte(inboundEvent), receivedAt, "acme")
	if err != nil || len(evs) != 1 {
		t.Fatalf("inbound: %d events, %v", len(evs), err)
	}
	ev = evs[0]
	if ev.Status != smstrack.StatusReceived || ev.Facts.Direction != smstrack.Inbound || ev.Facts.From != "+31612345678" ||
		ev.Facts.To != "+31970102030" || ev.Facts.Body == nil || *ev.Facts.Body != "Sample incoming text message" {
		t.Errorf("inbound = %s %+v", ev.Status, ev.Facts)
	}
}

func TestParseChannelEventEveryStatus(t *testing.T) {
	tests := []struct {
		word string
		want smstrack.Status
	}{
		{"accepted", smstrack.StatusAccepted},
		{"scheduled", smstrack.StatusScheduled},
		{"processing", smstrack.StatusQueued},
		{"sent", smstrack.StatusSent},
		{"sending_failed", smstrack.StatusFailed},
		{"delivered", smstrack.StatusDelivered},
		{"delivery_failed", smstrack.StatusUndelivered},
	}
	for _, tt := range tests {
		body := strings.Replace(outboundEvent, `"status":"delivery_failed"`, `"status":"`+tt.word+`"`, 1)
		evs, err := ParseChannelEvent([]byte(body), receivedAt, "acme")
		if err != nil {
			t.Fatalf("%s: %v", tt.word, err)
		}
		if evs[0].Status != tt.want {
			t.Errorf("%s = %s, want %s", tt.word, evs[0].Status, tt.want)
		}
	}
	if len(channelStatuses) != len(tests) {
		t.Errorf("the table has %d words, the test %d: keep them in step", len(channelStatuses), len(tests))
	}
}

func TestParseChannelEventRefusals(t *testing.T) {
	tests := []struct {
		name, body, wantField string
	}{
		{"not JSON", "id=1", ""},
		{"other event", strings.Replace(outboundEvent, "sms.outbound", "whatsapp.outbound", 1), "event"},
		{"no payload", `{"service":"channels","event":"sms.outbound"}`, "payload"},
		{"no id", strings.Replace(outboundEvent, `"id":"96a0b5fa-a986-453d-be5c-3117f989f025",`, ``, 1), "payload.id"},
		{"unknown status", strings.Replace(outboundEvent, `"status":"delivery_failed"`, `"status":"lost"`, 1), "payload.status"},
		{"no status", strings.Replace(outboundEvent, `"status":"delivery_failed",`, ``, 1), "payload.status"},
	}
	for _, tt := range tests {
		_, err := ParseChannelEvent([]byte(tt.body), receivedAt, "acme")
		if smstrack.ErrorCode(err) != smstrack.EINVALID || smstrack.ErrorField(err) != tt.wantField {
			t.Errorf("%s: error %v, want EINVALID on %q", tt.name, err, tt.wantField)
		}
	}
}
