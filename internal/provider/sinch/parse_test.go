package sinch

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
)

var receivedAt = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

const (
	testPlan  = "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5"
	testBatch = "01W4FFL35P4NC4K35SMSBATCH9"
)

// deliveredReport is a recipient delivery report as Sinch documents it.
const deliveredReport = `{
  "type": "recipient_delivery_report_sms",
  "batch_id": "01W4FFL35P4NC4K35SMSBATCH9",
  "recipient": "12017777777",
  "code": 0,
  "status": "Delivered",
  "at": "2026-03-14T15:09:19.210Z",
  "operator_status_at": "2026-03-14T15:09:00Z",
  "client_reference": "client-ref",
  "applied_originator": "12015550100",
  "number_of_message_parts": 2,
  "operator": "310260",
  "encoding": "GSM"
}`

// failedReport is an aborted recipient delivery report.
const failedReport = `{"type":"recipient_delivery_report_sms","batch_id":"01W4FFL35P4NC4K35SMSBATCH9","recipient":"12010000000",
"code":412,"status":"Aborted","at":"2026-03-14T15:09:15.603Z","client_reference":"client-ref"}`

// fullReport is a full batch delivery report.
const fullReport = `{"type":"delivery_report_sms","batch_id":"01W4FFL35P4NC4K35SMSBATCH9","total_message_count":3,"client_reference":"r",
"statuses":[{"code":0,"status":"Delivered","count":2,"recipients":["12017777777","12017777778"]},
{"code":402,"status":"Failed","count":1,"recipients":["12010000000"]}]}`

// summaryReport is a summary batch delivery report: counts only.
const summaryReport = `{"type":"delivery_report_sms","batch_id":"01W4FFL35P4NC4K35SMSBATCH9","total_message_count":2,
"statuses":[{"code":0,"status":"Delivered","count":2}]}`

// moText is an inbound text message.
const moText = `{"type":"mo_text","id":"01FC66621XXXXX119Z8PMV1QPQ","from":"12015555555","to":"12015550100",
"body":"Hello from a handset","operator_id":"310260","received_at":"2026-03-14T15:09:02.574Z","sent_at":"2026-03-14T15:09:01Z"}`

// moBinary is an inbound binary message.
const moBinary = `{"type":"mo_binary","id":"01FC66621XXXXX119Z8PMV1QPR","from":"12015555555","to":"54321",
"body":"AAEC","udh":"050003010201","received_at":"2026-03-14T15:09:02Z"}`

