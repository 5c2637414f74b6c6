package vonage

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestSignKnownAnswer(t *testing.T) {
	// The known answer published with Vonage's Python library: MD5 hash of
	// "&a=1&b=2&timestamp=1461605396" followed by the secret "secret".
	params := url.Values{"a": {"1"}, "b": {"2"}, "timestamp": {"1461605396"}}
	if got, want := Sign("secret", MD5Hash, params), "6af838ef94998832dbfc29020b564830"; got != want {
		t.Errorf("Sign md5hash = %s, want %s", got, want)
	}
	params.Set("sig", "6af838ef94998832dbfc29020b564830")
	if !Verify("secret", MD5Hash, params) {
		t.Error("Verify refused the known answer")
	}
}

func TestSigningText(t *testing.T) {
	params := url.Values{
		"text":      {"a=b&c"},
		"to":        {"447700900001"},
		"sig":       {"ignored"},
		"keyword":   {""},
		"x&y":       {"1"},
		"messageId": {"0A0000000123ABCD1", "second value ignored"},
	}
	if got, want := signingText(params, false), "&keyword=&messageId=0A0000000123ABCD1&text=a_b_c&to=447700900001&x_y=1"; got != want {
		t.Errorf("signingText keeping blanks = %q, want %q", got, want)
	}
	if got, want := signingText(params, true), "&messageId=0A0000000123ABCD1&text=a_b_c&to=447700900001&x_y=1"; got != want {
		t.Errorf("signingText skipping blanks = %q, want %q", got, want)
	}
}

func TestVerify(t *testing.T) {
	base := url.Values{
		"msisdn": {"447700900000"}, "to": {"AcmeInc"}, "messageId": {"0A0000000123ABCD1"},
		"status": {"delivered"}, "err-code": {"0"}, "client-ref": {""}, "api-key": {"abcd1234"},
		"timestamp": {"1700000000"}, "nonce": {"7c1b6f7e-0d2b-4c4e-9d4f-3c0f1e2a9b77"},
	}
	signed := func(secret string, m Method, blanks bool) url.Values {
		v := url.Values{}
		for k, vs := range base {
			v[k] = vs
		}
		v.Set("sig", sign(secret, m, signingText(v, !blanks)))
		return v
	}
	tests := []struct {
		name   string
		params url.Values
		secret string
		method Method
		want   bool
	}{
		{"md5hash", signed("s3cret", MD5Hash, true), "s3cret", MD5Hash, true},
		{"hmac md5", signed("s3cret", HMACMD5, true), "s3cret", HMACMD5, true},
		{"hmac sha1", signed("s3cret", HMACSHA1, true), "s3cret", HMACSHA1, true},
		{"hmac sha256", signed("s3cret", HMACSHA256, true), "s3cret", HMACSHA256, true},
		{"hmac sha512", signed("s3cret", HMACSHA512, true), "s3cret", HMACSHA512, true},
		{"blank values left out by the signer", signed("s3cret", HMACSHA256, false), "s3cret", HMACSHA256, true},
		{"upper-case hex", func() url.Values {
			v := signed("s3cret", HMACSHA256, true)
			v.Set("sig", strings.ToUpper(v.Get("sig")))
			return v
		}(), "s3cret", HMACSHA256, true},
		{"wrong secret", signed("other", HMACSHA256, true), "s3cret", HMACSHA256, false},
		{"wrong method", signed("s3cret", HMACSHA1, true), "s3cret", HMACSHA256, false},
		{"md5hash is not hmac-md5", signed("s3cret", MD5Hash, true), "s3cret", HMACMD5, false},
		{"changed field", func() url.Values {
			v := signed("s3cret", MD5Hash, true)
			v.Set("status", "failed")
			return v
		}(), "s3cret", MD5Hash, false},
		{"changed timestamp", func() url.Values {
			v := signed("s3cret", MD5Hash, true)
			v.Set("timestamp", "1700000001")
			return v
		}(), "s3cret", MD5Hash, false},
		{"no sig", base, "s3cret", MD5Hash, false},
		{"no secret", signed("", MD5Hash, true), "", MD5Hash, false},
		{"unknown method", signed("s3cret", "sha3", true), "s3cret", "sha3", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Verify(tt.secret, tt.method, tt.params); got != tt.want {
				t.Errorf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFresh(t *testing.T) {
	now := time.Unix(1700000000, 0)
	tests := []struct {
		ts   string
		want bool
	}{
		{"1700000000", true},
		{"1699999700", true},  // 5 minutes old
		{"1699999699", false}, // just over
		{"1700000300", true},  // 5 minutes ahead
		{"1700000301", false},
		{"", false},
		{"17e8", false},
		{"99999999999999999999", false},
	}
	for _, tt := range tests {
		if got := Fresh(url.Values{"timestamp": {tt.ts}}, now, 5*time.Minute); got != tt.want {
			t.Errorf("Fresh(%q) = %v, want %v", tt.ts, got, tt.want)
		}
	}
}
