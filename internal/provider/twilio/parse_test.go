package twilio

import (
	"encoding/json"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

// Realistic payloads, shaped after Twilio's messaging webhook documentation.
const (
	testAccount = "AC0123456789abcdef0123456789abcdef"
	testSID     = "SM0123456789abcdef0123456789abcdef"
	testService = "MG0123456789abcdef0123456789abcdef"

	deliveredForm = "SmsSid=" + testSID + "&SmsStatus=delivered&MessageStatus=delivered" +
		"&To=%2B14155550100&MessageSid=" + testSID + "&AccountSid=" + testAccount +
		"&MessagingServiceSid=" + testService + "&From=%2B14155550199&ApiVersion=2010-04-01" +
		"&RawDlrDoneDate=2603141509"
	undeliveredForm = "ErrorCode=30034&SmsSid=" + testSID + "&SmsStatus=undelivered&MessageStatus=undelivered" +
		"&To=%2B14155550100&MessageSid=" + testSID + "&AccountSid=" + testAccount +
		"&From=%2B14155550199&ApiVersion=2010-04-01"
	whatsappReadForm = "ChannelPrefix=whatsapp&ChannelInstallSid=XE0123456789abcdef0123456789abcdef" +
		"&ChannelStatusMessage=Message+read&MessageStatus=read&SmsStatus=read" +
		"&To=whatsapp%3A%2B14155550100&From=whatsapp%3A%2B14155550199&MessageSid=" + testSID +
		"&SmsSid=" + testSID + "&AccountSid=" + testAccount + "&ApiVersion=2010-04-01"
	inboundForm = "ToCountry=US&ToState=CA&SmsMessageSid=" + testSID + "&NumMedia=0&ToCity=SAN+FRANCISCO" +
		"&FromZip=94105&SmsSid=" + testSID + "&FromState=CA&SmsStatus=received&FromCity=SAN+FRANCISCO" +
		"&Body=Hello+%F0%9F%91%8B+are+you+open+today%3F&FromCountry=US&To=%2B14155550100&ToZip=94105" +
		"&NumSegments=1&MessageSid=" + testSID + "&AccountSid=" + testAccount + "&From=%2B14155550199&ApiVersion=2010-04-01"
	inboundMMSForm = "NumMedia=2&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2F2010-04-01%2FAccounts%2F" + testAccount +
		"%2FMessages%2F" + testSID + "%2FMedia%2FME1&MediaContentType0=image%2Fjpeg" +
		"&MediaUrl1=https%3A%2F%2Fapi.twilio.com%2FMedia%2FME2&MediaContentType1=image%2Fpng" +
		"&Body=&NumSegments=1&SmsStatus=received&MessageSid=MM0123456789abcdef0123456789abcdef" +
		"&AccountSid=" + testAccount + "&From=%2B14155550199&To=%2B14155550100"
)

var receivedAt = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

func ptr(s string) *string { return &s }

func TestParseStatusCallback(t *testing.T) {
	tests := []struct {
		name      string
		form      string
		want      smstrack.EventInput // Payload and DedupeKey are checked apart
		wantField string              // for refusals
	}{
		{
			name: "delivered with carrier time",
			form: deliveredForm,
			want: smstrack.EventInput{
				Key: smstrack.Key{Provider: "twilio", Account: testAccount, ProviderID: testSID},
				Event: smstrack.Event{
					Status: smstrack.StatusDelivered, Source: smstrack.SourceWebhook, ReceivedAt: receivedAt,
					ProviderTime: time.Date(2026, 3, 14, 15, 9, 0, 0, time.UTC),
				},
				Facts: smstrack.Facts{ServiceID: testService, Direction: smstrack.Outbound, From: "+14155550199", To: "+14155550100"},
			},
		},
		{
			name: "undelivered with error code",
			form: undeliveredForm,
			want: smstrack.EventInput{
				Key:   smstrack.Key{Provider: "twilio", Account: testAccount, ProviderID: testSID},
				Event: smstrack.Event{Status: smstrack.StatusUndelivered, ErrorCode: "30034", Source: smstrack.SourceWebhook, ReceivedAt: receivedAt},
				Facts: smstrack.Facts{Direction: smstrack.Outbound, From: "+14155550199", To: "+14155550100"},
			},
		},
		{
			name: "whatsapp read",
			form: whatsappReadForm,
			want: smstrack.EventInput{
				Key:   smstrack.Key{Provider: "twilio", Account: testAccount, ProviderID: testSID},
				Event: smstrack.Event{Status: smstrack.StatusRead, Source: smstrack.SourceWebhook, ReceivedAt: receivedAt},
				Facts: smstrack.Facts{Direction: smstrack.Outbound, From: "whatsapp:+14155550199", To: "whatsapp:+14155550100"},
			},
		},
		{
			name: "legacy names only, with price",
			form: "SmsSid=" + testSID + "&SmsStatus=sent&AccountSid=" + testAccount + "&Price=-0.00790&PriceUnit=USD&ErrorCode=0",
			want: smstrack.EventInput{
				Key:   smstrack.Key{Provider: "twilio", Account: testAccount, ProviderID: testSID},
				Event: smstrack.Event{Status: smstrack.StatusSent, Source: smstrack.SourceWebhook, ReceivedAt: receivedAt},
				Facts: smstrack.Facts{Direction: smstrack.Outbound, Price: "-0.00790", PriceUnit: "USD"},
			},
		},
		{
			name: "bad carrier time is ignored",
			form: "MessageSid=" + testSID + "&MessageStatus=delivered&AccountSid=" + testAccount + "&RawDlrDoneDate=2613999999",
			want: smstrack.EventInput{
				Key:   smstrack.Key{Provider: "twilio", Account: testAccount, ProviderID: testSID},
				Event: smstrack.Event{Status: smstrack.StatusDelivered, Source: smstrack.SourceWebhook, ReceivedAt: receivedAt},
				Facts: smstrack.Facts{Direction: smstrack.Outbound},
			},
		},
		{
			name: "receiving is inbound",
			form: "MessageSid=" + testSID + "&MessageStatus=receiving&AccountSid=" + testAccount,
			want: smstrack.EventInput{
				Key:   smstrack.Key{Provider: "twilio", Account: testAccount, ProviderID: testSID},
				Event: smstrack.Event{Status: smstrack.StatusReceiving, Source: smstrack.SourceWebhook, ReceivedAt: receivedAt},
				Facts: smstrack.Facts{Direction: smstrack.Inbound},
			},
		},
		{
			name: "status word in capitals",
			form: "MessageSid=" + testSID + "&MessageStatus=Partially_Delivered&AccountSid=" + testAccount,
			want: smstrack.EventInput{
				Key:   smstrack.Key{Provider: "twilio", Account: testAccount, ProviderID: testSID},
				Event: smstrack.Event{Status: smstrack.StatusPartiallyDelivered, Source: smstrack.SourceWebhook, ReceivedAt: receivedAt},
				Facts: smstrack.Facts{Direction: smstrack.Outbound},
			},
		},
		{name: "no message id", form: "MessageStatus=delivered&AccountSid=" + testAccount, wantField: "MessageSid"},
		{name: "malformed message id", form: "MessageSid=SM%27%3B+drop&MessageStatus=delivered&AccountSid=" + testAccount, wantField: "MessageSid"},
		{name: "no account", form: "MessageSid=" + testSID + "&MessageStatus=delivered", wantField: "AccountSid"},
		{name: "no status", form: "MessageSid=" + testSID + "&AccountSid=" + testAccount, wantField: "MessageStatus"},
		{name: "unknown status", form: "MessageSid=" + testSID + "&MessageStatus=exploded&AccountSid=" + testAccount, wantField: "MessageStatus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields := providertest.Form(t, tt.form)
			got, err := ParseStatusCallback(fields, receivedAt)
			if !providertest.Parses(t, err, tt.wantField) {
				return
			}
			checkEvent(t, got, tt.want, fields)
		})
	}
}

