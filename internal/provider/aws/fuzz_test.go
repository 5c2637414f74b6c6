package aws

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

// Fuzz targets for everything that reads outside input. Their seeds run as
// ordinary tests; `go test -fuzz=FuzzX` explores further.

var messageSeeds = []string{
	eventRecord("TEXT_DELIVERED"), eventRecord("TEXT_SPAM", "messageId", "<del>"), eventRecord("VOICE_COMPLETED"),
	`{"source":"aws.sms-voice","detail":` + eventRecord("TEXT_QUEUED") + `}`, `{"inboundMessageId":"x","messageBody":"hi"}`,
	`{}`, `[]`, `null`, `"x"`, `{"eventType":"TEXT_DELIVERED","messageId":1e999}`, "{\"eventType\":\"\xff\"}",
	`{"eventType":"TEXT_DELIVERED","messageId":"m","eventTimestamp":-1,"totalMessageParts":"x","totalMessagePrice":"NaN"}`,
}

func FuzzParseMessage(f *testing.F) {
	for _, s := range messageSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		ev, err := ParseMessage([]byte(msg), "123456789012", map[string]string{"MessageId": "m"}, receivedAt)
		providertest.Parsed{Provider: Provider}.Check(t, ev, err)
	})
}

func FuzzParseEnvelope(f *testing.F) {
	s := newSigner(f)
	f.Add(s.notification(eventRecord("TEXT_DELIVERED")).body())
	f.Add(s.confirmation(TypeSubscriptionConfirmation).body())
	for _, m := range []string{"", "{}", `{"Type":"Notification"}`, `{"Type":"Notification","MessageId":"x","TopicArn":"t","Subject":null}`, `{"Type":"SubscriptionConfirmation","MessageId":"x","TopicArn":"t"}`} {
		f.Add(m)
	}
	f.Fuzz(func(t *testing.T, body string) {
		env, err := ParseEnvelope([]byte(body))
		if err != nil {
			if env != nil || smstrack.ErrorCode(err) != smstrack.EINVALID {
				t.Fatalf("ParseEnvelope = %+v, %v", env, err)
			}
			return
		}
		if env.StringToSign() == "" || env.MessageId == "" || env.TopicArn == "" {
			t.Fatalf("envelope %+v", env)
		}
	})
}

// FuzzHandler sends any SNS message through the real handler, with
// verification off so the fuzzer reaches the parsers: 200 only after
// storing (or for what is acknowledged without storing), otherwise a JSON
// 4xx; never 5xx.
func FuzzHandler(f *testing.F) {
	s := newSigner(f)
	for _, m := range messageSeeds {
		f.Add(s.notification(m).body())
	}
	f.Add(s.confirmation(TypeUnsubscribeConfirmation).body())
	f.Add("{}")
	f.Fuzz(func(t *testing.T, body string) {
		cfg := testConfig(s)
		cfg.SkipVerification = true
		// Only the test server, never a real SNS host, may be called.
		testHost := strings.TrimPrefix(s.srv.URL, "https://")
		cfg.AllowHost = func(host string) bool { return host == testHost }
		h := newHarness(t, s, cfg)
		w := h.post(body)
		stored := len(h.Ing.Events())
		switch {
		case w.Code == 200:
			env, err := ParseEnvelope([]byte(body))
			if err != nil {
				t.Fatalf("answered 200 to an unreadable envelope")
			}
			if env.Type == TypeNotification {
				_, perr := ParseMessage([]byte(env.Message), "a", nil, receivedAt)
				if stored != 1 && !errors.Is(perr, ErrIgnored) {
					t.Fatalf("answered 200 with %d events stored", stored)
				}
			}
		case w.Code >= 400 && w.Code < 500:
			if stored != 0 || !json.Valid(bytes.TrimSpace(w.Body.Bytes())) {
				t.Fatalf("answered %d %q with %d events stored", w.Code, w.Body, stored)
			}
		case w.Code == 502:
			// A SubscriptionConfirmation whose URL the test server does
			// not serve; nothing stored.
			if stored != 0 {
				t.Fatalf("answered 502 with %d events stored", stored)
			}
		default:
			t.Fatalf("answered %d %q", w.Code, w.Body)
		}
	})
}
