package importer

import (
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
)

// jsonlSample is two messages as GET /api/v1/messages/{id} shows them: one
// with its timeline, one (as a list page shows it) without.
const jsonlSample = `{"id":7,"provider":"twilio","account":"` + testAccount + `","provider_id":"SMaa000000000000000000000000000042","service_id":"","direction":"outbound","from":"+14155550100","to":"+14155550199","body":"See you at 5","media":[],"status":"delivered","error_code":"","error":null,"segments":1,"encoding":"GSM-7","price":"-0.0079","price_unit":"USD","country":"US","network":{"mcc":"","mnc":"","carrier":"","number_type":"mobile"},"parts":[],"tags":{"campaign":"spring"},"characters":12,"non_gsm_characters":[],"sentiment":0,"sentiment_label":"neutral","keyword":"","body_policy":"keep","estimated_cost":null,"created_at":"2025-03-04T10:00:00Z","updated_at":"2025-03-04T10:00:09Z","queued_at":"2025-03-04T10:00:00Z","sent_at":"2025-03-04T10:00:01Z","delivered_at":"2025-03-04T10:00:09Z","events":[{"id":1,"status":"queued","error_code":"","error":null,"source":"api","received_at":"2025-03-04T10:00:00Z","provider_time":null,"applied":true,"payload":{"status":"queued"}},{"id":2,"status":"sent","error_code":"","error":null,"source":"webhook","received_at":"2025-03-04T10:00:01Z","provider_time":null,"applied":true,"payload":{"MessageStatus":"sent"}},{"id":3,"status":"delivered","error_code":"","error":null,"source":"webhook","received_at":"2025-03-04T10:00:09Z","provider_time":"2025-03-04T10:00:00Z","applied":true,"payload":{"MessageStatus":"delivered"}}]}
{"provider":"vonage","account":"a1b2c3d4","provider_id":"0B00000012345678","direction":"inbound","from":"447700900123","to":"447700900000","body":null,"status":"received","created_at":"2025-03-05T08:30:00Z"}

`

func TestParseJSONLine(t *testing.T) {
	lines := strings.Split(jsonlSample, "\n")
	cases := []struct {
		name    string
		line    string
		check   func(t *testing.T, evs []*smstrack.EventInput)
		wantErr string
	}{
		{name: "with timeline", line: lines[0], check: func(t *testing.T, evs []*smstrack.EventInput) {
			if len(evs) != 3 {
				t.Fatalf("%d events, want 3", len(evs))
			}
			for i, want := range []smstrack.Status{smstrack.StatusQueued, smstrack.StatusSent, smstrack.StatusDelivered} {
				ev := evs[i]
				if ev.Status != want || ev.Source != smstrack.SourceImport || ev.DedupeKey == "" || ev.Provider != "twilio" {
					t.Errorf("event %d: %+v", i, ev.Event)
				}
			}
			if !evs[1].ReceivedAt.Equal(time.Date(2025, 3, 4, 10, 0, 1, 0, time.UTC)) || evs[2].ProviderTime.IsZero() {
				t.Errorf("times %v %v", evs[1].ReceivedAt, evs[2].ProviderTime)
			}
			f := evs[0].Facts
			if f.Body == nil || *f.Body != "See you at 5" || f.Tags["campaign"] != "spring" || f.Network.NumberType != "mobile" || f.Country != "US" {
				t.Errorf("facts %+v", f)
			}
		}},
		{name: "without timeline, body null", line: lines[1], check: func(t *testing.T, evs []*smstrack.EventInput) {
			if len(evs) != 1 || evs[0].Status != smstrack.StatusReceived || evs[0].Facts.Body != nil || evs[0].Facts.Direction != smstrack.Inbound ||
				!evs[0].ReceivedAt.Equal(time.Date(2025, 3, 5, 8, 30, 0, 0, time.UTC)) {
				t.Errorf("event %+v facts %+v", evs[0].Event, evs[0].Facts)
			}
		}},
		{name: "no status: facts only", line: `{"provider":"twilio","account":"AC1","provider_id":"SM1","body":"hi"}`, check: func(t *testing.T, evs []*smstrack.EventInput) {
			if evs[0].Status != "" || !evs[0].ReceivedAt.Equal(now) {
				t.Errorf("event %+v", evs[0].Event)
			}
		}},
		{name: "hash policy stays withheld", line: `{"provider":"twilio","account":"AC1","provider_id":"SM1","body":null,"body_policy":"hash","body_hash":"abc"}`,
			check: func(t *testing.T, evs []*smstrack.EventInput) {
				if c := evs[0].Facts.Content; c.BodyPolicy != "hash" || c.BodyHash != "abc" {
					t.Errorf("content %+v", c)
				}
			}},
		{name: "missing provider", line: `{"account":"AC1","provider_id":"SM1"}`, wantErr: "provider: provider is required"},
		{name: "missing provider_id", line: `{"provider":"twilio","account":"AC1"}`, wantErr: "provider_id: provider_id is required"},
		{name: "unknown status", line: `{"provider":"twilio","account":"AC1","provider_id":"SM1","status":"lost"}`, wantErr: `status: unknown status "lost"`},
		{name: "unknown event status", line: `{"provider":"twilio","account":"AC1","provider_id":"SM1","events":[{"status":"lost"}]}`, wantErr: "events[0].status"},
		{name: "bad direction", line: `{"provider":"twilio","account":"AC1","provider_id":"SM1","direction":"up"}`, wantErr: "direction"},
		{name: "relative media url", line: `{"provider":"twilio","account":"AC1","provider_id":"SM1","media":[{"url":"/x.jpg"}]}`, wantErr: "media[0].url"},
		{name: "not an object", line: `[1,2]`, wantErr: "not a message JSON object"},
		{name: "truncated", line: `{"provider":"twilio"`, wantErr: "not a message JSON object"},
		{name: "data after the object", line: `{"provider":"twilio","account":"AC1","provider_id":"SM1"} {}`, wantErr: "data after"},
		{name: "bad time", line: `{"provider":"twilio","account":"AC1","provider_id":"SM1","created_at":"yesterday"}`, wantErr: "not a message JSON object"},
		{name: "not UTF-8", line: "{\"provider\":\"tw\xffilio\"}", wantErr: "not UTF-8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			evs, err := ParseJSONLine([]byte(tc.line), now)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(reasonText(err), tc.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, evs)
		})
	}
}

func TestJSONLRowsAndLines(t *testing.T) {
	input := "\n" + strings.Split(jsonlSample, "\n")[1] + "\n\n{broken\r\n" + strings.Split(jsonlSample, "\n")[1]
	rows := parseAll(t, NewJSONL(strings.NewReader(input), now))
	if len(rows) != 3 {
		t.Fatalf("rows %+v", rows)
	}
	if rows[0].N != 1 || rows[0].Line != 2 || rows[1].N != 2 || rows[1].Line != 4 || rows[1].Err == nil || rows[2].Line != 5 || rows[2].Err != nil {
		t.Errorf("rows %+v", rows)
	}
}

func TestJSONLLongLineRejected(t *testing.T) {
	long := `{"provider":"twilio","account":"AC1","provider_id":"SM1","body":"` + strings.Repeat("x", MaxLineBytes) + `"}`
	input := long + "\n" + strings.Split(jsonlSample, "\n")[1] + "\n"
	rows := parseAll(t, NewJSONL(strings.NewReader(input), now))
	if len(rows) != 2 || rows[0].Err == nil || !strings.Contains(rows[0].Err.Error(), "longer than") || rows[1].Err != nil || rows[1].Line != 2 {
		t.Errorf("rows %+v", rows)
	}
}
