package telnyx

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
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
		if !(providertest.Parsed{Provider: Provider, ValidID: validID, Direction: true}).CheckAll(t, evs, err) {
			return
		}
		keys := map[string]bool{}
		for _, ev := range evs {
			if keys[ev.ProviderID] {
				t.Fatalf("two events for %s", ev.ProviderID)
			}
			keys[ev.ProviderID] = true
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
