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
	"fmt"
	"strings"

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
	accounts := map[string]string{}
	for i, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		id, token, ok := strings.Cut(pair, ":")
		id, token = strings.TrimSpace(id), strings.TrimSpace(token)
		switch {
		case !ok || id == "" || token == "":
			return nil, fmt.Errorf("plivo accounts: entry %d: want AuthID:AuthToken", i+1)
		case !(strings.HasPrefix(id, "MA") || strings.HasPrefix(id, "SA")) || !validID(id):
			// Catches the pair written the wrong way round, which would
			// otherwise only show as every signature failing. The text is
			// not quoted: written that way round, it is the token.
			return nil, fmt.Errorf("plivo accounts: entry %d: the part before ':' does not look like a Plivo auth ID (MA... or SA...)", i+1)
		}
		if prev, dup := accounts[id]; dup && prev != token {
			return nil, fmt.Errorf("plivo accounts: auth ID %s is listed twice with different tokens", id)
		}
		accounts[id] = token
	}
	return accounts, nil
}

// validID reports whether s can be a Plivo auth ID or message UUID:
// letters, digits, '-' and '_', at most 64 bytes.
func validID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// shorten cuts s for quoting in an error message.
var shorten = webhook.Shorten
