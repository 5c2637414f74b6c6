// Package bird turns Bird's (formerly MessageBird's) SMS webhooks into
// smstrack events: the legacy MessageBird SMS status reports (GET or POST
// parameters) and the Channels API message events (sms.outbound,
// sms.inbound). It checks the MessageBird-Signature-JWT request signature
// (and the older MessageBird-Signature), maps Bird's status words and
// explains the status error codes.
//
// It owns nothing beyond that: events go to an smstrack.Ingester, refused
// requests to a webhook.Rejector. It must not talk to a database nor import
// another provider.
package bird

import (
	"strings"
	"time"

	"github.com/smstrack/smstrack/internal/provider"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Provider is the name under which Bird's messages and error codes are kept.
const Provider = "bird"

// DefaultAccount is the account recorded for webhooks that name none: the
// legacy status reports never do.
const DefaultAccount = "bird"

// DefaultTolerance bounds the age of a legacy MessageBird-Signature's
// timestamp. (JWT signatures carry their own nbf and exp.)
const DefaultTolerance = 5 * time.Minute

// leeway is the clock skew allowed around a JWT's nbf and exp.
const leeway = 5 * time.Second

// Config is what the Bird webhooks need to know.
type Config struct {
	// SigningKey is the workspace's signing key (Developer settings →
	// Signing key; not the access key), which keys every request signature.
	// Empty means Bird is not configured: webhooks are refused with 403,
	// unless SkipVerification is on.
	SigningKey string
	// PublicURL is the address Bird calls, e.g. https://track.example.com;
	// the signature covers the full URL, which a proxy in front of us
	// changes. Empty: the URL is rebuilt from the request.
	PublicURL string
	// Account is recorded as the account of messages whose webhook names no
	// channel. Empty means DefaultAccount.
	Account string
	// Tolerance bounds the age of a legacy signature's timestamp. Zero
	// means DefaultTolerance.
	Tolerance time.Duration
	// SkipVerification accepts webhooks without checking their signature,
	// for local experiments only.
	SkipVerification bool
}

func (c Config) account() string {
	if a := strings.TrimSpace(c.Account); validID(a) {
		return a
	}
	return DefaultAccount
}

func (c Config) tolerance() time.Duration {
	if c.Tolerance > 0 {
		return c.Tolerance
	}
	return DefaultTolerance
}

// validID reports whether s can be a Bird id or a number used in a key:
// printable ASCII without spaces, short enough for an index.
func validID(s string) bool { return provider.PrintableID(s) }

// shorten cuts s for quoting in an error message.
var shorten = webhook.Shorten
