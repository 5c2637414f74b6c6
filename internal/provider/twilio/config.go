// Package twilio speaks Twilio: it checks X-Twilio-Signature, turns status
// callbacks, inbound messages and Event Streams click events into smstrack
// events and actions, maps Twilio's status words and explains its error
// codes; it also serves Twilio's Message Feedback API and reads Twilio's
// REST API for reconciliation.
//
// Events go to an smstrack.Ingester and refused requests to a
// webhook.Rejector; what it reads or records otherwise goes through small
// interfaces (FeedbackStore, SyncStore) that the store implements. It never
// opens a database nor imports another provider.
package twilio

import (
	"strings"

	"github.com/smstrack/smstrack/internal/provider"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Provider is the name under which Twilio's messages and error codes are kept.
const Provider = "twilio"

// Config is what the Twilio webhooks need to know.
type Config struct {
	// Accounts maps each AccountSid we accept callbacks for to its auth
	// token, the key of its signatures.
	Accounts map[string]string
	// PublicURL is the address Twilio calls, e.g. https://track.example.com,
	// used to rebuild the signed URL when a proxy stands in front of us.
	// Empty: the URL is rebuilt from the request itself.
	PublicURL string
	// SkipVerification accepts requests without checking their signature,
	// for local development only. A non-empty Accounts still limits which
	// accounts are accepted; an empty one accepts any.
	SkipVerification bool
}

// ParseAccounts reads the SMSTRACK_TWILIO_ACCOUNTS form of Config.Accounts:
// comma-separated AccountSid:AuthToken pairs, e.g. "ACsid1:token1,ACsid2:token2".
// Blank input gives an empty map. Errors never repeat a token.
func ParseAccounts(s string) (map[string]string, error) {
	return provider.Accounts{Setting: "twilio accounts", Form: "AccountSid:AuthToken", ID: "account",
		IsID:  func(id string) bool { return strings.HasPrefix(id, "AC") && validID(id) },
		NotID: "an AccountSid (AC...)"}.Parse(s)
}

// validID reports whether s can be a Twilio SID (an account, message or
// service id): Twilio's are 34 letters and digits; we allow a little more so
// simulators may use readable ids, but nothing that could bloat an index.
func validID(s string) bool { return provider.WordID(s) }

// shorten cuts s for quoting in an error message.
var shorten = webhook.Shorten