func TestParseInbound(t *testing.T) {
	tests := []struct {
		name      string
		form      string
		want      smstrack.EventInput
		wantField string
	}{
		{
			name: "sms",
			form: inboundForm,
			want: smstrack.EventInput{
				Key:   smstrack.Key{Provider: "twilio", Account: testAccount, ProviderID: testSID},
				Event: smstrack.Event{Status: smstrack.StatusReceived, Source: smstrack.SourceWebhook, ReceivedAt: receivedAt},
				Facts: smstrack.Facts{
					Direction: smstrack.Inbound, From: "+14155550199", To: "+14155550100",
					Body: ptr("Hello 👋 are you open today?"), Segments: 1, CreatedAt: receivedAt,
				},
			},
		},
		{
			name: "mms with an empty body",
			form: inboundMMSForm,
			want: smstrack.EventInput{
				Key:   smstrack.Key{Provider: "twilio", Account: testAccount, ProviderID: "MM0123456789abcdef0123456789abcdef"},
				Event: smstrack.Event{Status: smstrack.StatusReceived, Source: smstrack.SourceWebhook, ReceivedAt: receivedAt},
				Facts: smstrack.Facts{
					Direction: smstrack.Inbound, From: "+14155550199", To: "+14155550100",
					Body: ptr(""), Segments: 1, CreatedAt: receivedAt,
					Media: []smstrack.Media{
						{URL: "https://api.twilio.com/2010-04-01/Accounts/" + testAccount + "/Messages/" + testSID + "/Media/ME1", ContentType: "image/jpeg"},
						{URL: "https://api.twilio.com/Media/ME2", ContentType: "image/png"},
					},
				},
			},
		},
		{
			name: "no body field, bad segment count",
			form: "MessageSid=" + testSID + "&AccountSid=" + testAccount + "&NumSegments=many",
			want: smstrack.EventInput{
				Key:   smstrack.Key{Provider: "twilio", Account: testAccount, ProviderID: testSID},
				Event: smstrack.Event{Status: smstrack.StatusReceived, Source: smstrack.SourceWebhook, ReceivedAt: receivedAt},
				Facts: smstrack.Facts{Direction: smstrack.Inbound, CreatedAt: receivedAt},
			},
		},
		{name: "no message id", form: "Body=hi&AccountSid=" + testAccount, wantField: "MessageSid"},
		{name: "no account", form: "Body=hi&MessageSid=" + testSID, wantField: "AccountSid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields := providertest.Form(t, tt.form)
			got, err := ParseInbound(fields, receivedAt)
			if !providertest.Parses(t, err, tt.wantField) {
				return
			}
			checkEvent(t, got, tt.want, fields)
		})
	}
}

