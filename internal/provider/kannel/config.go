// Package kannel turns Kannel's delivery report callbacks (the dlr-url an
// application gives with each message) into smstrack events: it checks the
// shared token Kannel carries in the URL, reads the DLR type bitmask and,
// when the SMSC's answer is an SMPP receipt, its error code and done date.
//
// It owns nothing beyond that: events go to an smstrack.Ingester, refused
// requests to a webhook.Rejector. Receipt text is read by package smpp. It
// must not talk to a database nor import another provider.
package kannel

import (
	"time"

	"github.com/smstrack/smstrack/internal/webhook"
)

// Provider is the name under which Kannel's messages and error codes are kept.
const Provider = "kannel"

// DefaultAccount is the account of DLRs whose URL names none.
const DefaultAccount = "default"

// Config is what the Kannel webhook needs to know.
type Config struct {
	// Token is the shared secret every dlr-url must carry as ?token=...:
	// Kannel cannot sign its requests. Empty: Kannel is not configured
	// and every callback is refused.
	Token string
	// Account names the Kannel installation when a dlr-url has no
	// account parameter (DefaultAccount when empty).
	Account string
	// Location is the time zone of the SMSC's receipt dates (UTC when nil).
	Location *time.Location
}

// shorten cuts s for quoting in an error message.
var shorten = webhook.Shorten
