package telnyx

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
)

var receivedAt = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

const (
	testMessageID = "40385f64-5717-4562-b3fc-2c963f66afa6"
	testProfile   = "4000eba1-a0c0-4563-9925-b25e842a7cb6"
)

// finalizedBody is a message.finalized webhook as Telnyx documents it,
// for a message that failed to be delivered.
const finalizedBody = `{
  "data": {
    "event_type": "message.finalized",
    "id": "4ee8c3a6-4995-4309-a3c6-38e3db9ea4be",
    "occurred_at": "2026-03-14T15:09:20.148+00:00",
    "payload": {
      "completed_at": "2026-03-14T15:09:19.5+00:00",
      "cost": {"amount": "0.0051", "currency": "USD"},
      "direction": "outbound",
      "encoding": "GSM-7",
      "errors": [{"code": "40008", "title": "Undeliverable", "detail": "The recipient carrier did not accept the message."}],
      "from": {"carrier": "TELNYX LLC", "line_type": "VoIP", "phone_number": "+18445550001"},
      "id": "40385f64-5717-4562-b3fc-2c963f66afa6",
      "media": [],
      "messaging_profile_id": "4000eba1-a0c0-4563-9925-b25e842a7cb6",
      "parts": 2,
      "record_type": "message",
      "sent_at": "2026-03-14T15:09:12.000+00:00",
      "text": "Your code is 123456",
      "to": [{"carrier": "T-MOBILE USA, INC.", "line_type": "Wireless", "phone_number": "+18665550001", "status": "delivery_failed"}],
      "type": "SMS"
    },
    "record_type": "event"
  },
  "meta": {"attempt": 1, "delivered_to": "https://track.example.com/webhooks/telnyx"}
}`

// sentBody is a message.sent webhook for an MMS.
const sentBody = `{"data":{"event_type":"message.sent","id":"86f58db9-0fe3-4adc-9d1f-46e66e6e9323","occurred_at":"2026-03-14T15:09:12.000+00:00",
"payload":{"record_type":"message","direction":"outbound","id":"40385f64-5717-4562-b3fc-2c963f66afa6","type":"MMS",
"messaging_profile_id":"4000eba1-a0c0-4563-9925-b25e842a7cb6","from":{"phone_number":"+18445550001","carrier":"TELNYX LLC","line_type":"VoIP"},
"to":[{"phone_number":"+18665550001","status":"sent","carrier":"T-MOBILE USA, INC.","line_type":"Wireless"}],"cc":[],"text":"Hello, World!",
"media":[{"url":"https://media.example.com/cat.png","content_type":"image/png","sha256":null,"size":1024}],"encoding":"GSM-7","parts":1,
"cost":{"amount":0.0051,"currency":"USD"},"sent_at":"2026-03-14T15:09:12.000+00:00","completed_at":null,"errors":[]}}}`

// receivedBody is a message.received webhook as Telnyx documents it.
const receivedBody = `{"data":{"event_type":"message.received","id":"bf6307bd-884d-4c1f-b6ea-c62b8c495d3c","occurred_at":"2026-03-14T15:09:02.574Z",
"payload":{"record_type":"message","direction":"inbound","id":"7ee4241c-f127-47e5-9c34-3aac291f8058","type":"SMS",
"messaging_profile_id":"0f512bda-ae1e-4597-8e11-e5f5686b97d3","from":{"phone_number":"+18665550001","carrier":"T-MOBILE USA, INC.","line_type":"Wireless"},
"to":[{"phone_number":"+18445550001","status":"webhook_delivered","carrier":"TELNYX LLC","line_type":"VoIP"}],"cc":[],"text":"Hello, World!",
"media":[],"encoding":"GSM-7","parts":1,"cost":null,"received_at":"2026-03-14T15:09:02.574Z","sent_at":null,"completed_at":null,"errors":[]}}}`

// groupBody is a message.finalized webhook for a group MMS to two numbers.
const groupBody = `{"data":{"event_type":"message.finalized","id":"e1","occurred_at":"2026-03-14T15:10:00Z",
"payload":{"id":"40385f64-5717-4562-b3fc-2c963f66afa6","direction":"outbound","from":{"phone_number":"+18445550001"},
"to":[{"phone_number":"+18665550001","status":"delivered","line_type":"Pre-Paid Wireless"},{"phone_number":"+18665550002","status":"delivery_unconfirmed","line_type":"Wireline"}],
"errors":[{"code":"40006","title":"Recipient server unavailable"}],"completed_at":"2026-03-14T15:09:59Z","parts":1}}}`

