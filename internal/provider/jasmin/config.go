// Package jasmin turns the HTTP callbacks of the Jasmin SMS gateway into
// smstrack events: delivery receipts thrown to a message's dlr-url and
// inbound messages (MO) thrown to an HTTP connector. It checks the shared
// token the URLs carry, maps Jasmin's message_status (SMPP command statuses
// for level 1, receipt states for levels 2 and 3) and answers "ACK/Jasmin",
// without which Jasmin sends the same callback again.
//
// It owns nothing beyond that: events go to an smstrack.Ingester, refused
// requests to a webhook.Rejector. Receipt states are read by package smpp.
// It must not talk to a database nor import another provider.
package jasmin

import (
	"time"

	"github.com/smstrack/smstrack/internal/webhook"
)

// Provider is the name under which Jasmin's messages and error codes are kept.
const Provider = "jasmin"

// DefaultAccount is the account of callbacks whose URL names none.
const DefaultAccount = "default"

// Config is what the Jasmin webhooks need to know.
type Config struct {
	// Token is the shared secret every callback URL must carry as
	// ?token=...: Jasmin cannot sign its requests. Empty: Jasmin is not
	// configured and every callback is refused.
	Token string
	// Account names the Jasmin installation when a URL has no account
	// parameter (DefaultAccount when empty).
	Account string
	// Location is the time zone of the SMSC's receipt dates (UTC when nil).
	Location *time.Location
}

// shorten cuts s for quoting in an error message.
var shorten = webhook.Shorten
