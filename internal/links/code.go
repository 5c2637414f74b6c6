package links

import (
	"crypto/rand"
	"fmt"
	"math"
)

// CodeLength is the length of generated codes: 10 base62 characters carry
// 10·log2(62) ≈ 59.5 bits, so guessing a live code among a million takes
// about 2^39.5 tries on average.
const CodeLength = 10

// Bounds of the codes the redirect accepts; shorter or longer never match.
const (
	MinCodeLength = 7
	MaxCodeLength = 10
)

// CodeBits is the entropy of a generated code, in bits.
var CodeBits = CodeLength * math.Log2(62)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// NewCode returns a fresh random code from crypto/rand. Bytes of 248 and
// above are dropped so every character is equally likely (248 = 4·62).
func NewCode() (string, error) {
	out := make([]byte, 0, CodeLength)
	var buf [16]byte
	for len(out) < CodeLength {
		if _, err := rand.Read(buf[:]); err != nil {
			return "", fmt.Errorf("links: random code: %w", err)
		}
		for _, b := range buf {
			if b < 248 && len(out) < CodeLength {
				out = append(out, base62[b%62])
			}
		}
	}
	return string(out), nil
}

// ValidCode reports whether s has the form of a code: 7 to 10 base62
// characters. Anything else is refused before the store is asked.
func ValidCode(s string) bool {
	if len(s) < MinCodeLength || len(s) > MaxCodeLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}
