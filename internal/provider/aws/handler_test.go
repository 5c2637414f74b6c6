package aws

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

func TestHandler(t *testing.T) {
	s := newSigner(t)
	tests := []struct {
		name       string
		cfg        func(Config) Config
		body       func() string
		ingErr     error
		wantStatus int
		wantEvent  smstrack.Status
		wantField  string // of the recorded refusal; "-" for none
		confirmed  int32
	}{
		{name: "delivered, SignatureVersion 2", body: func() string { return s.notification(eventRecord("TEXT_DELIVERED")).body() }, wantStatus: 200, wantEvent: smstrack.StatusDelivered, wantField: "-"},
		{
			name: "delivered, SignatureVersion 1",
			body: func() string {
				e := s.notification(eventRecord("TEXT_DELIVERED"))
				e.SignatureVersion = "1"
				s.sign(e)
				return e.body()
			},
			wantStatus: 200, wantEvent: smstrack.StatusDelivered, wantField: "-",
		},
		{
			name: "notification with a subject",
			body: func() string {
				e := s.notification(eventRecord("TEXT_BLOCKED"))
				subj := "SMS event"
				e.Subject = &subj
				s.sign(e)
				return e.body()
			},
			wantStatus: 200, wantEvent: smstrack.StatusUndelivered, wantField: "-",
		},
		{name: "subscription confirmed", body: func() string { return s.confirmation(TypeSubscriptionConfirmation).body() }, wantStatus: 200, wantField: "-", confirmed: 1},
		{name: "unsubscribe noted", body: func() string { return s.confirmation(TypeUnsubscribeConfirmation).body() }, wantStatus: 200, wantField: "-"},
		{name: "voice event acknowledged, not stored", body: func() string { return s.notification(eventRecord("VOICE_COMPLETED")).body() }, wantStatus: 200, wantField: "-"},
		{
			name: "tampered message",
			body: func() string {
				e := s.notification(eventRecord("TEXT_SPAM"))
				e.Message = eventRecord("TEXT_DELIVERED")
				return e.body()
			},
			wantStatus: 403, wantField: "Signature",
		},
		{
			name: "subject added after signing",
			body: func() string {
				e := s.notification(eventRecord("TEXT_DELIVERED"))
				subj := ""
				e.Subject = &subj
				return e.body()
			},
			wantStatus: 403, wantField: "Signature",
		},
		{
			name:       "signature not base64",
			body:       func() string { e := s.notification(eventRecord("TEXT_DELIVERED")); e.Signature = "!!"; return e.body() },
			wantStatus: 403, wantField: "Signature",
		},
		{
			name: "unknown signature version",
			body: func() string {
				e := s.notification(eventRecord("TEXT_DELIVERED"))
				e.SignatureVersion = "3"
				return e.body()
			},
			wantStatus: 403, wantField: "SignatureVersion",
		},
		{
			name: "certificate from a host that is not SNS",
			body: func() string {
				e := &Envelope{Type: TypeNotification, MessageId: "m", TopicArn: testTopic, Message: eventRecord("TEXT_DELIVERED"),
					Timestamp: "2026-03-14T15:30:59.123Z", SignatureVersion: "2", SigningCertURL: "https://evil.example.com/cert.pem"}
				s.sign(e)
				return e.body()
			},
			wantStatus: 403, wantField: "SigningCertURL",
		},
		{
			name: "certificate over plain http",
			body: func() string {
				e := s.notification(eventRecord("TEXT_DELIVERED"))
				e.SigningCertURL = strings.Replace(s.certURL, "https:", "http:", 1)
				s.sign(e)
				return e.body()
			},
			wantStatus: 403, wantField: "SigningCertURL",
		},
		{
			name: "confirmation URL not SNS",
			body: func() string {
				e := s.confirmation(TypeSubscriptionConfirmation)
				e.SubscribeURL = "https://evil.example.com/confirm"
				s.sign(e)
				return e.body()
			},
			wantStatus: 403, wantField: "SubscribeURL",
		},
		{
			name: "certificate missing on the server",
			body: func() string {
				e := s.notification(eventRecord("TEXT_DELIVERED"))
				e.SigningCertURL = s.srv.URL + "/missing.pem"
				s.sign(e)
				return e.body()
			},
			wantStatus: 503, wantField: "-",
		},
		{
			name: "topic not configured",
			body: func() string {
				e := s.notification(eventRecord("TEXT_DELIVERED"))
				e.TopicArn = otherTopic
				s.sign(e)
				return e.body()
			},
			wantStatus: 403, wantField: "TopicArn",
		},
		{
			name: "old message replayed",
			body: func() string {
				e := s.notification(eventRecord("TEXT_DELIVERED"))
				e.Timestamp = receivedAt.Add(-25 * time.Hour).Format(time.RFC3339)
				s.sign(e)
				return e.body()
			},
			wantStatus: 403, wantField: "Timestamp",
		},
		{
			name: "message from the future",
			body: func() string {
				e := s.notification(eventRecord("TEXT_DELIVERED"))
				e.Timestamp = receivedAt.Add(time.Hour).Format(time.RFC3339)
				s.sign(e)
				return e.body()
			},
			wantStatus: 403, wantField: "Timestamp",
		},
		{name: "AWS not configured", cfg: func(c Config) Config { c.TopicARNs = nil; return c }, body: func() string { return s.notification(eventRecord("TEXT_DELIVERED")).body() }, wantStatus: 403, wantField: ""},
		{name: "not JSON", body: func() string { return "Type=Notification" }, wantStatus: 400, wantField: ""},
		{name: "unknown SNS type", body: func() string { return `{"Type":"Surprise","MessageId":"x","TopicArn":"` + testTopic + `"}` }, wantStatus: 400, wantField: "Type"},
		{name: "unknown event type", body: func() string { return s.notification(eventRecord("TEXT_EXPLODED")).body() }, wantStatus: 400, wantField: "eventType"},
		{name: "event without messageId", body: func() string { return s.notification(eventRecord("TEXT_DELIVERED", "messageId", "<del>")).body() }, wantStatus: 400, wantField: "messageId"},
		{name: "message not JSON", body: func() string { return s.notification("hello").body() }, wantStatus: 400, wantField: "Message"},
		{
			name:       "skip verification still checks the topic",
			cfg:        func(c Config) Config { c.SkipVerification = true; return c },
			body:       func() string { e := s.notification(eventRecord("TEXT_DELIVERED")); e.Signature = "x"; return e.body() },
			wantStatus: 200, wantEvent: smstrack.StatusDelivered, wantField: "-",
		},
		{name: "store down", body: func() string { return s.notification(eventRecord("TEXT_DELIVERED")).body() }, ingErr: errors.New("disk on fire"), wantStatus: 500, wantField: "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(s)
			if tt.cfg != nil {
				cfg = tt.cfg(cfg)
			}
			before := s.confirmed.Load()
			h := newHarness(t, s, cfg)
			h.Run(t, providertest.Case{Req: func() *http.Request { return h.request(tt.body()) }, IngErr: tt.ingErr,
				WantStatus: tt.wantStatus, WantEvents: providertest.One(tt.wantEvent), WantField: tt.wantField})
			if got := s.confirmed.Load() - before; got != tt.confirmed {
				t.Errorf("confirmed %d times, want %d", got, tt.confirmed)
			}
		})
	}
}

