package telnyx

import (
	"crypto/ed25519"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
)

// The headers that carry Telnyx's signature of a webhook.
const (
	SignatureHeader = "Telnyx-Signature-Ed25519"
	TimestampHeader = "Telnyx-Timestamp"
)

// Sign returns the telnyx-signature-ed25519 value Telnyx sends with body at
// timestamp (Unix seconds, as text): base64 of the Ed25519 signature of
// timestamp, "|" and the raw body. Tests and simulators use it.
func Sign(key ed25519.PrivateKey, timestamp string, body []byte) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(key, signedBytes(timestamp, body)))
}

func signedBytes(timestamp string, body []byte) []byte {
	msg := make([]byte, 0, len(timestamp)+1+len(body))
	msg = append(msg, timestamp...)
	msg = append(msg, '|')
	return append(msg, body...)
}

// Verify checks a webhook's signature and timestamp: the signature must be
// the key's over timestamp|body, and the timestamp within tolerance of now
// either way, so a captured webhook cannot be replayed later. It returns an
// EFORBIDDEN error naming the header at fault.
func Verify(key ed25519.PublicKey, signature, timestamp string, body []byte, now time.Time, tolerance time.Duration) error {
	signature, timestamp = strings.TrimSpace(signature), strings.TrimSpace(timestamp)
	switch {
	case signature == "":
		return forbidden(SignatureHeader, "missing "+SignatureHeader+" header")
	case timestamp == "":
		return forbidden(TimestampHeader, "missing "+TimestampHeader+" header")
	}
	secs, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return forbidden(TimestampHeader, "malformed "+TimestampHeader+" header")
	}
	sig, err := base64.StdEncoding.DecodeString(signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return forbidden(SignatureHeader, "malformed "+SignatureHeader+" header")
	}
	if len(key) != ed25519.PublicKeySize || !ed25519.Verify(key, signedBytes(timestamp, body), sig) {
		return forbidden(SignatureHeader, "invalid "+SignatureHeader+" (is the configured public key this Telnyx account's?)")
	}
	// Checked after the signature, so the answer says nothing about the
	// timestamp of a forged request.
	if d := now.Sub(time.Unix(secs, 0)); d > tolerance || d < -tolerance {
		return forbidden(TimestampHeader, TimestampHeader+" is outside the accepted window of "+tolerance.String()+" (replayed request, or a clock out of sync)")
	}
	return nil
}

func forbidden(field, msg string) error {
	return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: field, Message: msg}
}
