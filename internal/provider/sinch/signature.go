package sinch

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"hash"
	"strconv"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
)

// The headers of a signed Sinch callback.
const (
	SignatureHeader = "X-Sinch-Webhook-Signature"
	TimestampHeader = "X-Sinch-Webhook-Signature-Timestamp"
	NonceHeader     = "X-Sinch-Webhook-Signature-Nonce"
	AlgorithmHeader = "X-Sinch-Webhook-Signature-Algorithm"
)

// algorithms are the HMAC algorithms a callback may name.
var algorithms = map[string]func() hash.Hash{
	"hmacsha256": sha256.New,
	"hmacsha384": sha512.New384,
	"hmacsha512": sha512.New,
}

// Sign returns the x-sinch-webhook-signature of body with nonce and
// timestamp (Unix seconds, as text): base64 of the HMAC, keyed by the
// secret, over body "." nonce "." timestamp. algorithm is as in the
// algorithm header, e.g. "HmacSHA256". Tests and simulators use it.
func Sign(secret, algorithm, nonce, timestamp string, body []byte) string {
	newHash := algorithms[strings.ToLower(algorithm)]
	if newHash == nil {
		return ""
	}
	mac := hmac.New(newHash, []byte(secret))
	mac.Write(body)
	mac.Write([]byte("." + nonce + "." + timestamp))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Verify checks a callback's signature headers against secret, and that
// its timestamp is within tolerance of now either way. A missing algorithm
// header means HmacSHA256. It returns an EFORBIDDEN error naming the header
// at fault. The comparison takes constant time.
func Verify(secret, signature, algorithm, nonce, timestamp string, body []byte, now time.Time, tolerance time.Duration) error {
	signature, algorithm, nonce, timestamp = trim(signature), trim(algorithm), trim(nonce), trim(timestamp)
	switch {
	case signature == "":
		return forbidden(SignatureHeader, "missing "+SignatureHeader+" header")
	case nonce == "":
		return forbidden(NonceHeader, "missing "+NonceHeader+" header")
	case timestamp == "":
		return forbidden(TimestampHeader, "missing "+TimestampHeader+" header")
	}
	if algorithm == "" {
		algorithm = "HmacSHA256"
	}
	if algorithms[strings.ToLower(algorithm)] == nil {
		return forbidden(AlgorithmHeader, "unsupported signature algorithm "+strconv.Quote(shorten(algorithm, 20)))
	}
	secs, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return forbidden(TimestampHeader, "malformed "+TimestampHeader+" header")
	}
	want := Sign(secret, algorithm, nonce, timestamp, body)
	if !hmac.Equal([]byte(want), []byte(signature)) {
		return forbidden(SignatureHeader, "invalid "+SignatureHeader+" (is the configured secret this service plan's?)")
	}
	if d := now.Sub(time.Unix(secs, 0)); d > tolerance || d < -tolerance {
		return forbidden(TimestampHeader, TimestampHeader+" is outside the accepted window of "+tolerance.String()+" (replayed request, or a clock out of sync)")
	}
	return nil
}

// checkBasic compares HTTP Basic credentials in constant time.
func checkBasic(wantUser, wantPass, user, pass string, ok bool) error {
	if !ok {
		return forbidden("Authorization", "missing Basic credentials")
	}
	u := subtle.ConstantTimeCompare([]byte(user), []byte(wantUser))
	p := subtle.ConstantTimeCompare([]byte(pass), []byte(wantPass))
	if u&p != 1 {
		return forbidden("Authorization", "wrong Basic credentials")
	}
	return nil
}

func forbidden(field, msg string) error {
	return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: field, Message: msg}
}
