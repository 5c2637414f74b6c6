package aws

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
)

func TestParseMessageEveryEventType(t *testing.T) {
	tests := []struct {
		typ       string
		status    smstrack.Status
		errorCode string
	}{
		{"TEXT_QUEUED", smstrack.StatusQueued, ""},
		{"TEXT_PENDING", smstrack.StatusSent, ""},
		{"TEXT_SUCCESSFUL", smstrack.StatusDelivered, ""},
		{"TEXT_DELIVERED", smstrack.StatusDelivered, ""},
		{"TEXT_BLOCKED", smstrack.StatusUndelivered, "TEXT_BLOCKED"},
		{"TEXT_TTL_EXPIRED", smstrack.StatusUndelivered, "TEXT_TTL_EXPIRED"},
		{"TEXT_CARRIER_UNREACHABLE", smstrack.StatusUndelivered, "TEXT_CARRIER_UNREACHABLE"},
		{"TEXT_INVALID", smstrack.StatusFailed, "TEXT_INVALID"},
		{"TEXT_INVALID_MESSAGE", smstrack.StatusFailed, "TEXT_INVALID_MESSAGE"},
		{"TEXT_UNREACHABLE", smstrack.StatusUndelivered, "TEXT_UNREACHABLE"},
		{"TEXT_CARRIER_BLOCKED", smstrack.StatusUndelivered, "TEXT_CARRIER_BLOCKED"},
		{"TEXT_SPAM", smstrack.StatusUndelivered, "TEXT_SPAM"},
		{"TEXT_UNKNOWN", smstrack.StatusUndelivered, "TEXT_UNKNOWN"},
		{"TEXT_PROTECT_BLOCKED", smstrack.StatusFailed, "TEXT_PROTECT_BLOCKED"},
	}
	if len(tests) != len(statuses) {
		t.Fatalf("%d cases for %d event types: keep them in step", len(tests), len(statuses))
	}
	meta := map[string]string{"MessageId": "22b80b92", "TopicArn": testTopic}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			ev, err := ParseMessage([]byte(eventRecord(tt.typ)), "123456789012", meta, receivedAt)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Status != tt.status || ev.ErrorCode != tt.errorCode {
				t.Errorf("status %q code %q, want %q %q", ev.Status, ev.ErrorCode, tt.status, tt.errorCode)
			}
			want := smstrack.Key{Provider: "aws", Account: "123456789012", ProviderID: "862a8790-60c0-4430-9b2b-658bdexample"}
			if ev.Key != want {
				t.Errorf("key %+v, want %+v", ev.Key, want)
			}
			if !ev.ProviderTime.Equal(time.UnixMilli(1773502258470)) || !ev.Facts.CreatedAt.Equal(time.UnixMilli(1773502257170)) {
				t.Errorf("provider time %v, created %v", ev.ProviderTime, ev.Facts.CreatedAt)
			}
			f := ev.Facts
			wantNet := smstrack.Network{MCC: "310", MNC: "800", Carrier: "T-Mobile"}
			if f.Direction != smstrack.Outbound || f.To != "+14255550156" || f.From != "+12065550152" || f.Country != "US" ||
				f.Network != wantNet || f.Encoding != "GSM" || f.Segments != 1 || f.Price != "0.00581" || f.PriceUnit != "USD" {
				t.Errorf("facts %+v", f)
			}
			if tt.errorCode != "" {
				if info := smstrack.ExplainError(Provider, tt.errorCode); info == nil || info.Title == "Unknown error" {
					t.Errorf("%s not explained: %+v", tt.errorCode, info)
				}
			}
			var p struct {
				Event map[string]any    `json:"event"`
				SNS   map[string]string `json:"sns"`
			}
			if err := json.Unmarshal(ev.Payload, &p); err != nil || p.Event["eventType"] != tt.typ || p.SNS["TopicArn"] != testTopic {
				t.Errorf("payload %s", ev.Payload)
			}
		})
	}
}

