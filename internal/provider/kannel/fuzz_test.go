package kannel

import (
	"net/url"
	"testing"

	"github.com/smstrack/smstrack/internal/provider/providertest"
)

// Fuzz targets for everything that reads outside input. Their seeds run as
// ordinary tests; `go test -fuzz=FuzzX` explores further.

var querySeeds = []string{
	dlr().Encode(), dlr("type", "16", "answer", "NACK/0x0000000b/x").Encode(), dlr("parts", "2").Encode(),
	"", "type=1", "type=1&id=x", "type=99999999999&id=x", "type=8&smsc_id=%00", "a=%zz", "type=2&id=x&answer=stat:%ff",
	"type=1&id=x&ts=-5", "type=1&id=x&ts=99999999999999999999", "type=1&id=x&parts=9999",
}

func FuzzParseDLR(f *testing.F) {
	providertest.FuzzForms(f, querySeeds, func(t *testing.T, fields url.Values) {
		ev, err := ParseDLR(fields, "", nil, receivedAt)
		providertest.Parsed{Provider: Provider, Secret: "token"}.Check(t, ev, err)
	})
}

// FuzzHandler sends any query through the real handler: 200 only after
// storing, otherwise a JSON 4xx; never 5xx.
func FuzzHandler(f *testing.F) {
	for _, s := range querySeeds {
		f.Add(s, "")
	}
	f.Add("token="+testToken, dlr().Encode())
	f.Fuzz(func(t *testing.T, q, body string) {
		h := newHarness(t, Config{Token: testToken})
		if r := providertest.TokenRequest(StatusPath, ParamToken, testToken, q, body); r != nil {
			h.CheckFuzzed(t, h.Do(r))
		}
	})
}
