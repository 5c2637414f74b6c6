package sinch

import (
	"strconv"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
)

const testSecret = "sinch-callback-secret-1234"

// A vector from Sinch's .NET SDK tests of the same signing scheme (there
// for Conversation API callbacks): our Verify must accept what Sinch signs.
func TestVerifySinchVector(t *testing.T) {
	body := `{"app_id":"","accepted_time":"2021-10-18T17:49:13.813615Z","project_id":"e2df3a34-a71b-4448-9db5-a8d2baad28e4","contact_create_notification":{"contact":{"id":"01FJA8B466Y0R2GNXD78MD9SM1","channel_identities":[{"channel":"SMS","identity":"48123456789","app_id":""}],"display_name":"New Test Contact","email":"new.contact@email.com","external_id":"","metadata":"","language":"EN_US"}},"message_metadata":""}`
	now := time.Unix(1634579353, 0)
	err := Verify("foo_secret1234", "6bpJoRmFoXVjfJIVglMoJzYXxnoxRujzR4k2GOXewOE=", "", "01FJA8B4A7BM43YGWSG9GBV067", "1634579353", []byte(body), now, DefaultTolerance)
	if err != nil {
		t.Fatalf("Verify of Sinch's own vector: %v", err)
	}
}

func TestVerify(t *testing.T) {
	now := time.Unix(1773500966, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	body := []byte(deliveredReport)
	nonce := "01FJA8B4A7BM43YGWSG9GBV067"
	good := Sign(testSecret, "HmacSHA256", nonce, ts, body)
	tests := []struct {
		name                string
		secret              string
		sig, alg, nonce, ts string
		body                []byte
		now                 time.Time
		wantField           string
	}{
		{name: "valid", sig: good, alg: "HmacSHA256", nonce: nonce, ts: ts, body: body, now: now},
		{name: "valid without algorithm header", sig: good, nonce: nonce, ts: ts, body: body, now: now},
		{name: "valid SHA-512", sig: Sign(testSecret, "HmacSHA512", nonce, ts, body), alg: "HmacSHA512", nonce: nonce, ts: ts, body: body, now: now},
		{name: "valid SHA-384", sig: Sign(testSecret, "HmacSHA384", nonce, ts, body), alg: "HmacSHA384", nonce: nonce, ts: ts, body: body, now: now},
		{name: "valid at the edge", sig: good, alg: "HmacSHA256", nonce: nonce, ts: ts, body: body, now: now.Add(5 * time.Minute)},
		{name: "replayed later", sig: good, alg: "HmacSHA256", nonce: nonce, ts: ts, body: body, now: now.Add(6 * time.Minute), wantField: TimestampHeader},
		{name: "from the future", sig: good, alg: "HmacSHA256", nonce: nonce, ts: ts, body: body, now: now.Add(-6 * time.Minute), wantField: TimestampHeader},
		{name: "another secret", secret: "other", sig: good, alg: "HmacSHA256", nonce: nonce, ts: ts, body: body, now: now, wantField: SignatureHeader},
		{name: "body changed", sig: good, alg: "HmacSHA256", nonce: nonce, ts: ts, body: []byte(failedReport), now: now, wantField: SignatureHeader},
		{name: "nonce changed", sig: good, alg: "HmacSHA256", nonce: "other", ts: ts, body: body, now: now, wantField: SignatureHeader},
		{name: "algorithm changed", sig: good, alg: "HmacSHA512", nonce: nonce, ts: ts, body: body, now: now, wantField: SignatureHeader},
		{name: "unsupported algorithm", sig: good, alg: "HmacMD5", nonce: nonce, ts: ts, body: body, now: now, wantField: AlgorithmHeader},
		{name: "no signature", alg: "HmacSHA256", nonce: nonce, ts: ts, body: body, now: now, wantField: SignatureHeader},
		{name: "no nonce", sig: good, alg: "HmacSHA256", ts: ts, body: body, now: now, wantField: NonceHeader},
		{name: "no timestamp", sig: good, alg: "HmacSHA256", nonce: nonce, body: body, now: now, wantField: TimestampHeader},
		{name: "timestamp not a number", sig: good, alg: "HmacSHA256", nonce: nonce, ts: "yesterday", body: body, now: now, wantField: TimestampHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secret := tt.secret
			if secret == "" {
				secret = testSecret
			}
			err := Verify(secret, tt.sig, tt.alg, tt.nonce, tt.ts, tt.body, tt.now, DefaultTolerance)
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			if smstrack.ErrorCode(err) != smstrack.EFORBIDDEN || smstrack.ErrorField(err) != tt.wantField {
				t.Errorf("Verify = %v, want EFORBIDDEN on %s", err, tt.wantField)
			}
		})
	}
}

func TestCheckBasic(t *testing.T) {
	tests := []struct {
		user, pass string
		ok         bool
		want       bool
	}{
		{"sinch", "pw", true, true},
		{"sinch", "wrong", true, false},
		{"other", "pw", true, false},
		{"", "", false, false},
		{"sinch", "pw ", true, false},
	}
	for _, tt := range tests {
		err := checkBasic("sinch", "pw", tt.user, tt.pass, tt.ok)
		if (err == nil) != tt.want {
			t.Errorf("checkBasic(%q, %q, %v) = %v, want ok %v", tt.user, tt.pass, tt.ok, err, tt.want)
		}
	}
}