func TestCertificateCached(t *testing.T) {
	s := newSigner(t)
	h := newHarness(t, s, testConfig(s))
	for i := 0; i < 3; i++ {
		if w := h.post(s.notification(eventRecord("TEXT_DELIVERED")).body()); w.Code != http.StatusOK {
			t.Fatalf("status %d (%s)", w.Code, w.Body)
		}
	}
	if got := s.certGets.Load(); got != 1 {
		t.Errorf("certificate fetched %d times, want once", got)
	}
}

func TestAccount(t *testing.T) {
	s := newSigner(t)
	for _, tt := range []struct{ label, want string }{{"", "123456789012"}, {"prod-sms", "prod-sms"}} {
		cfg := testConfig(s)
		cfg.Account = tt.label
		h := newHarness(t, s, cfg)
		h.post(s.notification(eventRecord("TEXT_DELIVERED")).body())
		evs := h.Ing.Events()
		if len(evs) != 1 || evs[0].Account != tt.want {
			t.Errorf("label %q: events %+v, want account %q", tt.label, evs, tt.want)
		}
	}
}

func TestIsSNSHost(t *testing.T) {
	for host, want := range map[string]bool{
		"sns.us-east-1.amazonaws.com": true, "sns.eu-central-1.amazonaws.com": true, "sns.us-gov-west-1.amazonaws.com": true,
		"sns.cn-north-1.amazonaws.com.cn": true, "sns.ap-southeast-2.amazonaws.com:443": true, "SNS.US-EAST-1.AMAZONAWS.COM": true,
		"sns.us-east-1.amazonaws.com.evil.com": false, "evilsns.us-east-1.amazonaws.com": false, "sns.amazonaws.com": false,
		"sns.us-east-1.amazonaws.com:8443": false, "s3.us-east-1.amazonaws.com": false, "": false, "127.0.0.1": false,
	} {
		if got := IsSNSHost(host); got != want {
			t.Errorf("IsSNSHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestParseTopicARNs(t *testing.T) {
	got, err := ParseTopicARNs(" " + testTopic + " ,arn:aws-cn:sns:cn-north-1:123456789012:x,")
	if err != nil || len(got) != 2 || got[0] != testTopic {
		t.Errorf("ParseTopicARNs = %v, %v", got, err)
	}
	for _, bad := range []string{"sms-events", "arn:aws:sqs:us-east-1:123456789012:q", "arn:aws:sns:us-east-1:1234:x"} {
		if _, err := ParseTopicARNs(bad); err == nil {
			t.Errorf("ParseTopicARNs(%q) accepted", bad)
		}
	}
	if got, err := ParseTopicARNs(""); err != nil || got != nil {
		t.Errorf("ParseTopicARNs(\"\") = %v, %v", got, err)
	}
}
