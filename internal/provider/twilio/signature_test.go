package twilio

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/smstrack/smstrack/internal/provider/providertest"
	twilioclient "github.com/twilio/twilio-go/client"
)

// The worked example of Twilio's webhook security documentation (token
// "12345"): it pins Sign to the real algorithm, independently of any library.
func TestSignKnownVector(t *testing.T) {
	params := url.Values{
		"CallSid": {"CA1234567890ABCDE"},
		"Caller":  {"+12349013030"},
		"Digits":  {"1234"},
		"From":    {"+12349013030"},
		"To":      {"+18005551212"},
	}
	const u = "https://mycompany.com/myapp.php?foo=1&bar=2"
	const want = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
	if got := Sign("12345", u, params); got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
	if !VerifyForm("12345", u, params, want) {
		t.Error("VerifyForm refused the documented signature")
	}
	rv := twilioclient.NewRequestValidator("12345")
	if !rv.ValidateBody(u, []byte(params.Encode()), want) {
		t.Error("twilio-go refused the documented signature: the test vector is wrong")
	}
}

func TestURLVariants(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"https://track.example.com/webhooks/twilio/status", []string{
			"https://track.example.com/webhooks/twilio/status",
			"https://track.example.com:443/webhooks/twilio/status",
		}},
		{"https://track.example.com:443/a?b=c", []string{
			"https://track.example.com:443/a?b=c",
			"https://track.example.com/a?b=c",
		}},
		{"http://localhost/x", []string{"http://localhost/x", "http://localhost:80/x"}},
		{"http://localhost:80", []string{"http://localhost:80", "http://localhost"}},
		{"https://track.example.com?x=1", []string{"https://track.example.com?x=1", "https://track.example.com:443?x=1"}},
		{"https://user:pass@track.example.com/a", []string{"https://user:pass@track.example.com/a", "https://user:pass@track.example.com:443/a"}},
		{"https://[2001:db8::1]/a", []string{"https://[2001:db8::1]/a", "https://[2001:db8::1]:443/a"}},
		{"https://[2001:db8::1]:443/a", []string{"https://[2001:db8::1]:443/a", "https://[2001:db8::1]/a"}},
		// A non-default port is part of the address: no other spelling.
		{"https://track.example.com:8443/a", []string{"https://track.example.com:8443/a"}},
		{"http://track.example.com:443/a", []string{"http://track.example.com:443/a"}},
		{"ftp://track.example.com/a", []string{"ftp://track.example.com/a"}},
		{"/relative/only", nil},
		{"https://bad host/", nil},
	}
	for _, tt := range tests {
		if got := urlVariants(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("urlVariants(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestVerifyForm(t *testing.T) {
	const u = "https://track.example.com/webhooks/twilio/status?tenant=acme"
	params := providertest.Form(t, deliveredForm)
	good := Sign(testToken, u, params)
	tests := []struct {
		name   string
		url    string
		params url.Values
		sig    string
		want   bool
	}{
		{"as signed", u, params, good, true},
		{"default port added by the server", "https://track.example.com:443/webhooks/twilio/status?tenant=acme", params, good, true},
		{"other scheme", "http://track.example.com/webhooks/twilio/status?tenant=acme", params, good, false},
		{"other port", "https://track.example.com:8443/webhooks/twilio/status?tenant=acme", params, good, false},
		{"other query", "https://track.example.com/webhooks/twilio/status?tenant=evil", params, good, false},
		{"extra field", u, withField(params, "Injected", "1"), good, false},
		{"extra value", u, withField(params, "MessageStatus", "failed"), good, false},
		{"empty signature", u, params, "", false},
		{"signature with whitespace", u, params, " " + good, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := VerifyForm(testToken, tt.url, tt.params, tt.sig); got != tt.want {
				t.Errorf("VerifyForm = %v, want %v", got, tt.want)
			}
		})
	}
}

func withField(v url.Values, k, val string) url.Values {
	out := url.Values{}
	for key, vals := range v {
		out[key] = append([]string(nil), vals...)
	}
	out.Add(k, val)
	return out
}

// Repeated names are signed with each distinct value, in order, as Twilio's
// Node and Python libraries do; the order they arrived in does not matter.
func TestSignRepeatedValues(t *testing.T) {
	const u = "https://track.example.com/x"
	a := url.Values{"Tag": {"b", "a", "b"}, "AccountSid": {testAccount}}
	b := url.Values{"Tag": {"a", "b"}, "AccountSid": {testAccount}}
	if Sign(testToken, u, a) != Sign(testToken, u, b) {
		t.Error("value order or duplicates change the signature")
	}
	// The signed text is the URL, then AccountSid..., then Taga, Tagb.
	manual := url.Values{"AccountSid": {testAccount + "TagaTagb"}}
	if Sign(testToken, u, b) != Sign(testToken, u, manual) {
		t.Error("repeated values not appended as name+value pairs in order")
	}
}

func TestVerifyJSON(t *testing.T) {
	body := []byte(`{"MessageSid":"` + testSID + `","MessageStatus":"delivered"}`)
	sum := sha256.Sum256(body)
	u := "https://track.example.com/webhooks/twilio/status?bodySHA256=" + hex.EncodeToString(sum[:])
	good := Sign(testToken, u, nil)
	tests := []struct {
		name string
		url  string
		body []byte
		sig  string
		want bool
	}{
		{"as signed", u, body, good, true},
		{"with default port", strings.Replace(u, ".com/", ".com:443/", 1), body, good, true},
		{"body changed", u, []byte(`{"MessageSid":"` + testSID + `","MessageStatus":"failed"}`), good, false},
		{"hash changed", strings.Replace(u, "bodySHA256=", "bodySHA256=0", 1), body, good, false},
		{"hash in capitals", strings.ToUpper(u[:0]) + strings.Replace(u, hex.EncodeToString(sum[:]), strings.ToUpper(hex.EncodeToString(sum[:])), 1), body, good, false},
		{"no hash", "https://track.example.com/webhooks/twilio/status", body, Sign(testToken, "https://track.example.com/webhooks/twilio/status", nil), false},
		{"wrong token", u, body, Sign("other", u, nil), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := VerifyJSON(testToken, tt.url, tt.body, tt.sig); got != tt.want {
				t.Errorf("VerifyJSON = %v, want %v", got, tt.want)
			}
		})
	}
}