func TestParseWebhook(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		account   string
		wantKeys  []string // ProviderIDs
		want      smstrack.EventInput
		wantBody  *string
		wantMedia int
	}{
		{
			name:     "finalized delivery failure",
			body:     finalizedBody,
			account:  "label",
			wantKeys: []string{testMessageID},
			want: smstrack.EventInput{
				Key:   smstrack.Key{Provider: Provider, Account: testProfile},
				Event: smstrack.Event{Status: smstrack.StatusUndelivered, ErrorCode: "40008", ProviderTime: time.Date(2026, 3, 14, 15, 9, 19, 500e6, time.UTC)},
				Facts: smstrack.Facts{Direction: smstrack.Outbound, From: "+18445550001", To: "+18665550001", Segments: 2, Encoding: "GSM-7",
					Price: "0.0051", PriceUnit: "USD", Network: smstrack.Network{Carrier: "T-MOBILE USA, INC.", NumberType: "mobile"}},
			},
		},
		{
			name:     "sent MMS with a numeric cost",
			body:     sentBody,
			account:  "label",
			wantKeys: []string{testMessageID},
			want: smstrack.EventInput{
				Key:   smstrack.Key{Provider: Provider, Account: testProfile},
				Event: smstrack.Event{Status: smstrack.StatusSent, ProviderTime: time.Date(2026, 3, 14, 15, 9, 12, 0, time.UTC)},
				Facts: smstrack.Facts{Direction: smstrack.Outbound, From: "+18445550001", To: "+18665550001", Segments: 1, Encoding: "GSM-7",
					Price: "0.0051", PriceUnit: "USD", Network: smstrack.Network{Carrier: "T-MOBILE USA, INC.", NumberType: "mobile"}},
			},
			wantMedia: 1,
		},
		{
			name:     "inbound message",
			body:     receivedBody,
			account:  "label",
			wantKeys: []string{"7ee4241c-f127-47e5-9c34-3aac291f8058"},
			want: smstrack.EventInput{
				Key:   smstrack.Key{Provider: Provider, Account: "0f512bda-ae1e-4597-8e11-e5f5686b97d3"},
				Event: smstrack.Event{Status: smstrack.StatusReceived, ProviderTime: time.Date(2026, 3, 14, 15, 9, 2, 574e6, time.UTC)},
				Facts: smstrack.Facts{Direction: smstrack.Inbound, From: "+18665550001", To: "+18445550001", Segments: 1, Encoding: "GSM-7",
					Network: smstrack.Network{Carrier: "T-MOBILE USA, INC.", NumberType: "mobile"}, CreatedAt: receivedAt},
			},
			wantBody: ptr("Hello, World!"),
		},
		{
			name:     "no messaging profile: the configured account",
			body:     strings.Replace(finalizedBody, `"messaging_profile_id": "4000eba1-a0c0-4563-9925-b25e842a7cb6",`, `"messaging_profile_id": null,`, 1),
			account:  "acme",
			wantKeys: []string{testMessageID},
			want: smstrack.EventInput{
				Key:   smstrack.Key{Provider: Provider, Account: "acme"},
				Event: smstrack.Event{Status: smstrack.StatusUndelivered, ErrorCode: "40008", ProviderTime: time.Date(2026, 3, 14, 15, 9, 19, 500e6, time.UTC)},
				Facts: smstrack.Facts{Direction: smstrack.Outbound, From: "+18445550001", To: "+18665550001", Segments: 2, Encoding: "GSM-7",
					Price: "0.0051", PriceUnit: "USD", Network: smstrack.Network{Carrier: "T-MOBILE USA, INC.", NumberType: "mobile"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := ParseWebhook([]byte(tt.body), receivedAt, tt.account)
			if err != nil {
				t.Fatalf("ParseWebhook: %v", err)
			}
			if len(evs) != len(tt.wantKeys) {
				t.Fatalf("got %d events, want %d", len(evs), len(tt.wantKeys))
			}
			ev := evs[0]
			want := tt.want
			want.ProviderID = tt.wantKeys[0]
			checkEvent(t, ev, want)
			if (ev.Facts.Body == nil) != (tt.wantBody == nil) || ev.Facts.Body != nil && *ev.Facts.Body != *tt.wantBody {
				t.Errorf("body = %v, want %v", ev.Facts.Body, tt.wantBody)
			}
			if len(ev.Facts.Media) != tt.wantMedia {
				t.Errorf("media = %+v, want %d", ev.Facts.Media, tt.wantMedia)
			}
		})
	}
}

// checkEvent compares what a parser sets with want, and checks the rest.
func checkEvent(t *testing.T, ev *smstrack.EventInput, want smstrack.EventInput) {
	t.Helper()
	if ev.Key != want.Key {
		t.Errorf("key = %+v, want %+v", ev.Key, want.Key)
	}
	if ev.Status != want.Status || ev.ErrorCode != want.ErrorCode || !ev.ProviderTime.Equal(want.ProviderTime) {
		t.Errorf("event = %s %q %v, want %s %q %v", ev.Status, ev.ErrorCode, ev.ProviderTime, want.Status, want.ErrorCode, want.ProviderTime)
	}
	if ev.Source != smstrack.SourceWebhook || !ev.ReceivedAt.Equal(receivedAt) || ev.DedupeKey == "" || !json.Valid(ev.Payload) {
		t.Errorf("source %q received %v dedupe %q payload valid %v", ev.Source, ev.ReceivedAt, ev.DedupeKey, json.Valid(ev.Payload))
	}
	got := ev.Facts
	got.Body, got.Media, got.Tags = nil, nil, nil
	want.Facts.Body, want.Facts.Media, want.Facts.Tags = nil, nil, nil
	if got.Direction != want.Facts.Direction || got.From != want.Facts.From || got.To != want.Facts.To ||
		got.Segments != want.Facts.Segments || got.Encoding != want.Facts.Encoding || got.Price != want.Facts.Price ||
		got.PriceUnit != want.Facts.PriceUnit || got.Network != want.Facts.Network || !got.CreatedAt.Equal(want.Facts.CreatedAt) {
		t.Errorf("facts =\n%+v\nwant\n%+v", got, want.Facts)
	}
}

func ptr(s string) *string { return &s }

func TestParseWebhookEveryStatus(t *testing.T) {
	tests := []struct {
		word string
		want smstrack.Status
	}{
		{"scheduled", smstrack.StatusScheduled},
		{"queued", smstrack.StatusQueued},
		{"sending", smstrack.StatusSending},
		{"sent", smstrack.StatusSent},
		{"delivered", smstrack.StatusDelivered},
		{"sending_failed", smstrack.StatusFailed},
		{"delivery_failed", smstrack.StatusUndelivered},
		{"delivery_unconfirmed", smstrack.StatusSent},
		{"expired", smstrack.StatusUndelivered},
		{"cancelled", smstrack.StatusCanceled},
		{"webhook_delivered", smstrack.StatusReceived},
		{"DELIVERED", smstrack.StatusDelivered},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			body := strings.Replace(finalizedBody, `"status": "delivery_failed"`, `"status": "`+tt.word+`"`, 1)
			evs, err := ParseWebhook([]byte(body), receivedAt, "")
			if err != nil {
				t.Fatalf("ParseWebhook: %v", err)
			}
			if got := evs[0].Status; got != tt.want {
				t.Errorf("status %q = %s, want %s", tt.word, got, tt.want)
			}
			// A delivered recipient carries no error, whatever the list says.
			wantCode := "40008"
			if tt.want == smstrack.StatusDelivered {
				wantCode = ""
			}
			if evs[0].ErrorCode != wantCode {
				t.Errorf("error code %q, want %q", evs[0].ErrorCode, wantCode)
			}
		})
	}
	if len(statuses) != len(tests)-1 {
		t.Errorf("the table has %d words, the test %d: keep them in step", len(statuses), len(tests)-1)
	}
}

