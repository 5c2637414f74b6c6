// Package sinch turns the callbacks of Sinch's SMS REST API into smstrack
// events: it authenticates them (HMAC signature headers, HTTP Basic
// credentials, or both), parses recipient and batch delivery reports and
// inbound (MO) messages, maps Sinch's statuses and explains its delivery
// report codes.
//
// It owns nothing beyond that: events go to an smstrack.Ingester, refused
// requests to a webhook.Rejector. It must not talk to a database nor import
// another provider.
package sinch

import (
	"errors"
	"strings"
	"time"

	"github.com/smstrack/smstrack/internal/provider"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Provider is the name under which Sinch's messages and error codes are kept.
const Provider = "sinch"

// DefaultTolerance is how far a signed callback's timestamp may be from our
// clock.
const DefaultTolerance = 5 * time.Minute

// Config is what the Sinch callbacks need to know.
type Config struct {
	// ServicePlanID is the Sinch service plan the callbacks are about,
	// recorded as every message's account: Sinch's payloads do not name it.
	// Empty means Sinch is not configured and callbacks are refused.
	ServicePlanID string
	// Secret is the callback signing secret Sinch provisions on request;
	// when set, every callback must carry a valid x-sinch-webhook-signature.
	Secret string
	// Username and Password, when set, are the HTTP Basic credentials every
	// callback must carry (Sinch provisions them on the callback URL).
	Username, Password string
	// Tolerance bounds the age of a signed timestamp. Zero means
	// DefaultTolerance.
	Tolerance time.Duration
	// SkipVerification accepts callbacks without checking signature or
	// credentials, for local experiments only.
	SkipVerification bool
}

// Validate reports settings that cannot work: a service plan without any
// way to authenticate its callbacks, or half a Basic credential.
func (c Config) Validate() error {
	if (c.Username == "") != (c.Password == "") {
		return errors.New("sinch: set both the Basic auth username and password, or neither")
	}
	if c.ServicePlanID == "" {
		if c.Secret != "" || c.Username != "" {
			return errors.New("sinch: a signing secret or credentials are set without a service plan id")
		}
		return nil
	}
	if !validID(c.ServicePlanID) {
		return errors.New("sinch: the service plan id must be letters and digits")
	}
	if c.Secret == "" && c.Username == "" && !c.SkipVerification {
		return errors.New("sinch: a service plan needs a signing secret or Basic auth credentials to verify its callbacks")
	}
	return nil
}

// configured reports whether callbacks can be accepted at all.
func (c Config) configured() bool { return c.ServicePlanID != "" }

func (c Config) tolerance() time.Duration {
	if c.Tolerance > 0 {
		return c.Tolerance
	}
	return DefaultTolerance
}

// validID reports whether s can be a Sinch id or a number used in a key:
// printable ASCII without spaces, short enough for an index.
func validID(s string) bool { return provider.PrintableID(s) }

// shorten cuts s for quoting in an error message.
var shorten = webhook.Shorten

// trim is strings.TrimSpace, named for brevity where fields are read.
func trim(s string) string { return strings.TrimSpace(s) }