// ourValidateBody is our answer to the question twilio-go's ValidateBody
// answers: is this the signature of a POST to url with this body?
func ourValidateBody(token, u string, body []byte, sig string) bool {
	if bodyHash(u) != "" {
		return VerifyJSON(token, u, body, sig)
	}
	fields, err := ParseForm(body)
	if err != nil {
		return false
	}
	return VerifyForm(token, u, fields, sig)
}

// TestCrossCheckTwilioGo generates many requests and signatures and checks
// that we accept exactly what Twilio's Go library accepts, except where the
// two knowingly differ:
//
//   - twilio-go signs only the first value of a repeated form field; Twilio's
//     Node and Python libraries sign every value, and so do we. For a body
//     with a repeated field, each library accepts its own signature only.
//   - twilio-go also tries the URL with any port stripped, a non-default
//     one included. A non-default port is part of the address Twilio
//     called; we do not drop it.
func TestCrossCheckTwilioGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const token = testToken
	rv := twilioclient.NewRequestValidator(token)
	cases, agreed, accepted := 0, 0, 0
	for range 2000 {
		u, port := randomURL(rng)
		json := rng.IntN(4) == 0
		var body []byte
		var params url.Values
		if json {
			body = []byte(fmt.Sprintf(`{"MessageSid":%q,"Body":%q}`, testSID, randomText(rng)))
			sum := sha256.Sum256(body)
			sep := "?"
			if strings.Contains(u, "?") {
				sep = "&"
			}
			u += sep + "bodySHA256=" + hex.EncodeToString(sum[:])
		} else {
			params = randomParams(rng)
			body = []byte(params.Encode())
		}
		// twilio-go signs first values only: the libraries part ways when
		// some field has two distinct values.
		multi := Sign(token, u, params) != Sign(token, u, firstValues(params))
		nonDefaultPort := port != "" && port != map[string]string{"https": "443", "http": "80"}[scheme(u)]

		// Signatures a sender might present.
		signers := []struct {
			name        string
			url         string
			params      url.Values
			firstValues bool
			token       string
		}{
			{"as sent", u, params, false, token},
			{"first values", u, firstValues(params), true, token},
			{"wrong token", u, params, false, "wrong" + token},
			{"other path", strings.Replace(u, "/webhooks", "/webhookz", 1), params, false, token},
			{"port stripped", stripPort(u), params, false, token},
			{"port stripped, first values", stripPort(u), firstValues(params), true, token},
			{"default port", withDefaultPort(u), params, false, token},
			{"no default port", withoutDefaultPort(u), params, false, token},
			{"no default port, first values", withoutDefaultPort(u), firstValues(params), true, token},
			{"tampered payload", u, withField(params, "Extra", "1"), false, token},
		}
		for _, sg := range signers {
			sigs := []string{Sign(sg.token, sg.url, sg.params)}
			if sg.name == "as sent" {
				sigs = append(sigs, "", "not-a-signature", strings.ToLower(sigs[0]))
			}
			for _, sig := range sigs {
				cases++
				ours := ourValidateBody(token, u, body, sig)
				theirs := rv.ValidateBody(u, body, sig)
				if ours == theirs {
					agreed++
					if ours {
						accepted++
					}
					continue
				}
				known := multi && !sg.firstValues && ours && !theirs ||
					multi && sg.firstValues && !ours && theirs ||
					nonDefaultPort && sg.url == stripPort(u) && !ours && theirs
				if !known {
					t.Errorf("%s: url %q body %q: we say %v, twilio-go says %v", sg.name, u, body, ours, theirs)
				}
			}
		}
	}
	t.Logf("%d of %d cases agreed (%d accepted by both); the rest are the documented differences", agreed, cases, accepted)
	if accepted < cases/10 || agreed < cases*3/4 {
		t.Errorf("only %d accepted and %d agreed of %d: the generator no longer tests much", accepted, agreed, cases)
	}
}

