package bird

import (
	"net/url"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

// Fuzz targets for everything that reads outside input. Their seeds run as
// ordinary tests; `go test -fuzz=FuzzX` explores further.

// parsed holds for every event a parser returns.
var parsed = providertest.Parsed{Provider: Provider, ValidID: validID}

func FuzzParseStatusReport(f *testing.F) {
	for _, s := range []string{reportQuery, "", "id=1&recipient=2&status=sent", "id=%zz", "id=1&id=2&recipient=3&status=delivered&mccmnc=1234567",
		"id=1&recipient=2&status=buffered&statusErrorCode=0&price[amount]=1&\xff=\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		fields, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		ev, err := ParseStatusReport(fields, receivedAt, DefaultAccount)
		parsed.Check(t, ev, err)
	})
}

func FuzzParseChannelEvent(f *testing.F) {
	for _, s := range []string{outboundEvent, inboundEvent, `{}`, `null`, `{"event":"sms.outbound","payload":{"id":"x","status":"sent","receiver":{"contacts":[{},{}]}}}`,
		`{"event":"sms.inbound","payload":{"id":"x","status":"delivered","body":{"text":null}}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		evs, err := ParseChannelEvent([]byte(body), receivedAt, DefaultAccount)
		parsed.CheckAll(t, evs, err)
	})
}

func FuzzVerifyJWT(f *testing.F) {
	issued := time.Unix(1773500966, 0)
	f.Add(SignJWT(testKey, "https://track.example.com/webhooks/bird", []byte("{}"), issued, "j"), "https://track.example.com/webhooks/bird", "{}")
	f.Add("a.b.c", "", "")
	f.Add("eyJhbGciOiJub25lIn0.e30.", "u", "")
	f.Fuzz(func(t *testing.T, token, rawURL, body string) {
		err := VerifyJWT(testKey, token, rawURL, []byte(body), issued)
		if err != nil && smstrack.ErrorCode(err) != smstrack.EFORBIDDEN {
			t.Fatalf("error %v, want EFORBIDDEN", err)
		}
		if err == nil && (rawURL != "https://track.example.com/webhooks/bird" || body != "{}") {
			t.Fatalf("accepted a token for %q %q that the key never signed", rawURL, body)
		}
	})
}
