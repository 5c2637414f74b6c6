// Package telnyx turns Telnyx's messaging webhooks into smstrack events: it
// checks the Ed25519 signature Telnyx puts on every webhook, parses
// message.sent, message.finalized and message.received events, maps Telnyx's
// per-recipient status words and explains its 40xxx delivery error codes.
//
// It owns nothing beyond that: events go to an smstrack.Ingester, refused
// requests to a webhook.Rejector. It must not talk to a database nor import
// another provider.
package telnyx

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/smstrack/smstrack/internal/provider"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Provider is the name under which Telnyx's messages and error codes are kept.
const Provider = "telnyx"

// DefaultTolerance is how far a webhook's telnyx-timestamp may be from our
// clock, the window Telnyx's own libraries use.
const DefaultTolerance = 5 * time.Minute

// DefaultAccount is the account recorded for a webhook that names no
// messaging profile.
const DefaultAccount = "telnyx"

// Config is what the Telnyx webhook needs to know.
type Config struct {
	// PublicKey is the Ed25519 key of the Telnyx account (Mission Control,
	// "Public Key"), against which every webhook signature is checked. Nil
	// means Telnyx is not configured: webhooks are refused with 403, unless
	// SkipVerification is on.
	PublicKey ed25519.PublicKey
	// Tolerance bounds the age of a signed timestamp, against replays.
	// Zero means DefaultTolerance.
	Tolerance time.Duration
	// Account is recorded as the message's account when a webhook carries
	// no messaging_profile_id. Empty means DefaultAccount.
	Account string
	// SkipVerification accepts webhooks without checking their signature,
	// for local experiments only.
	SkipVerification bool
}

// ParsePublicKey reads the public key as Telnyx shows it: base64 of the 32
// key bytes. Blank input gives a nil key (not configured).
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		// Some copies lose their padding or use the URL alphabet.
		b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
		if err != nil {
			b, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("telnyx public key: not base64")
	}
	if len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("telnyx public key: %d bytes, want %d (copy the public key, not the API key)", len(b), ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}

func (c Config) tolerance() time.Duration {
	if c.Tolerance > 0 {
		return c.Tolerance
	}
	return DefaultTolerance
}

func (c Config) account() string {
	if a := strings.TrimSpace(c.Account); a != "" {
		return a
	}
	return DefaultAccount
}

// validID reports whether s can be a Telnyx id (a UUID) or a number used in
// a key: printable ASCII without spaces, short enough for an index.
func validID(s string) bool { return provider.PrintableID(s) }

// shorten cuts s for quoting in an error message.
var shorten = webhook.Shorten
