package bird

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
)

const testKey = "bird-signing-key-for-tests"

// Vectors from MessageBird's Go SDK test data (signature_jwt/testdata):
// our VerifyJWT must accept what MessageBird signs and refuse what it
// refuses.
func TestVerifyJWTMessageBirdVectors(t *testing.T) {
	const secret = "36efdd1aace2e26cd490f0d951138253bef2f7c6d34d18981da781555cc4cebb"
	now := time.Date(2021, 7, 5, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	tests := []struct {
		name, url, payload, token string
		valid                     bool
	}{
		{
			name: "URL parameters and payload", url: "https://example.com/path?bar=1&foo=2", payload: "Hello, World!",
			token: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiI5M2U1NTAwNi1hMGU4LTQ1MjYtYTE5MC1mYTVmZjAwZWExMTYiLCJ1cmxfaGFzaCI6IjQxZjA1ZjBkZGQwYTIyYWIyMDlhYzQ2ZjQ3YzQ1NzJkOWNlZmEyNTdlZDc0YjI0MDA0YmFlNzUzZWNlNmMyNjAiLCJwYXlsb2FkX2hhc2giOiJkZmZkNjAyMWJiMmJkNWIwYWY2NzYyOTA4MDllYzNhNTMxOTFkZDgxYzdmNzBhNGIyODY4OGEzNjIxODI5ODZmIn0._H--TOuYFLpeEH39-rg5E3IHVkjHozBcaKVWPRC5m9I",
			valid: true,
		},
		{
			name: "no parameters, no payload", url: "https://example.com/",
			token: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiI1OWEyNDRkYy1lOWFkLTRlMjMtOTc3OC0zNzFmYWEyMzhmNzIiLCJ1cmxfaGFzaCI6IjBmMTE1ZGIwNjJiN2MwZGQwMzBiMTY4NzhjOTlkZWE1YzM1NGI0OWRjMzdiMzhlYjg4NDYxNzljNzc4M2U5ZDcifQ.6Fp0rVOsRr1fj9S2GidXAfkmPVofKr8_RTffC6G6r2E",
			valid: true,
		},
		{
			name: "expired", url: "https://example.com/",
			token: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3NTYwMCwiZXhwIjoxNjI1NDc1NjYwLCJqdGkiOiI1ZjAyZjUyMi02MDMwLTQ2YzgtYjVhMy0wMTI0NjQ3OGQ4YmMiLCJ1cmxfaGFzaCI6IjBmMTE1ZGIwNjJiN2MwZGQwMzBiMTY4NzhjOTlkZWE1YzM1NGI0OWRjMzdiMzhlYjg4NDYxNzljNzc4M2U5ZDcifQ.45MSST3B_2PsjNUeiuW54_vUQgVw4rBXrdWrOUEz3lM",
		},
		{
			name: "not yet valid", url: "https://example.com/",
			token: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ4MjgwMCwiZXhwIjoxNjI1NDgyODYwLCJqdGkiOiJmOWY4YzM4Mi0yNDQ5LTQzMTEtYjcyYi0xZGY3MTY4NzkzMWUiLCJ1cmxfaGFzaCI6IjBmMTE1ZGIwNjJiN2MwZGQwMzBiMTY4NzhjOTlkZWE1YzM1NGI0OWRjMzdiMzhlYjg4NDYxNzljNzc4M2U5ZDcifQ.ZELgDFNGhjZH9CffQKcq3sytBe2I0KciLxpBhcfstHQ",
		},
		{
			name: "parameters in another order", url: "https://example.com/path?foo=1&bar=2",
			token: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiJhNzVjOTA5Ni1lODIzLTQ0MmItODVmMi03ZDNjOWQ5YjcyNmIiLCJ1cmxfaGFzaCI6IjZhMDIyZDgzNGMxODMzMGJhYWQ4YTJiZDYxMzUxNzNlZDIxNjEwYTQ1NDUxNmJlMGRmM2YxY2MwMTUxNjEwZWEifQ.z6Sw1XQIM0wuEQGBhXBdawDIIrtMg2XnmA_bpDq53pE",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifyJWT(secret, tt.token, tt.url, []byte(tt.payload), now)
			if tt.valid != (err == nil) {
				t.Errorf("VerifyJWT = %v, want valid %v", err, tt.valid)
			}
		})
	}
}

