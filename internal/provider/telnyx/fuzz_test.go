package telnyx

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/smstrack/smstrack"
)

// Fuzz targets for everything that reads outside input. Their seeds run as
// ordinary tests; `go test -fuzz=FuzzX` explores further.

func FuzzParseWebhook(f *testing.F) {
	for _, s := range []string{
		finalizedBody, sentBody, receivedBody, groupBody,
		`{}`, `[]`, `null`, `{"data":null}`, `{"data":{"payload":{}}}`,
		`{"data":{"event_type":"message.sent","payload":{"id":"x","to":[{"status":"sent"},{"status":"sent"}]}}}`,
		`{"data":{"event_type":"message.received","payload":{"id":"x","from":null,"to":null,"text":null,"parts":"9","cost":{"amount":1e999}}}}`,
		"{\"data\":{\"event_type\":\"message.sent\",\"payload\":{\"id\":\"\\u0000\"}}}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		evs, err := ParseWebhook([]byte(body), receivedAt, "acct")
		if err != nil {
			if evs != nil {
				t.Fatalf("events %v returned with error %v", evs, err)
			}
			if smstrack.ErrorCode(err) != smstrack.EINVALID {
				t.Fatalf("error %v has code %q, want EINVALID", err, smstrack.ErrorCode(err))
			}
			return
		}
		if len(evs) == 0 {
			t.Fatal("no events and no error")
		}
		keys := map[string]bool{}
		for _, ev := range evs {
			if ev.Provider != Provider || !validID(ev.Account) || !validID(ev.ProviderID) {
				t.Fatalf("bad key %+v", ev.Key)
			}
			if keys[ev.ProviderID] {
				t.Fatalf("two events for %s", ev.ProviderID)
			}
			keys[ev.ProviderID] = true
			if !ev.Status.Valid() || ev.Source != smstrack.SourceWebhook || ev.DedupeKey == "" {
				t.Fatalf("event %+v", ev.Event)
			}
			if !json.Valid(ev.Payload) || !utf8.Valid(ev.Payload) {
				t.Fatalf("payload %q is not valid JSON text", ev.Payload)
			}
			if ev.Facts.Direction != smstrack.Inbound && ev.Facts.Direction != smstrack.Outbound {
				t.Fatalf("direction %q", ev.Facts.Direction)
			}
		}
	})
}

func FuzzVerify(f *testing.F) {
	now := time.Unix(1773500966, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	f.Add(Sign(testKey, ts, []byte(finalizedBody)), ts, finalizedBody)
	f.Add("", "", "")
	f.Add("!!", "-1", "{}")
	f.Add(Sign(testKey, ts, nil), ts+"0", "")
	f.Fuzz(func(t *testing.T, sig, stamp, body string) {
		err := Verify(testPublicKey(), sig, stamp, []byte(body), now, DefaultTolerance)
		if err != nil && smstrack.ErrorCode(err) != smstrack.EFORBIDDEN {
			t.Fatalf("error %v, want EFORBIDDEN", err)
		}
		// Only what the seeds signed can pass: the fuzzer cannot forge.
		if err == nil && (strings.TrimSpace(stamp) != ts || body != finalizedBody && body != "") {
			t.Fatalf("accepted signature %q over %q|%q, which the key never signed", sig, stamp, body)
		}
	})
}
