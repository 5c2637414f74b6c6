package vonage

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

const testKey = "abcd1234"

var receivedAt = time.Date(2018, 10, 25, 12, 10, 30, 0, time.UTC)

// receiptForm is a delivery receipt as Vonage's documentation shows one.
const receiptForm = "err-code=0&message-timestamp=2018-10-25+12%3A10%3A29&messageId=0B00000127FDBC63" +
	"&msisdn=447547232824&network-code=23410&price=0.03330000&scts=1810251310&status=delivered" +
	"&to=Vonage&api-key=" + testKey

// inboundForm is an inbound message as Vonage's documentation shows one.
const inboundForm = "msisdn=447700900001&to=447700900000&messageId=0A0000000123ABCD1&text=Hello+world" +
	"&type=text&keyword=HELLO&api-key=" + testKey + "&message-timestamp=2020-01-01+12%3A00%3A00"

func TestParseReceipt(t *testing.T) {
	tests := []struct {
		name         string
		set          map[string]string
		wantStatus   smstrack.Status
		wantCode     string
		wantTime     time.Time
		wantErrField string
	}{
		{name: "delivered", wantStatus: smstrack.StatusDelivered,
			wantTime: time.Date(2018, 10, 25, 13, 10, 0, 0, time.UTC)},
		{name: "accepted", set: map[string]string{"status": "accepted"}, wantStatus: smstrack.StatusSent,
			wantTime: time.Date(2018, 10, 25, 13, 10, 0, 0, time.UTC)},
		{name: "buffered", set: map[string]string{"status": "buffered"}, wantStatus: smstrack.StatusSent,
			wantTime: time.Date(2018, 10, 25, 13, 10, 0, 0, time.UTC)},
		{name: "expired without code", set: map[string]string{"status": "expired"},
			wantStatus: smstrack.StatusUndelivered, wantCode: ExpiredCode, wantTime: time.Date(2018, 10, 25, 13, 10, 0, 0, time.UTC)},
		{name: "expired with the carrier's code", set: map[string]string{"status": "expired", "err-code": "2"},
			wantStatus: smstrack.StatusUndelivered, wantCode: "2", wantTime: time.Date(2018, 10, 25, 13, 10, 0, 0, time.UTC)},
		{name: "failed", set: map[string]string{"status": "failed", "err-code": "3"},
			wantStatus: smstrack.StatusUndelivered, wantCode: "3", wantTime: time.Date(2018, 10, 25, 13, 10, 0, 0, time.UTC)},
		{name: "rejected", set: map[string]string{"status": "rejected", "err-code": "6"},
			wantStatus: smstrack.StatusFailed, wantCode: "6", wantTime: time.Date(2018, 10, 25, 13, 10, 0, 0, time.UTC)},
		{name: "unknown changes nothing but keeps its code", set: map[string]string{"status": "unknown", "err-code": "1"},
			wantStatus: "", wantCode: "1", wantTime: time.Date(2018, 10, 25, 13, 10, 0, 0, time.UTC)},
		{name: "status in capitals", set: map[string]string{"status": "DELIVERED"}, wantStatus: smstrack.StatusDelivered,
			wantTime: time.Date(2018, 10, 25, 13, 10, 0, 0, time.UTC)},
		{name: "no scts: message-timestamp", set: map[string]string{"scts": "-"}, wantStatus: smstrack.StatusDelivered,
			wantTime: time.Date(2018, 10, 25, 12, 10, 29, 0, time.UTC)},
		{name: "malformed scts: message-timestamp", set: map[string]string{"scts": "18102513"}, wantStatus: smstrack.StatusDelivered,
			wantTime: time.Date(2018, 10, 25, 12, 10, 29, 0, time.UTC)},
		{name: "no times", set: map[string]string{"scts": "-", "message-timestamp": "yesterday"}, wantStatus: smstrack.StatusDelivered},
		{name: "unknown status word", set: map[string]string{"status": "sent"}, wantErrField: "status"},
		{name: "no status", set: map[string]string{"status": "-"}, wantErrField: "status"},
		{name: "no messageId", set: map[string]string{"messageId": "-"}, wantErrField: "messageId"},
		{name: "malformed messageId", set: map[string]string{"messageId": "0B00 0001"}, wantErrField: "messageId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := ParseReceipt(providertest.With(t, receiptForm, tt.set), testKey, receivedAt)
			if !providertest.Parses(t, err, tt.wantErrField) {
				return
			}
			if ev.Status != tt.wantStatus || ev.ErrorCode != tt.wantCode {
				t.Errorf("status %q code %q, want %q %q", ev.Status, ev.ErrorCode, tt.wantStatus, tt.wantCode)
			}
			if !ev.ProviderTime.Equal(tt.wantTime) {
				t.Errorf("provider time %v, want %v", ev.ProviderTime, tt.wantTime)
			}
		})
	}
}