// checkEvent compares an event with want, and checks that its payload holds
// every field as received and that its dedupe key is set.
func checkEvent(t *testing.T, got *smstrack.EventInput, want smstrack.EventInput, fields url.Values) {
	t.Helper()
	payload, key := got.Payload, got.DedupeKey
	cp := *got
	cp.Payload, cp.DedupeKey = nil, ""
	if !reflect.DeepEqual(cp, want) {
		t.Errorf("event\n%+v\nwant\n%+v", cp, want)
	}
	var decoded map[string]any
	if err := json.Unmarshal(payload, &decoded); err != nil {
		t.Fatalf("payload %s is not JSON: %v", payload, err)
	}
	for k, v := range fields {
		var wantV any = v[0]
		if len(v) > 1 {
			wantV = toAny(v)
		}
		if !reflect.DeepEqual(decoded[k], wantV) {
			t.Errorf("payload[%q] = %v, want %v", k, decoded[k], wantV)
		}
	}
	if len(decoded) != len(fields) {
		t.Errorf("payload has %d fields, want %d", len(decoded), len(fields))
	}
	if key == "" {
		t.Error("dedupe key not set")
	}
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// The same callback delivered twice must dedupe, whatever order its fields
// came in; a different status must not.
func TestDedupeKey(t *testing.T) {
	a, err := ParseStatusCallback(providertest.Form(t, deliveredForm), receivedAt)
	if err != nil {
		t.Fatal(err)
	}
	reordered := providertest.Form(t, "RawDlrDoneDate=2603141509&ApiVersion=2010-04-01&From=%2B14155550199"+
		"&MessagingServiceSid="+testService+"&AccountSid="+testAccount+"&MessageSid="+testSID+
		"&To=%2B14155550100&MessageStatus=delivered&SmsStatus=delivered&SmsSid="+testSID)
	b, err := ParseStatusCallback(reordered, receivedAt.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if a.DedupeKey != b.DedupeKey {
		t.Errorf("same callback, reordered: keys %s and %s differ", a.DedupeKey, b.DedupeKey)
	}
	c, err := ParseStatusCallback(providertest.Form(t, undeliveredForm), receivedAt)
	if err != nil {
		t.Fatal(err)
	}
	if a.DedupeKey == c.DedupeKey {
		t.Error("different callbacks share a dedupe key")
	}
}

func TestRepeatedFieldsKept(t *testing.T) {
	fields := providertest.Form(t, "MessageSid="+testSID+"&MessageStatus=sent&AccountSid="+testAccount+"&Tag=a&Tag=b")
	ev, err := ParseStatusCallback(fields, receivedAt)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"AccountSid":"` + testAccount + `","MessageSid":"` + testSID + `","MessageStatus":"sent","Tag":["a","b"]}`
	if string(ev.Payload) != want {
		t.Errorf("payload = %s, want %s", ev.Payload, want)
	}
}

func TestParseJSON(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		wantFields  url.Values
		wantPayload string
		wantErr     bool
	}{
		{
			name: "status callback",
			body: "{\n  \"MessageSid\": \"" + testSID + "\",\n  \"MessageStatus\": \"delivered\",\n  \"AccountSid\": \"" + testAccount + "\",\n  \"ErrorCode\": null,\n  \"NumSegments\": 2,\n  \"Flags\": {\"a\": [1, true]}\n}",
			wantFields: url.Values{
				"MessageSid": {testSID}, "MessageStatus": {"delivered"}, "AccountSid": {testAccount},
				"ErrorCode": {""}, "NumSegments": {"2"}, "Flags": {`{"a":[1,true]}`},
			},
			wantPayload: `{"MessageSid":"` + testSID + `","MessageStatus":"delivered","AccountSid":"` + testAccount + `","ErrorCode":null,"NumSegments":2,"Flags":{"a":[1,true]}}`,
		},
		{name: "escaped unicode", body: `{"Body":"caf\u00e9 \ud83d\ude00"}`, wantFields: url.Values{"Body": {"café 😀"}}, wantPayload: `{"Body":"caf\u00e9 \ud83d\ude00"}`},
		{name: "array", body: `[1,2]`, wantErr: true},
		{name: "null", body: `null`, wantErr: true},
		{name: "trailing data", body: `{"a":"b"} {"c":"d"}`, wantErr: true},
		{name: "truncated", body: `{"a":"b"`, wantErr: true},
		{name: "not UTF-8", body: "{\"a\":\"\xff\"}", wantErr: true},
		{name: "empty", body: ``, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields, payload, err := ParseJSON([]byte(tt.body))
			if tt.wantErr {
				if smstrack.ErrorCode(err) != smstrack.EINVALID {
					t.Fatalf("ParseJSON error = %v, want EINVALID", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseJSON: %v", err)
			}
			if !reflect.DeepEqual(fields, tt.wantFields) {
				t.Errorf("fields = %v, want %v", fields, tt.wantFields)
			}
			if string(payload) != tt.wantPayload {
				t.Errorf("payload = %s, want %s", payload, tt.wantPayload)
			}
		})
	}
}

func TestParseDlrDoneDate(t *testing.T) {
	tests := []struct {
		in     string
		want   time.Time
		wantOK bool
	}{
		{"2603141509", time.Date(2026, 3, 14, 15, 9, 0, 0, time.UTC), true},
		{" 9912312359 ", time.Date(1999, 12, 31, 23, 59, 0, 0, time.UTC), true},
		{"2402291200", time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC), true},
		{"2302291200", time.Time{}, false}, // no 29 February in 2023
		{"2613011200", time.Time{}, false},
		{"2601012460", time.Time{}, false},
		{"260314150", time.Time{}, false},
		{"260314150900", time.Time{}, false},
		{"26-03-1415", time.Time{}, false},
		{"+603141509", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseDlrDoneDate(tt.in)
		if ok != tt.wantOK || !got.Equal(tt.want) {
			t.Errorf("ParseDlrDoneDate(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

// Every Twilio status word maps, and to a valid smstrack status.
func TestStatusTable(t *testing.T) {
	for word, st := range statuses {
		if !st.Valid() {
			t.Errorf("%q maps to invalid status %q", word, st)
		}
	}
	if len(statuses) != len(smstrack.Statuses) {
		t.Errorf("%d Twilio words for %d smstrack statuses", len(statuses), len(smstrack.Statuses))
	}
}
