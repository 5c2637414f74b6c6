package api

import (
	"crypto/rand"
	"crypto/sha256"
)

// KeyPrefix starts every API key, so a leaked key is recognisable in logs
// and by secret scanners.
const KeyPrefix = "smst_"

// GenerateKey returns a new API key secret (shown once), the prefix kept to
// recognise it, and the hash that is all the database stores.
func GenerateKey() (secret, prefix string, hash []byte) {
	// rand.Text carries 128 bits: far beyond guessing, so a fast hash (not
	// a password hash) is the right way to store the key.
	secret = KeyPrefix + rand.Text()
	return secret, secret[:len(KeyPrefix)+6], HashKey(secret)
}

// HashKey is how a key secret is stored and looked up.
func HashKey(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}