func TestParseMessageShapes(t *testing.T) {
	t.Run("EventBridge envelope", func(t *testing.T) {
		msg := `{"version":"0","id":"5c0fa4f8","detail-type":"Text Message Delivery Status Updated","source":"aws.sms-voice",` +
			`"account":"111122223333","time":"2026-03-14T15:30:41Z","region":"eu-west-1","resources":[],"detail":` + eventRecord("TEXT_SUCCESSFUL", "destinationPhoneNumber", "<del>") + `}`
		ev, err := ParseMessage([]byte(msg), "111122223333", nil, receivedAt)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Status != smstrack.StatusDelivered || ev.ProviderID != "862a8790-60c0-4430-9b2b-658bdexample" || ev.Facts.To != "" {
			t.Errorf("event %+v", ev)
		}
	})
	t.Run("two-way inbound", func(t *testing.T) {
		msg := `{"originationNumber":"+14255550182","destinationNumber":"+12125550101","messageKeyword":"JOIN",` +
			`"messageBody":"Yes, please","inboundMessageId":"cae173d2-66b9-564c-8309-21f858e9fb84","previousPublishedMessageId":"wJalrXUtnFEMI"}`
		ev, err := ParseMessage([]byte(msg), "123456789012", nil, receivedAt)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Status != smstrack.StatusReceived || ev.Facts.Direction != smstrack.Inbound || ev.ProviderID != "cae173d2-66b9-564c-8309-21f858e9fb84" ||
			ev.Facts.From != "+14255550182" || ev.Facts.To != "+12125550101" || ev.Facts.Body == nil || *ev.Facts.Body != "Yes, please" {
			t.Errorf("event %+v", ev)
		}
	})
	t.Run("price absent", func(t *testing.T) {
		ev, err := ParseMessage([]byte(eventRecord("TEXT_QUEUED", "totalMessagePrice", "<del>", "totalMessageParts", "<del>")), "a", nil, receivedAt)
		if err != nil || ev.Facts.Price != "" || ev.Facts.PriceUnit != "" || ev.Facts.Segments != 0 {
			t.Errorf("event %+v, %v", ev, err)
		}
	})
	t.Run("MMS ignored", func(t *testing.T) {
		if _, err := ParseMessage([]byte(eventRecord("MEDIA_DELIVERED")), "a", nil, receivedAt); !errors.Is(err, ErrIgnored) {
			t.Errorf("err %v, want ErrIgnored", err)
		}
	})
	for name, msg := range map[string]string{
		"no event type": eventRecord("TEXT_DELIVERED", "eventType", "<del>"), "array": `[1]`, "null": `null`,
		"inbound without id": `{"inboundMessageId":""}`, "EventBridge detail not an object": `{"source":"aws.sms-voice","detail":"x"}`,
	} {
		t.Run(name, func(t *testing.T) {
			ev, err := ParseMessage([]byte(msg), "a", nil, receivedAt)
			if err == nil || smstrack.ErrorCode(err) != smstrack.EINVALID || errors.Is(err, ErrIgnored) {
				t.Errorf("ParseMessage = %+v, %v; want EINVALID", ev, err)
			}
		})
	}
}

func TestStringToSign(t *testing.T) {
	subj := "s"
	n := Envelope{Type: TypeNotification, MessageId: "i", TopicArn: "t", Subject: &subj, Message: "m", Timestamp: "ts", Token: "ignored", SubscribeURL: "ignored"}
	if got, want := n.StringToSign(), "Message\nm\nMessageId\ni\nSubject\ns\nTimestamp\nts\nTopicArn\nt\nType\nNotification\n"; got != want {
		t.Errorf("notification:\n%q\nwant\n%q", got, want)
	}
	n.Subject = nil
	if got, want := n.StringToSign(), "Message\nm\nMessageId\ni\nTimestamp\nts\nTopicArn\nt\nType\nNotification\n"; got != want {
		t.Errorf("notification without subject:\n%q\nwant\n%q", got, want)
	}
	c := Envelope{Type: TypeSubscriptionConfirmation, MessageId: "i", TopicArn: "t", Message: "m", Timestamp: "ts", Token: "k", SubscribeURL: "u"}
	if got, want := c.StringToSign(), "Message\nm\nMessageId\ni\nSubscribeURL\nu\nTimestamp\nts\nToken\nk\nTopicArn\nt\nType\nSubscriptionConfirmation\n"; got != want {
		t.Errorf("confirmation:\n%q\nwant\n%q", got, want)
	}
}
