package jasmin

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
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
	for _, s := range querySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		fields, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		ev, err := ParseDLR(fields, "", nil, receivedAt)
		parsed.Check(t, ev, err)
	})
}

func FuzzParseInbound(f *testing.F) {
	for _, s := range querySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		fields, err := url.ParseQuery(q)
		if err != nil {
			return
		}
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
		if fields, err := url.ParseQuery(q); err == nil && fields.Get("token") == "" {
			q = "token=" + testToken + "&" + q
		}
		method := http.MethodGet
		if body != "" {
			method = http.MethodPost
		}
		r, err := http.NewRequest(method, "http://track.example.com"+path+"?"+q, strings.NewReader(body))
		if err != nil {
			return
		}
		if body != "" {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		w := httptest.NewRecorder()
		h.Mux.ServeHTTP(w, r)
		h.Rej.Wait()
		stored := len(h.Ing.Events())
		switch {
		case w.Code == http.StatusOK:
			if stored != 1 || w.Body.String() != Ack {
				t.Fatalf("answered 200 %q with %d events stored", w.Body, stored)
			}
		case w.Code >= 400 && w.Code < 500:
			if stored != 0 || w.Code != http.StatusNotFound && !json.Valid(bytes.TrimSpace(w.Body.Bytes())) {
				t.Fatalf("answered %d %q with %d events stored", w.Code, w.Body, stored)
			}
		default:
			t.Fatalf("answered %d %q", w.Code, w.Body)
		}
	})
}