func TestParseCallback(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		wantIDs  []string
		want     smstrack.EventInput // of the first event
		wantBody *string
	}{
		{
			name:    "recipient report delivered",
			body:    deliveredReport,
			wantIDs: []string{testBatch + ":12017777777"},
			want: smstrack.EventInput{
				Event: smstrack.Event{Status: smstrack.StatusDelivered, ProviderTime: time.Date(2026, 3, 14, 15, 9, 0, 0, time.UTC)},
				Facts: smstrack.Facts{Direction: smstrack.Outbound, From: "+12015550100", To: "+12017777777", Segments: 2, Encoding: "GSM",
					Network: smstrack.Network{MCC: "310", MNC: "260"}},
			},
		},
		{
			name:    "recipient report aborted with a code",
			body:    failedReport,
			wantIDs: []string{testBatch + ":12010000000"},
			want: smstrack.EventInput{
				Event: smstrack.Event{Status: smstrack.StatusFailed, ErrorCode: "412", ProviderTime: time.Date(2026, 3, 14, 15, 9, 15, 603e6, time.UTC)},
				Facts: smstrack.Facts{Direction: smstrack.Outbound, To: "+12010000000"},
			},
		},
		{
			name:    "full batch report",
			body:    fullReport,
			wantIDs: []string{testBatch + ":12017777777", testBatch + ":12017777778", testBatch + ":12010000000"},
			want: smstrack.EventInput{
				Event: smstrack.Event{Status: smstrack.StatusDelivered},
				Facts: smstrack.Facts{Direction: smstrack.Outbound, To: "+12017777777"},
			},
		},
		{
			name:    "inbound text",
			body:    moText,
			wantIDs: []string{"01FC66621XXXXX119Z8PMV1QPQ"},
			want: smstrack.EventInput{
				Event: smstrack.Event{Status: smstrack.StatusReceived, ProviderTime: time.Date(2026, 3, 14, 15, 9, 2, 574e6, time.UTC)},
				Facts: smstrack.Facts{Direction: smstrack.Inbound, From: "+12015555555", To: "+12015550100",
					Network: smstrack.Network{MCC: "310", MNC: "260"}, CreatedAt: receivedAt},
			},
			wantBody: ptr("Hello from a handset"),
		},
		{
			name:    "inbound binary to a short code",
			body:    moBinary,
			wantIDs: []string{"01FC66621XXXXX119Z8PMV1QPR"},
			want: smstrack.EventInput{
				Event: smstrack.Event{Status: smstrack.StatusReceived, ProviderTime: time.Date(2026, 3, 14, 15, 9, 2, 0, time.UTC)},
				Facts: smstrack.Facts{Direction: smstrack.Inbound, From: "+12015555555", To: "54321", CreatedAt: receivedAt},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := ParseCallback([]byte(tt.body), receivedAt, testPlan)
			if err != nil {
				t.Fatalf("ParseCallback: %v", err)
			}
			if len(evs) != len(tt.wantIDs) {
				t.Fatalf("got %d events, want %d", len(evs), len(tt.wantIDs))
			}
			for i, ev := range evs {
				if ev.Provider != Provider || ev.Account != testPlan || ev.ProviderID != tt.wantIDs[i] {
					t.Errorf("event %d key = %+v, want %s/%s/%s", i, ev.Key, Provider, testPlan, tt.wantIDs[i])
				}
				if ev.Source != smstrack.SourceWebhook || !ev.ReceivedAt.Equal(receivedAt) || ev.DedupeKey == "" || !json.Valid(ev.Payload) {
					t.Errorf("event %d: source %q received %v dedupe %q", i, ev.Source, ev.ReceivedAt, ev.DedupeKey)
				}
			}
			ev, want := evs[0], tt.want
			if ev.Status != want.Status || ev.ErrorCode != want.ErrorCode || !ev.ProviderTime.Equal(want.ProviderTime) {
				t.Errorf("event = %s %q %v, want %s %q %v", ev.Status, ev.ErrorCode, ev.ProviderTime, want.Status, want.ErrorCode, want.ProviderTime)
			}
			got := ev.Facts
			got.Body = nil
			if got.Direction != want.Facts.Direction || got.From != want.Facts.From || got.To != want.Facts.To ||
				got.Segments != want.Facts.Segments || got.Encoding != want.Facts.Encoding || got.Network != want.Facts.Network ||
				!got.CreatedAt.Equal(want.Facts.CreatedAt) {
				t.Errorf("facts =\n%+v\nwant\n%+v", got, want.Facts)
			}
			if (ev.Facts.Body == nil) != (tt.wantBody == nil) || ev.Facts.Body != nil && *ev.Facts.Body != *tt.wantBody {
				t.Errorf("body = %v, want %v", ev.Facts.Body, tt.wantBody)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestParseCallbackEveryStatus(t *testing.T) {
	tests := []struct {
		word     string
		code     string
		want     smstrack.Status
		wantCode string
	}{
		{"Queued", "400", smstrack.StatusQueued, ""},
		{"Dispatched", "401", smstrack.StatusSent, ""},
		{"Aborted", "402", smstrack.StatusFailed, "402"},
		{"Cancelled", "407", smstrack.StatusCanceled, "407"},
		{"Rejected", "408", smstrack.StatusFailed, "408"},
		{"Deleted", "1", smstrack.StatusUndelivered, "1"},
		{"Delivered", "0", smstrack.StatusDelivered, ""},
		{"Failed", "27", smstrack.StatusUndelivered, "27"},
		{"Expired", "406", smstrack.StatusFailed, "406"},
		{"Unknown", "0", smstrack.StatusSent, ""},
		{"delivered", "0", smstrack.StatusDelivered, ""},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			body := strings.Replace(strings.Replace(deliveredReport, `"Delivered"`, `"`+tt.word+`"`, 1), `"code": 0`, `"code": `+tt.code, 1)
			evs, err := ParseCallback([]byte(body), receivedAt, testPlan)
			if err != nil {
				t.Fatalf("ParseCallback: %v", err)
			}
			if evs[0].Status != tt.want || evs[0].ErrorCode != tt.wantCode {
				t.Errorf("%s/%s = %s %q, want %s %q", tt.word, tt.code, evs[0].Status, evs[0].ErrorCode, tt.want, tt.wantCode)
			}
		})
	}
	if len(statuses) != len(tests)-1 {
		t.Errorf("the table has %d words, the test %d: keep them in step", len(statuses), len(tests)-1)
	}
}

func TestParseCallbackRefusals(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		wantField string
	}{
		{"not JSON", `status=Delivered`, ""},
		{"array", `[{"type":"mo_text"}]`, ""},
		{"trailing data", deliveredReport + `{}`, ""},
		{"not UTF-8", "{\"type\":\"\xff\"}", ""},
		{"no type", `{"batch_id":"b"}`, "type"},
		{"unknown type", strings.Replace(deliveredReport, "recipient_delivery_report_sms", "mo_media_v9", 1), "type"},
		{"no batch id", strings.Replace(deliveredReport, `"batch_id": "01W4FFL35P4NC4K35SMSBATCH9",`, ``, 1), "batch_id"},
		{"no recipient", strings.Replace(deliveredReport, `"recipient": "12017777777",`, ``, 1), "recipient"},
		{"unknown status", strings.Replace(deliveredReport, `"Delivered"`, `"Exploded"`, 1), "status"},
		{"no status", strings.Replace(deliveredReport, `"status": "Delivered",`, ``, 1), "status"},
		{"summary report", summaryReport, "statuses.recipients"},
		{"unknown status in a batch", strings.Replace(fullReport, `"Failed"`, `"Lost"`, 1), "statuses.status"},
		{"inbound without id", strings.Replace(moText, `"id":"01FC66621XXXXX119Z8PMV1QPQ",`, ``, 1), "id"},
		{"wrong type", `{"type":"mo_text","id":5}`, "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := ParseCallback([]byte(tt.body), receivedAt, testPlan)
			if err == nil {
				t.Fatalf("ParseCallback accepted %s as %d events", tt.body, len(evs))
			}
			if smstrack.ErrorCode(err) != smstrack.EINVALID || smstrack.ErrorField(err) != tt.wantField {
				t.Errorf("error %v (field %q), want EINVALID on %q", err, smstrack.ErrorField(err), tt.wantField)
			}
		})
	}
}

func TestMSISDN(t *testing.T) {
	tests := map[string]string{
		"12017777777": "+12017777777", "+12017777777": "+12017777777", "54321": "54321",
		"SINCH": "SINCH", " 447700900123 ": "+447700900123", "1234567890123456": "1234567890123456",
	}
	for in, want := range tests {
		if got := msisdn(in); got != want {
			t.Errorf("msisdn(%q) = %q, want %q", in, got, want)
		}
	}
}
