package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"

	"github.com/smstrack/smstrack"
)

// The argon2id parameters of new password hashes: 19 MiB, two passes, one
// lane, OWASP's recommended minimum; about 30 ms on one core. They are
// written into every hash, so raising them later leaves old hashes readable.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonSaltLen   = 16
	argonKeyLen    = 32
)

// Password length bounds: long enough to resist guessing, short enough that
// hashing one cannot be used to exhaust the server.
const (
	MinPasswordLength = 12
	MaxPasswordLength = 1024
)

// CheckPasswordPolicy refuses passwords too short or too long.
func CheckPasswordPolicy(password string) error {
	if len(password) < MinPasswordLength {
		return smstrack.FieldError("password", "password must be at least %d characters", MinPasswordLength)
	}
	if len(password) > MaxPasswordLength {
		return smstrack.FieldError("password", "password must be at most %d characters", MaxPasswordLength)
	}
	return nil
}

var b64 = base64.RawStdEncoding

// HashPassword returns the argon2id hash of password with a fresh random
// salt, encoded as $argon2id$v=19$m=...,t=...,p=...$salt$key.
func HashPassword(password string) string {
	salt := make([]byte, argonSaltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// errBadHash is a stored hash this code cannot read.
var errBadHash = errors.New("web: unreadable password hash")

// CheckPassword reports whether password matches the encoded hash, with
// the parameters stored in it, comparing in constant time.
func CheckPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var memory, passes uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &passes, &threads); err != nil ||
		memory == 0 || memory > 1<<21 || passes == 0 || passes > 16 || threads == 0 {
		return false, errBadHash
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 64 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, passes, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is checked against when no user has the e-mail given, so an
// unknown address takes as long to refuse as a wrong password.
// It is made on first use, not at every start of the binary.
var dummyHash = sync.OnceValue(func() string { return HashPassword(rand.Text()) })