func TestParseReceiptFacts(t *testing.T) {
	fields := providertest.With(t, receiptForm, map[string]string{"client-ref": "order-42", "sig": "abc", "timestamp": "1540469430", "nonce": "n1"})
	ev, err := ParseReceipt(fields, testKey, receivedAt)
	if err != nil {
		t.Fatal(err)
	}
	want := smstrack.Key{Provider: Provider, Account: testKey, ProviderID: "0B00000127FDBC63"}
	if ev.Key != want {
		t.Errorf("key %+v, want %+v", ev.Key, want)
	}
	f := ev.Facts
	if f.Direction != smstrack.Outbound || f.To != "447547232824" || f.From != "Vonage" {
		t.Errorf("direction %q to %q from %q, want outbound 447547232824 from Vonage", f.Direction, f.To, f.From)
	}
	if f.Price != "0.03330000" || f.PriceUnit != "" {
		t.Errorf("price %q %q, want 0.03330000 without a unit", f.Price, f.PriceUnit)
	}
	if f.Network.MCC != "234" || f.Network.MNC != "10" {
		t.Errorf("network %+v, want MCC 234 MNC 10", f.Network)
	}
	if f.Tags["client_ref"] != "order-42" || f.Body != nil {
		t.Errorf("tags %v body %v, want client_ref order-42 and no body", f.Tags, f.Body)
	}
	if ev.Source != smstrack.SourceWebhook || ev.DedupeKey == "" || ev.Part.ID != "" {
		t.Errorf("source %q dedupe %q part %+v", ev.Source, ev.DedupeKey, ev.Part)
	}
	var payload map[string]string
	if err := json.Unmarshal(ev.Payload, &payload); err != nil {
		t.Fatal(err)
	}
	if payload["network-code"] != "23410" || payload["client-ref"] != "order-42" {
		t.Errorf("payload %s lost fields", ev.Payload)
	}
	for _, k := range []string{"sig", "timestamp", "nonce"} {
		if _, ok := payload[k]; ok {
			t.Errorf("payload keeps signing field %s: %s", k, ev.Payload)
		}
	}

	// A retry, signed afresh, is the same event.
	again, err := ParseReceipt(providertest.With(t, receiptForm, map[string]string{"client-ref": "order-42", "sig": "def", "timestamp": "1540469490", "nonce": "n2"}), testKey, receivedAt)
	if err != nil {
		t.Fatal(err)
	}
	if again.DedupeKey != ev.DedupeKey {
		t.Error("a re-signed retry has another dedupe key")
	}
}

func TestParseInbound(t *testing.T) {
	tests := []struct {
		name     string
		set      map[string]string
		wantBody *string
	}{
		{name: "text", wantBody: ptr("Hello world")},
		{name: "unicode", set: map[string]string{"type": "unicode", "text": "Привет 👋"}, wantBody: ptr("Привет 👋")},
		{name: "empty text is a known empty body", set: map[string]string{"text": ""}, wantBody: ptr("")},
		{name: "binary has no body", set: map[string]string{"type": "binary", "text": "-", "data": "0102", "udh": "050003CC0201"}},
		{name: "a part of a long message", set: map[string]string{"concat": "true", "concat-ref": "1", "concat-total": "2", "concat-part": "1"},
			wantBody: ptr("Hello world")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := ParseInbound(providertest.With(t, inboundForm, tt.set), testKey, receivedAt)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Status != smstrack.StatusReceived || ev.Facts.Direction != smstrack.Inbound || ev.ProviderID != "0A0000000123ABCD1" || ev.Part.ID != "" {
				t.Errorf("event %s/%s id %s part %+v", ev.Status, ev.Facts.Direction, ev.ProviderID, ev.Part)
			}
			if ev.Facts.From != "447700900001" || ev.Facts.To != "447700900000" || !ev.Facts.CreatedAt.Equal(receivedAt) {
				t.Errorf("from %q to %q created %v", ev.Facts.From, ev.Facts.To, ev.Facts.CreatedAt)
			}
			if (ev.Facts.Body == nil) != (tt.wantBody == nil) || (tt.wantBody != nil && *ev.Facts.Body != *tt.wantBody) {
				t.Errorf("body %v, want %v", ev.Facts.Body, tt.wantBody)
			}
			if want := time.Date(2020, 1, 1, 12, 0, 0, 0, time.UTC); !ev.ProviderTime.Equal(want) {
				t.Errorf("provider time %v, want %v", ev.ProviderTime, want)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestParseJSON(t *testing.T) {
	body := `{"err-code":"0","messageId":"0B00000127FDBC63","msisdn":"447547232824","network-code":"23410",
		"price":"0.03330000","scts":"1810251310","status":"delivered","to":"Vonage","api-key":"abcd1234",
		"message-timestamp":"2018-10-25 12:10:29","concat":true,"n":null,"o":{"a":[1, 2]}}`
	fields, err := ParseJSON([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"status": "delivered", "concat": "true", "n": "", "o": `{"a":[1,2]}`, "api-key": "abcd1234"} {
		if got := fields.Get(k); got != want {
			t.Errorf("field %s = %q, want %q", k, got, want)
		}
	}
	for _, bad := range []string{``, `[]`, `null`, `{"a":1}{}`, "{\"a\":\"\xff\"}", `{"a":`} {
		if _, err := ParseJSON([]byte(bad)); smstrack.ErrorCode(err) != smstrack.EINVALID {
			t.Errorf("ParseJSON(%q) err %v, want EINVALID", bad, err)
		}
	}
}

func TestSplitNetworkCode(t *testing.T) {
	tests := []struct{ in, mcc, mnc string }{
		{"23410", "234", "10"},
		{"310260", "310", "260"},
		{" 20801 ", "208", "01"},
		{"2341", "", ""},
		{"3102600", "", ""},
		{"23a10", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		if mcc, mnc := SplitNetworkCode(tt.in); mcc != tt.mcc || mnc != tt.mnc {
			t.Errorf("SplitNetworkCode(%q) = %q %q, want %q %q", tt.in, mcc, mnc, tt.mcc, tt.mnc)
		}
	}
}

func TestPrice(t *testing.T) {
	for in, want := range map[string]string{"0.03330000": "0.03330000", "-0.05": "-0.05", "1": "1", "": "", "abc": "", "1.2.3": "", ".": "", "1e5": "", "NaN": ""} {
		if got := price(in); got != want {
			t.Errorf("price(%q) = %q, want %q", in, got, want)
		}
	}
}