func scheme(raw string) string {
	s, _, _ := strings.Cut(raw, "://")
	return s
}

func firstValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := url.Values{}
	for k, vals := range v {
		out.Set(k, vals[0])
	}
	return out
}

// randomURL returns a webhook URL as our handler rebuilds it, and its port.
func randomURL(rng *rand.Rand) (string, string) {
	scheme := []string{"https", "http"}[rng.IntN(2)]
	host := []string{"track.example.com", "localhost", "10.0.0.5", "sms-tracker.internal"}[rng.IntN(4)]
	port := []string{"", "", "443", "80", "8443", "8080"}[rng.IntN(6)]
	if port != "" {
		host += ":" + port
	}
	path := []string{"/webhooks/twilio/status", "/webhooks/twilio/inbound", "/base/webhooks/twilio/status", "/webhooks/twilio/status/"}[rng.IntN(4)]
	query := []string{"", "?tenant=acme", "?a=1&b=2", "?name=J%C3%BCrgen&x=%2F%3F", "?flag", "?q=a+b&q=c"}[rng.IntN(6)]
	return scheme + "://" + host + path + query, port
}

func randomParams(rng *rand.Rand) url.Values {
	v := url.Values{
		"MessageSid": {testSID},
		"AccountSid": {testAccount},
	}
	names := []string{"MessageStatus", "Body", "To", "From", "ErrorCode", "Tag", "MediaUrl0", "ÜnicodeKey", "a", "A", "_x"}
	for range rng.IntN(8) {
		k := names[rng.IntN(len(names))]
		v.Add(k, randomText(rng))
	}
	return v
}

func randomText(rng *rand.Rand) string {
	pieces := []string{"delivered", "+14155550100", "Hello 👋", "café", "日本語", "a&b=c", "100%", " ", "", "line\nbreak", "\"quoted\"", "é"}
	var b strings.Builder
	for range rng.IntN(4) {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

// stripPort removes any port, as twilio-go's fallback does.
func stripPort(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Port() == "" {
		return raw
	}
	return strings.Replace(raw, u.Host, u.Hostname(), 1)
}

func withDefaultPort(raw string) string {
	if v := urlVariants(raw); len(v) == 2 && len(v[1]) > len(v[0]) {
		return v[1]
	}
	return raw
}

func withoutDefaultPort(raw string) string {
	if v := urlVariants(raw); len(v) == 2 && len(v[1]) < len(v[0]) {
		return v[1]
	}
	return raw
}
