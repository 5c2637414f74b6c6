// Package notify delivers outbound webhooks: a worker claims due
// deliveries from the outbox, posts them signed as the Standard Webhooks
// specification describes, and records every attempt. It refuses
// destinations on private networks unless allowed. It does not decide
// which events exist or when they are emitted; the store's Enqueue does.
package notify

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// SecretPrefix starts every signing secret, as the specification suggests.
const SecretPrefix = "whsec_"

// secretBytes is the size of a generated key: the specification asks for
// 24 to 64 random bytes.
const secretBytes = 32

// The headers of a signed delivery.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// GenerateSecret returns a new signing secret: "whsec_" and the base64 of
// random bytes.
func GenerateSecret() string {
	b := make([]byte, secretBytes)
	rand.Read(b)
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// secretKey returns the HMAC key of a secret: the base64-decoded part after
// the prefix.
func secretKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil || len(key) == 0 {
		return nil, fmt.Errorf("notify: signing secret is not whsec_ and base64")
	}
	return key, nil
}

// Sign returns the webhook-signature header value of a message: "v1," and
// the base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" keyed by the secret.
func Sign(secret, id string, timestamp int64, body []byte) (string, error) {
	key, err := secretKey(secret)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}
