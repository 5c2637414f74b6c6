package kannel

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
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
	for _, s := range querySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		fields, err := url.ParseQuery(q)
		if err != nil {
			return
		}
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
		fields, err := url.ParseQuery(q)
		if err == nil && fields.Get("token") == "" {
			q = "token=" + testToken + "&" + q
		}
		target := StatusPath
		if q != "" {
			target += "?" + q
		}
		method := http.MethodGet
		if body != "" {
			method = http.MethodPost
		}
		r, err := http.NewRequest(method, "http://track.example.com"+target, strings.NewReader(body))
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
			if stored != 1 {
				t.Fatalf("answered 200 with %d events stored", stored)
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