func TestParseWebhookGroup(t *testing.T) {
	evs, err := ParseWebhook([]byte(groupBody), receivedAt, "")
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		id, to, code, numberType string
		status                   smstrack.Status
	}
	want := []got{
		{testMessageID + ":+18665550001", "+18665550001", "", "mobile", smstrack.StatusDelivered},
		{testMessageID + ":+18665550002", "+18665550002", "40006", "fixed_line", smstrack.StatusSent},
	}
	if len(evs) != len(want) {
		t.Fatalf("got %d events, want %d", len(evs), len(want))
	}
	for i, ev := range evs {
		g := got{ev.ProviderID, ev.Facts.To, ev.ErrorCode, ev.Facts.Network.NumberType, ev.Status}
		if g != want[i] {
			t.Errorf("event %d = %+v, want %+v", i, g, want[i])
		}
		if ev.Account != DefaultAccount {
			t.Errorf("account %q, want the default %q", ev.Account, DefaultAccount)
		}
	}
	if evs[0].DedupeKey == evs[1].DedupeKey {
		t.Error("two recipients share a dedupe key")
	}
	// A recipient listed twice is one delivery.
	dup := strings.Replace(groupBody, "+18665550002", "+18665550001", 1)
	evs, err = ParseWebhook([]byte(dup), receivedAt, "")
	if err != nil || len(evs) != 1 {
		t.Errorf("duplicate recipient: %d events, err %v; want 1", len(evs), err)
	}
}

