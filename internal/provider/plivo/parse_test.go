package plivo

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

const (
	testAccount = "MAXXXXXXXXXXXXXXXXXX"
	testUUID    = "db3ce55a-7f1d-11e1-8ea7-1231380bc196"
	partUUID    = "e1a2b3c4-7f1d-11e1-8ea7-1231380bc196"
)

var receivedAt = time.Date(2024, 3, 14, 15, 31, 0, 0, time.UTC)

// statusForm is a message status callback with the attributes Plivo documents.
const statusForm = "MessageUUID=" + testUUID + "&ParentMessageUUID=" + testUUID + "&PartInfo=1+of+1" +
	"&To=14155552671&From=14155550100&Type=sms&Status=delivered&ErrorCode=&Units=1&TotalRate=0.0050" +
	"&TotalAmount=0.0050&MCC=310&MNC=260&Sequence=3&MessageTime=2024-03-14+15%3A30%3A00.123456" +
	"&QueuedTime=2024-03-14+15%3A30%3A00.234567&SentTime=2024-03-14+15%3A30%3A01.345678" +
	"&DeliveryReportTime=2024-03-14+15%3A30%3A05.456789&PowerpackUUID=&requester_ip=203.0.113.7"

// inboundForm is an inbound SMS as Plivo documents it.
const inboundForm = "From=14155552671&To=14155550100&Type=sms&Text=Hello+from+a+handset&MessageUUID=" + testUUID +
	"&Units=1&TotalRate=0.00000&TotalAmount=0.00000&MessageIntent=&PowerpackUUID="

func TestParseStatusCallback(t *testing.T) {
	dlr := time.Date(2024, 3, 14, 15, 30, 5, 456789000, time.UTC)
	sent := time.Date(2024, 3, 14, 15, 30, 1, 345678000, time.UTC)
	queued := time.Date(2024, 3, 14, 15, 30, 0, 234567000, time.UTC)
	tests := []struct {
		name         string
		set          map[string]string
		wantStatus   smstrack.Status
		wantCode     string
		wantTime     time.Time
		wantID       string
		wantPart     smstrack.PartRef
		wantErrField string
	}{
		{name: "delivered", wantStatus: smstrack.StatusDelivered, wantTime: dlr, wantID: testUUID},
		{name: "queued", set: map[string]string{"Status": "queued", "SentTime": "-", "DeliveryReportTime": "-"},
			wantStatus: smstrack.StatusQueued, wantTime: queued, wantID: testUUID},
		{name: "sent", set: map[string]string{"Status": "sent", "DeliveryReportTime": "-"}, wantStatus: smstrack.StatusSent, wantTime: sent, wantID: testUUID},
		{name: "undelivered", set: map[string]string{"Status": "undelivered", "ErrorCode": "80"},
			wantStatus: smstrack.StatusUndelivered, wantCode: "80", wantTime: dlr, wantID: testUUID},
		{name: "failed", set: map[string]string{"Status": "failed", "ErrorCode": "900", "DeliveryReportTime": "-", "SentTime": "-"},
			wantStatus: smstrack.StatusFailed, wantCode: "900", wantID: testUUID},
		{name: "rejected", set: map[string]string{"Status": "rejected", "ErrorCode": "450"},
			wantStatus: smstrack.StatusFailed, wantCode: "450", wantID: testUUID},
		{name: "read", set: map[string]string{"Status": "read", "Type": "whatsapp"}, wantStatus: smstrack.StatusRead, wantTime: dlr, wantID: testUUID},
		{name: "delivered, no report time: sent time", set: map[string]string{"DeliveryReportTime": "-"},
			wantStatus: smstrack.StatusDelivered, wantTime: sent, wantID: testUUID},
		{name: "time with an offset", set: map[string]string{"DeliveryReportTime": "2024-03-14 21:00:05+05:30"},
			wantStatus: smstrack.StatusDelivered, wantTime: time.Date(2024, 3, 14, 15, 30, 5, 0, time.UTC), wantID: testUUID},
		{name: "error code 0 is none", set: map[string]string{"ErrorCode": "0"}, wantStatus: smstrack.StatusDelivered, wantTime: dlr, wantID: testUUID},
		{name: "second part of two", set: map[string]string{"MessageUUID": partUUID, "PartInfo": "2 of 2"},
			wantStatus: smstrack.StatusDelivered, wantTime: dlr, wantID: testUUID, wantPart: smstrack.PartRef{ID: partUUID, Index: 2, Count: 2}},
		{name: "first part, same id as the parent", set: map[string]string{"PartInfo": "1 of 2"},
			wantStatus: smstrack.StatusDelivered, wantTime: dlr, wantID: testUUID, wantPart: smstrack.PartRef{ID: testUUID, Index: 1, Count: 2}},
		{name: "a part without PartInfo", set: map[string]string{"MessageUUID": partUUID, "PartInfo": "-"},
			wantStatus: smstrack.StatusDelivered, wantTime: dlr, wantID: testUUID, wantPart: smstrack.PartRef{ID: partUUID}},
		{name: "no parent", set: map[string]string{"ParentMessageUUID": "-", "PartInfo": "-"},
			wantStatus: smstrack.StatusDelivered, wantTime: dlr, wantID: testUUID},
		{name: "unknown status word", set: map[string]string{"Status": "accepted"}, wantErrField: "Status"},
		{name: "no status", set: map[string]string{"Status": "-"}, wantErrField: "Status"},
		{name: "no MessageUUID", set: map[string]string{"MessageUUID": "-"}, wantErrField: "MessageUUID"},
		{name: "malformed MessageUUID", set: map[string]string{"MessageUUID": "db3c/e55a"}, wantErrField: "MessageUUID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := ParseStatusCallback(providertest.With(t, statusForm, tt.set), testAccount, receivedAt)
			if !providertest.Parses(t, err, tt.wantErrField) {
				return
			}
			if ev.Status != tt.wantStatus || ev.ErrorCode != tt.wantCode {
				t.Errorf("status %q code %q, want %q %q", ev.Status, ev.ErrorCode, tt.wantStatus, tt.wantCode)
			}
			if !ev.ProviderTime.Equal(tt.wantTime) {
				t.Errorf("provider time %v, want %v", ev.ProviderTime, tt.wantTime)
			}
			if ev.ProviderID != tt.wantID || ev.Part != tt.wantPart {
				t.Errorf("id %s part %+v, want %s %+v", ev.ProviderID, ev.Part, tt.wantID, tt.wantPart)
			}
			wantPrice := "0.0050"
			if tt.wantPart.ID != "" {
				wantPrice = "" // a part's price is not the message's
			}
			if ev.Facts.Price != wantPrice {
				t.Errorf("price %q, want %q", ev.Facts.Price, wantPrice)
			}
		})
	}
}

