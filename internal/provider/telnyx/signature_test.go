package telnyx

import (
	"crypto/ed25519"
	"encoding/base64"
	"strconv"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
)

// testKey is a fixed key pair, so failures reproduce.
var testKey = ed25519.NewKeyFromSeed([]byte("smstrack-telnyx-test-seed-32byte"))

func testPublicKey() ed25519.PublicKey { return testKey.Public().(ed25519.PublicKey) }

func TestVerify(t *testing.T) {
	now := time.Unix(1773500966, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	body := []byte(finalizedBody)
	good := Sign(testKey, ts, body)
	other := ed25519.NewKeyFromSeed([]byte("another-telnyx-test-seed-32bytes"))
	tests := []struct {
		name      string
		key       ed25519.PublicKey
		sig, ts   string
		body      []byte
		now       time.Time
		wantField string // "" for valid
	}{
		{name: "valid", sig: good, ts: ts, body: body, now: now},
		{name: "valid at the edge of the window", sig: good, ts: ts, body: body, now: now.Add(5 * time.Minute)},
		{name: "valid with a clock behind", sig: good, ts: ts, body: body, now: now.Add(-5 * time.Minute)},
		{name: "replayed after the window", sig: good, ts: ts, body: body, now: now.Add(5*time.Minute + time.Second), wantField: TimestampHeader},
		{name: "from the future", sig: good, ts: ts, body: body, now: now.Add(-6 * time.Minute), wantField: TimestampHeader},
		{name: "body changed", sig: good, ts: ts, body: []byte(sentBody), now: now, wantField: SignatureHeader},
		{name: "timestamp changed", sig: good, ts: strconv.FormatInt(now.Unix()+1, 10), body: body, now: now, wantField: SignatureHeader},
		{name: "another key", key: other.Public().(ed25519.PublicKey), sig: good, ts: ts, body: body, now: now, wantField: SignatureHeader},
		{name: "signed by another key", sig: Sign(other, ts, body), ts: ts, body: body, now: now, wantField: SignatureHeader},
		{name: "no signature", ts: ts, body: body, now: now, wantField: SignatureHeader},
		{name: "no timestamp", sig: good, body: body, now: now, wantField: TimestampHeader},
		{name: "timestamp not a number", sig: good, ts: "2026-03-14T15:09:26Z", body: body, now: now, wantField: TimestampHeader},
		{name: "signature not base64", sig: "not base64!", ts: ts, body: body, now: now, wantField: SignatureHeader},
		{name: "signature too short", sig: base64.StdEncoding.EncodeToString([]byte("short")), ts: ts, body: body, now: now, wantField: SignatureHeader},
		{name: "no key", key: ed25519.PublicKey{}, sig: good, ts: ts, body: body, now: now, wantField: SignatureHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := tt.key
			if key == nil {
				key = testPublicKey()
			}
			err := Verify(key, tt.sig, tt.ts, tt.body, tt.now, DefaultTolerance)
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
