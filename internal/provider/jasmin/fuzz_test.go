package jasmin

import (
	"net/http"
	"net/url"
	"testing"
	"unicode/utf8"

	"github.com/smstrack/smstrack/internal/provider/providertest"
)

// Fuzz targets for everything that reads outside input. Their seeds run as
// ordinary tests; `go test -fuzz=FuzzX` explores further.

var querySeeds = []string{
	receipt().Encode(), level1().Encode(), level1("message_status", "ESME_RSYSERR").Encode(), mo().Encode(),
	mo("coding", "8", "binary", "d83d").Encode(), mo("coding", "8", "binary", "0").Encode(),
	"", "id=1", "id=1&message_status=2", "id=1&message_status=ESME_", "a=%zz", "id=%ff&message_status=DELIVRD",
	"id=1&message_status=DELIVRD&donedate=9999999999",
}

// parsed holds for every event a parser returns.
var parsed = providertest.Parsed{Provider: Provider, Secret: "token"}

func FuzzParseDLR(f *testing.F) {
	providertest.FuzzForms(f, querySeeds, func(t *testing.T, fields url.Values) {
		ev, err := ParseDLR(fields, "", nil, receivedAt)
		parsed.Check(t, ev, err)
	})
}

func FuzzParseInbound(f *testing.F) {
	providertest.FuzzForms(f, querySeeds, func(t *testing.T, fields url.Values) {
		ev, err := ParseInbound(fields, "", receivedAt)
		parsed.Check(t, ev, err)
		if err == nil && ev.Facts.Body != nil && !utf8.ValidString(*ev.Facts.Body) {
			t.Fatalf("body %q is not UTF-8", *ev.Facts.Body)
		}
	})
}

// FuzzHandler sends any query and body through the real handler: ACK/Jasmin
// only after storing, otherwise a JSON 4xx; never 5xx.
func FuzzHandler(f *testing.F) {
	for _, s := range querySeeds {
		f.Add(s, "", false)
	}
	f.Add("token="+testToken, receipt().Encode(), false)
	f.Add("token="+testToken, mo().Encode(), true)
	f.Fuzz(func(t *testing.T, q, body string, inbound bool) {
		h := newHarness(t, Config{Token: testToken})
		path := StatusPath
		if inbound {
			path = InboundPath
		}
		r := providertest.TokenRequest(path, ParamToken, testToken, q, body)
		if r == nil {
			return
		}
		w := h.Do(r)
		h.CheckFuzzed(t, w)
		if w.Code == http.StatusOK && w.Body.String() != Ack {
			t.Fatalf("answered 200 %q, want %q", w.Body, Ack)
		}
	})
}