func TestParseWebhookRefusals(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		wantField string
	}{
		{"not JSON", `MessageSid=SM1`, ""},
		{"not an object", `[1,2]`, ""},
		{"null", `null`, ""},
		{"two objects", `{"data":{}}{}`, ""},
		{"not UTF-8", "{\"data\":\"\xff\"}", ""},
		{"no data", `{"meta":{}}`, "data"},
		{"no payload", `{"data":{"event_type":"message.sent"}}`, "data.payload"},
		{"no id", strings.Replace(finalizedBody, `"id": "40385f64-5717-4562-b3fc-2c963f66afa6",`, ``, 1), "data.payload.id"},
		{"id with spaces", strings.Replace(finalizedBody, `"id": "40385f64-5717-4562-b3fc-2c963f66afa6",`, `"id": "a b",`, 1), "data.payload.id"},
		{"unknown status", strings.Replace(finalizedBody, `"status": "delivery_failed"`, `"status": "exploded"`, 1), "data.payload.to.status"},
		{"no status", strings.Replace(finalizedBody, `, "status": "delivery_failed"`, ``, 1), "data.payload.to.status"},
		{"no recipients", strings.Replace(sentBody, `"to":[{"phone_number":"+18665550001","status":"sent","carrier":"T-MOBILE USA, INC.","line_type":"Wireless"}]`, `"to":[]`, 1), "data.payload.to"},
		{"unknown event type", strings.Replace(finalizedBody, `"message.finalized"`, `"call.initiated"`, 1), "data.event_type"},
		{"no event type", strings.Replace(finalizedBody, `"event_type": "message.finalized",`, ``, 1), "data.event_type"},
		{"wrong type", `{"data":{"event_type":"message.sent","payload":{"id":7}}}`, "data.payload.id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := ParseWebhook([]byte(tt.body), receivedAt, "")
			if err == nil {
				t.Fatalf("ParseWebhook accepted %s as %+v", tt.body, evs)
			}
			if smstrack.ErrorCode(err) != smstrack.EINVALID {
				t.Errorf("error code %q, want %q", smstrack.ErrorCode(err), smstrack.EINVALID)
			}
			if got := smstrack.ErrorField(err); got != tt.wantField {
				t.Errorf("field %q, want %q (%v)", got, tt.wantField, err)
			}
		})
	}
}

// The payload keeps everything Telnyx sent, compacted.
func TestParseWebhookPayload(t *testing.T) {
	evs, err := ParseWebhook([]byte(finalizedBody), receivedAt, "")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(evs[0].Payload, &m); err != nil {
		t.Fatal(err)
	}
	if meta, _ := m["meta"].(map[string]any); meta["attempt"] != float64(1) {
		t.Errorf("payload %s lost meta.attempt", evs[0].Payload)
	}
	if strings.Contains(string(evs[0].Payload), "\n") {
		t.Errorf("payload is not compacted: %s", evs[0].Payload)
	}
}