func TestParseStatusCallbackFacts(t *testing.T) {
	ev, err := ParseStatusCallback(providertest.Form(t, statusForm), testAccount, receivedAt)
	if err != nil {
		t.Fatal(err)
	}
	if want := (smstrack.Key{Provider: Provider, Account: testAccount, ProviderID: testUUID}); ev.Key != want {
		t.Errorf("key %+v, want %+v", ev.Key, want)
	}
	f := ev.Facts
	if f.Direction != smstrack.Outbound || f.From != "14155550100" || f.To != "14155552671" {
		t.Errorf("direction %q from %q to %q", f.Direction, f.From, f.To)
	}
	if f.Price != "0.0050" || f.PriceUnit != "USD" || f.Segments != 1 || f.Network.MCC != "310" || f.Network.MNC != "260" {
		t.Errorf("price %q %q segments %d network %+v", f.Price, f.PriceUnit, f.Segments, f.Network)
	}
	var payload map[string]string
	if err := json.Unmarshal(ev.Payload, &payload); err != nil || payload["Sequence"] != "3" || payload["requester_ip"] != "203.0.113.7" {
		t.Errorf("payload %s lost fields (%v)", ev.Payload, err)
	}
	if ev.Source != smstrack.SourceWebhook || ev.DedupeKey == "" {
		t.Errorf("source %q dedupe %q", ev.Source, ev.DedupeKey)
	}
}

func TestParseInbound(t *testing.T) {
	tests := []struct {
		name      string
		set       map[string]string
		wantBody  *string
		wantMedia int
		wantUnits int
	}{
		{name: "sms", wantBody: ptr("Hello from a handset"), wantUnits: 1},
		{name: "long sms joined by Plivo", set: map[string]string{"Units": "3"}, wantBody: ptr("Hello from a handset"), wantUnits: 3},
		{name: "mms", set: map[string]string{"Type": "mms", "Text": "-", "Body": "look", "MediaCount": "2",
			"Media1": "https://media.plivo.com/a.jpg", "Media2": "https://media.plivo.com/b.png"},
			wantBody: ptr("look"), wantMedia: 2, wantUnits: 1},
		{name: "opt-out keyword", set: map[string]string{"Text": "STOP", "MessageIntent": "optout"}, wantBody: ptr("STOP"), wantUnits: 1},
		{name: "no text at all", set: map[string]string{"Text": "-"}, wantUnits: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := ParseInbound(providertest.With(t, inboundForm, tt.set), testAccount, receivedAt)
			if err != nil {
				t.Fatal(err)
			}
			f := ev.Facts
			if ev.Status != smstrack.StatusReceived || f.Direction != smstrack.Inbound || ev.ProviderID != testUUID || ev.Account != testAccount {
				t.Errorf("event %s/%s %s %s", ev.Status, f.Direction, ev.ProviderID, ev.Account)
			}
			if f.From != "14155552671" || f.To != "14155550100" || !f.CreatedAt.Equal(receivedAt) || f.Segments != tt.wantUnits {
				t.Errorf("from %q to %q created %v segments %d", f.From, f.To, f.CreatedAt, f.Segments)
			}
			if (f.Body == nil) != (tt.wantBody == nil) || (tt.wantBody != nil && *f.Body != *tt.wantBody) {
				t.Errorf("body %v, want %v", f.Body, tt.wantBody)
			}
			if len(f.Media) != tt.wantMedia {
				t.Errorf("media %+v, want %d", f.Media, tt.wantMedia)
			}
		})
	}
	if _, err := ParseInbound(providertest.With(t, inboundForm, map[string]string{"MessageUUID": "-"}), testAccount, receivedAt); smstrack.ErrorField(err) != "MessageUUID" {
		t.Errorf("no MessageUUID: err %v", err)
	}
}

func ptr(s string) *string { return &s }

func TestParsePartInfo(t *testing.T) {
	tests := []struct {
		in         string
		index, cnt int
		ok         bool
	}{
		{"1 of 2", 1, 2, true},
		{" 2 OF 2 ", 2, 2, true},
		{"1 of 1", 1, 1, true},
		{"3 of 2", 0, 0, false},
		{"0 of 2", 0, 0, false},
		{"1/2", 0, 0, false},
		{"", 0, 0, false},
		{"1 of 99999", 0, 0, false},
	}
	for _, tt := range tests {
		i, n, ok := ParsePartInfo(tt.in)
		if i != tt.index || n != tt.cnt || ok != tt.ok {
			t.Errorf("ParsePartInfo(%q) = %d %d %v, want %d %d %v", tt.in, i, n, ok, tt.index, tt.cnt, tt.ok)
		}
	}
}
