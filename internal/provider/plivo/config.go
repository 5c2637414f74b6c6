// Package plivo turns Plivo's messaging webhooks (message status callbacks
// and inbound messages) into smstrack events: it checks
// X-Plivo-Signature-V3, parses the callbacks, maps Plivo's status words and
// explains its error codes.
//
// It owns nothing beyond that: events go to an smstrack.Ingester, refused
// requests to a webhook.Rejector. It must not talk to a database nor import
// another provider.
package plivo

import (
	"strings"

	"github.com/smstrack/smstrack/internal/provider"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Provider is the name under which Plivo's messages and error codes are kept.
const Provider = "plivo"

// AccountParam is the query parameter of a callback URL that names the
// Plivo account (its auth ID) the callback belongs to. Plivo's callbacks do
// not say, so with several accounts configured the URL given to Plivo may
// carry it; the signature covers the URL, so it cannot be forged.
const AccountParam = "account"

// DefaultAccount is the account of callbacks accepted, with verification
// off and no account configured, without an account parameter.
const DefaultAccount = "default"

// Config is what the Plivo webhooks need to know.
type Config struct {
	// Accounts maps each auth ID we accept callbacks for to its auth token,
	// the key of its signatures.
	Accounts map[string]string
	// PublicURL is the address Plivo calls, e.g. https://track.example.com,
	// used to rebuild the signed URL when a proxy stands in front of us.
	// Empty: the URL is rebuilt from the request itself.
	PublicURL string
	// SkipVerification accepts requests without checking their signature,
	// for local development only. A non-empty Accounts still limits which
	// accounts are accepted.
	SkipVerification bool
}

// ParseAccounts reads the SMSTRACK_PLIVO_ACCOUNTS form of Config.Accounts:
// comma-separated AuthID:AuthToken pairs, e.g. "MAXXXX:token1,SAYYYY:token2".
// Blank input gives an empty map. Errors never repeat a token.
func ParseAccounts(s string) (map[string]string, error) {
	return provider.Accounts{Setting: "plivo accounts", Form: "AuthID:AuthToken", ID: "auth ID",
		IsID: func(id string) bool {
			return (strings.HasPrefix(id, "MA") || strings.HasPrefix(id, "SA")) && validID(id)
		},
		NotID: "a Plivo auth ID (MA... or SA...)"}.Parse(s)
}

// validID reports whether s can be a Plivo auth ID or message UUID:
// letters, digits, '-' and '_', at most 64 bytes.
func validID(s string) bool { return provider.WordID(s) }

// shorten cuts s for quoting in an error message.
var shorten = webhook.Shorten