func TestVerifyJWT(t *testing.T) {
	issued := time.Unix(1773500966, 0)
	u := "https://track.example.com/webhooks/bird/status?id=e2e&status=delivered"
	body := []byte("")
	good := SignJWT(testKey, u, body, issued, "jti-1")
	withBody := SignJWT(testKey, EventsPath, []byte(outboundEvent), issued, "jti-2")
	parts := strings.Split(good, ".")
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	hs512 := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS512","typ":"JWT"}`)) + "." + parts[1] + "." + parts[2]
	tests := []struct {
		name, token, url string
		body             []byte
		now              time.Time
		wantErr          string
	}{
		{name: "valid", token: good, url: u, now: issued},
		{name: "valid near expiry", token: good, url: u, now: issued.Add(time.Minute + 4*time.Second)},
		{name: "valid with body", token: withBody, url: EventsPath, body: []byte(outboundEvent), now: issued},
		{name: "expired", token: good, url: u, now: issued.Add(2 * time.Minute), wantErr: "expired"},
		{name: "not yet valid", token: good, url: u, now: issued.Add(-time.Minute), wantErr: "not valid yet"},
		{name: "other URL", token: good, url: u + "&x=1", now: issued, wantErr: "another URL"},
		{name: "body added", token: good, url: u, body: []byte("id=1"), now: issued, wantErr: "does not sign this body"},
		{name: "body removed", token: withBody, url: EventsPath, now: issued, wantErr: "request has none"},
		{name: "body changed", token: withBody, url: EventsPath, body: []byte(inboundEvent), now: issued, wantErr: "does not sign this body"},
		{name: "other key", token: SignJWT("other", u, body, issued, "j"), url: u, now: issued, wantErr: "invalid"},
		{name: "alg none", token: none, url: u, now: issued, wantErr: "unsupported JWT algorithm"},
		{name: "alg switched", token: hs512, url: u, now: issued, wantErr: "invalid"},
		{name: "no jti", token: SignJWT(testKey, u, body, issued, ""), url: u, now: issued, wantErr: "jti"},
		{name: "missing", url: u, now: issued, wantErr: "missing"},
		{name: "not a JWT", token: "abc", url: u, now: issued, wantErr: "not a JWT"},
		{name: "not base64", token: "a.b!.c", url: u, now: issued, wantErr: "base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifyJWT(testKey, tt.token, tt.url, tt.body, tt.now)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("VerifyJWT: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || smstrack.ErrorCode(err) != smstrack.EFORBIDDEN {
				t.Errorf("VerifyJWT = %v, want EFORBIDDEN mentioning %q", err, tt.wantErr)
			}
		})
	}
}

func TestVerifyLegacy(t *testing.T) {
	now := time.Unix(1773500966, 0)
	ts := "1773500966"
	q := url.Values{"id": {"e2e"}, "status": {"delivered"}}
	good := SignLegacy(testKey, ts, q, nil)
	tests := []struct {
		name, sig, ts string
		q             url.Values
		body          []byte
		now           time.Time
		wantField     string
	}{
		{name: "valid", sig: good, ts: ts, q: q, now: now},
		{name: "parameters reordered are the same", sig: good, ts: ts, q: url.Values{"status": {"delivered"}, "id": {"e2e"}}, now: now},
		{name: "parameter changed", sig: good, ts: ts, q: url.Values{"id": {"e2e"}, "status": {"expired"}}, now: now, wantField: SignatureHeader},
		{name: "body added", sig: good, ts: ts, q: q, body: []byte("x"), now: now, wantField: SignatureHeader},
		{name: "replayed", sig: good, ts: ts, q: q, now: now.Add(time.Hour), wantField: TimestampHeader},
		{name: "no timestamp", sig: good, q: q, now: now, wantField: TimestampHeader},
		{name: "bad timestamp", sig: good, ts: "soon", q: q, now: now, wantField: TimestampHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifyLegacy(testKey, tt.sig, tt.ts, tt.q, tt.body, tt.now, DefaultTolerance)
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("VerifyLegacy: %v", err)
				}
				return
			}
			if smstrack.ErrorCode(err) != smstrack.EFORBIDDEN || smstrack.ErrorField(err) != tt.wantField {
				t.Errorf("VerifyLegacy = %v, want EFORBIDDEN on %s", err, tt.wantField)
			}
		})
	}
}
