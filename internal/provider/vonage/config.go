// Package vonage turns the Vonage SMS API's webhooks (delivery receipts and
// inbound messages) into smstrack events: it checks Vonage's signed-webhook
// "sig" parameter, parses form, query and JSON bodies, maps Vonage's status
// words and explains its err-code values.
//
// It owns nothing beyond that: events go to an smstrack.Ingester, refused
// requests to a webhook.Rejector. It must not talk to a database nor import
// another provider.
package vonage

import (
	"fmt"
	"strings"
	"time"

	"github.com/smstrack/smstrack/internal/provider"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Provider is the name under which Vonage's messages and error codes are kept.
const Provider = "vonage"

// DefaultMaxAge is how far a signed webhook's timestamp may be from our
// clock: Vonage's own libraries accept five minutes either way.
const DefaultMaxAge = 5 * time.Minute

// Method is a signature method Vonage offers in its dashboard.
type Method string

// The signature methods, named as Vonage's libraries name them.
const (
	MD5Hash    Method = "md5hash" // MD5 of the parameters followed by the secret (Vonage's default)
	HMACMD5    Method = "md5"
	HMACSHA1   Method = "sha1"
	HMACSHA256 Method = "sha256"
	HMACSHA512 Method = "sha512"
)

// methodNames accepts the libraries' names and the obvious spellings of
// the dashboard's ("SHA-256 HMAC" -> hmac-sha256).
var methodNames = map[string]Method{
	"md5hash": MD5Hash, "md5-hash": MD5Hash,
	"md5": HMACMD5, "hmac-md5": HMACMD5,
	"sha1": HMACSHA1, "hmac-sha1": HMACSHA1,
	"sha256": HMACSHA256, "hmac-sha256": HMACSHA256, "sha-256": HMACSHA256,
	"sha512": HMACSHA512, "hmac-sha512": HMACSHA512, "sha-512": HMACSHA512,
}

// ParseMethod reads a signature method name, case-insensitively.
func ParseMethod(s string) (Method, error) {
	m, ok := methodNames[strings.ToLower(strings.TrimSpace(s))]
	if !ok {
		return "", fmt.Errorf("unknown signature method %q (want md5hash, md5, sha1, sha256 or sha512)", shorten(s, 20))
	}
	return m, nil
}

// Account is what we know of one Vonage API key.
type Account struct {
	// SignatureSecret is the key of the account's signed webhooks; empty
	// when the account does not sign them, and its webhooks are then
	// accepted unsigned.
	SignatureSecret string
	// Method is how the account signs (MD5Hash when not configured).
	Method Method
}

// Config is what the Vonage webhooks need to know.
type Config struct {
	// Accounts maps each API key we accept webhooks for to its signing
	// settings. Vonage names the account in every webhook's api-key.
	Accounts map[string]Account
	// MaxAge bounds the distance between a signed webhook's timestamp and
	// our clock (DefaultMaxAge when zero), so a captured request cannot be
	// replayed later.
	MaxAge time.Duration
	// SkipVerification accepts requests without checking signatures, for
	// local development only. A non-empty Accounts still limits which
	// accounts are accepted; an empty one accepts any.
	SkipVerification bool
}

// ParseAccounts reads the SMSTRACK_VONAGE_ACCOUNTS form of Config.Accounts:
// comma-separated apikey[:signature_secret[:method]] entries, e.g.
// "abcd1234:s3cret:sha256,ef567890". An entry without a secret accepts that
// key's webhooks unsigned. Blank input gives an empty map. Errors never
// repeat a secret.
func ParseAccounts(s string) (map[string]Account, error) {
	accounts := map[string]Account{}
	for i, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		parts := strings.Split(entry, ":")
		key := strings.TrimSpace(parts[0])
		if key == "" || len(parts) > 3 {
			return nil, fmt.Errorf("vonage accounts: entry %d: want apikey[:signature_secret[:method]]", i+1)
		}
		if !validID(key) {
			return nil, fmt.Errorf("vonage accounts: entry %d: the API key may hold only letters, digits, '-' and '_'", i+1)
		}
		acc := Account{Method: MD5Hash}
		if len(parts) >= 2 {
			acc.SignatureSecret = strings.TrimSpace(parts[1])
		}
		if len(parts) == 3 {
			m, err := ParseMethod(parts[2])
			if err != nil {
				return nil, fmt.Errorf("vonage accounts: entry %d: %v", i+1, err)
			}
			if acc.SignatureSecret == "" {
				return nil, fmt.Errorf("vonage accounts: entry %d: a signature method needs a signature secret", i+1)
			}
			acc.Method = m
		}
		if prev, dup := accounts[key]; dup && prev != acc {
			return nil, fmt.Errorf("vonage accounts: API key %s is listed twice with different settings", key)
		}
		accounts[key] = acc
	}
	return accounts, nil
}

// validID reports whether s can be a Vonage API key or message id: Vonage's
// are short hex strings or UUIDs; we allow a little more so simulators may
// use readable ids, but nothing that could bloat an index.
func validID(s string) bool { return provider.WordID(s) }

// shorten cuts s for quoting in an error message.
var shorten = webhook.Shorten
