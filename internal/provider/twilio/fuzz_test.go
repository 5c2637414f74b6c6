package twilio

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
	twilioclient "github.com/twilio/twilio-go/client"
)

// Fuzz targets for everything that reads outside input. Their seeds run as
// ordinary tests; `go test -fuzz=FuzzX` explores further.

var formSeeds = []string{
	deliveredForm, undeliveredForm, whatsappReadForm, inboundForm, inboundMMSForm,
	"", "=", "&&&", "MessageSid=" + testSID, "a=%zz", "a=1;b=2",
	"MessageSid=" + testSID + "&AccountSid=" + testAccount + "&MessageStatus=%00",
	"MessageSid=" + testSID + "&AccountSid=" + testAccount + "&MediaUrl0=x&MediaUrl2=y&NumMedia=99999999999",
	"MessageSid=" + testSID + "&SmsSid=other&AccountSid=" + testAccount + "&SmsStatus=sent&MessageStatus=",
}

// parsed holds for every event any parser returns.
var parsed = providertest.Parsed{Provider: Provider, ValidID: validID, Direction: true}

func FuzzParseStatusCallback(f *testing.F) {
	providertest.FuzzForms(f, formSeeds, func(t *testing.T, fields url.Values) {
		ev, err := ParseStatusCallback(fields, receivedAt)
		parsed.Check(t, ev, err)
		if err == nil {
			// The payload keeps every field name (spelled as valid UTF-8).
			names := map[string]bool{}
			for k := range fields {
				names[strings.ToValidUTF8(k, "\uFFFD")] = true
			}
			var m map[string]any
			if err := json.Unmarshal(ev.Payload, &m); err != nil || len(m) != len(names) {
				t.Fatalf("payload %s lost fields of %v", ev.Payload, fields)
			}
		}
	})
}

func FuzzParseInbound(f *testing.F) {
	providertest.FuzzForms(f, formSeeds, func(t *testing.T, fields url.Values) {
		ev, err := ParseInbound(fields, receivedAt)
		parsed.CheckInbound(t, ev, err)
	})
}

func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`{"MessageSid":"` + testSID + `","MessageStatus":"delivered","AccountSid":"` + testAccount + `"}`,
		`{"MessageSid":"` + testSID + `","MessageStatus":"read","AccountSid":"` + testAccount + `","ErrorCode":0,"x":{"y":[1,2,null]}}`,
		`{}`, `[]`, `null`, `"s"`, `{"a":1}{}`, `{"a":"\ud800"}`, `{"a":1e999}`, "{\"a\":\"\xff\"}", ` { "a" : "b" } `,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		fields, payload, err := ParseJSON([]byte(body))
		if err != nil {
			if smstrack.ErrorCode(err) != smstrack.EINVALID {
				t.Fatalf("error %v, want EINVALID", err)
			}
			return
		}
		if !json.Valid(payload) {
			t.Fatalf("payload %q is not JSON", payload)
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(payload, &obj); err != nil || len(obj) != len(fields) {
			t.Fatalf("payload %s and fields %v disagree", payload, fields)
		}
		ev, err := statusCallback(fields, payload, receivedAt)
		parsed.Check(t, ev, err)
	})
}

func FuzzVerify(f *testing.F) {
	f.Add("https://track.example.com/webhooks/twilio/status", deliveredForm, testToken, "")
	f.Add("https://track.example.com:443/webhooks/twilio/status?x=1", inboundForm, "t", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
	f.Add("http://[::1]:80/a?bodySHA256=00", "{}", "t", "x")
	f.Add("https://user@h:/p", "a=1&a=2&b=", "", "")
	f.Add("%zz", "", "", "")
	f.Fuzz(func(t *testing.T, rawURL, body, token, sig string) {
		rv := twilioclient.NewRequestValidator(token)
		fields, err := ParseForm([]byte(body))
		if err != nil {
			fields = nil
		}
		// Whatever comes in, checking must not panic.
		_ = VerifyForm(token, rawURL, fields, sig)
		_ = VerifyJSON(token, rawURL, []byte(body), sig)

		// What we sign, we accept, for every spelling of the URL.
		if fields != nil && bodyHash(rawURL) == "" {
			for _, u := range urlVariants(rawURL) {
				if !VerifyForm(token, rawURL, fields, Sign(token, u, fields)) {
					t.Fatalf("signed %q for %q, then refused it", body, u)
				}
			}
		}
		// For a single-valued form body (where the libraries agree), a
		// signature we accept is one twilio-go accepts.
		single := fields != nil
		for _, v := range fields {
			if len(v) > 1 {
				single = false
			}
		}
		if single && bodyHash(rawURL) == "" && VerifyForm(token, rawURL, fields, sig) && !rv.ValidateBody(rawURL, []byte(body), sig) {
			t.Fatalf("we accept %q for %q body %q, twilio-go does not", sig, rawURL, body)
		}
		// A JSON body signed the Twilio way is accepted.
		if u, err := url.Parse(rawURL); err == nil && u.Host != "" && !strings.Contains(rawURL, "#") {
			sum := sha256.Sum256([]byte(body))
			q := u.Query()
			q.Set(bodyHashParam, hex.EncodeToString(sum[:]))
			u.RawQuery = q.Encode()
			signed := u.String()
			if urlVariants(signed) != nil && !VerifyJSON(token, signed, []byte(body), Sign(token, signed, nil)) {
				t.Fatalf("refused a correctly signed JSON body at %q", signed)
			}
		}
	})
}

func FuzzParseDlrDoneDate(f *testing.F) {
	for _, s := range []string{"2603141509", "9912312359", "0002290000", "2302291200", " 2603141509", "26031415O9", "", "99999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseDlrDoneDate(s)
		if !ok {
			if !got.IsZero() {
				t.Fatalf("ParseDlrDoneDate(%q) = %v, false: want the zero time", s, got)
			}
			return
		}
		if got.Location() != time.UTC || got.Second() != 0 {
			t.Fatalf("ParseDlrDoneDate(%q) = %v: want UTC to the minute", s, got)
		}
		if back := got.Format("0601021504"); back != strings.TrimSpace(s) {
			t.Fatalf("ParseDlrDoneDate(%q) = %v, which formats back as %q", s, got, back)
		}
	})
}

// FuzzHandler sends any body through the real handler (verification off):
// it must answer 2xx only after storing, and otherwise a JSON 4xx; never 5xx.
func FuzzHandler(f *testing.F) {
	for _, s := range formSeeds {
		f.Add(s, "application/x-www-form-urlencoded", false)
	}
	f.Add(`{"MessageSid":"`+testSID+`","MessageStatus":"sent","AccountSid":"`+testAccount+`"}`, "application/json", false)
	f.Add(inboundForm, "", true)
	f.Add("x", "multipart/form-data; boundary=x", true)
	f.Add("x", "text/plain; charset", false)
	f.Fuzz(func(t *testing.T, body, contentType string, inboundPath bool) {
		h := newHarness(t, Config{SkipVerification: true})
		path := StatusPath
		if inboundPath {
			path = InboundPath
		}
		r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		w := h.Do(r)
		stored := len(h.Ing.Events())
		switch {
		case w.Code < 300:
			if stored != 1 {
				t.Fatalf("answered %d with %d events stored", w.Code, stored)
			}
		case w.Code >= 400 && w.Code < 500:
			if stored != 0 || !json.Valid(bytes.TrimSpace(w.Body.Bytes())) {
				t.Fatalf("answered %d %q with %d events stored", w.Code, w.Body, stored)
			}
		default:
			t.Fatalf("answered %d %q", w.Code, w.Body)
		}
	})
}
