package sinch

import (
	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
)

// catalog holds the SMS REST API's own delivery report codes (the 4xx
// range; 400 Queued and 401 Dispatched are progress, not errors, and never
// become error codes), summarized in our words from Sinch's delivery report
// documentation. Other codes Sinch passes on from SMPP and MMS gateways
// show as unknown.
var catalog = provider.Register(Provider, provider.NewCatalog(map[string]smstrack.ErrorInfo{
	"402": {
		Title:       "Message unroutable",
		Description: "The SMSC refused the message because it cannot route it; sending it again would fail the same way.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyApplication,
		Advice: "Check the recipient number and that your account can reach its country and network.",
	},
	"403": {
		Title:       "Internal error",
		Description: "An unexpected error inside Sinch failed the message.",
		Category:    smstrack.CategoryUnknown, Responsible: smstrack.PartyProvider,
		Advice: "Retry; contact Sinch support if it persists.",
	},
	"404": {
		Title:       "Temporary delivery failure",
		Description: "Delivery failed for a reason expected to pass; the message can be sent again.",
		Category:    smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyCarrier,
		Advice: "Retry later.",
	},
	"405": {
		Title:       "Unmatched parameter",
		Description: "The message body uses a parameter that has no value for this recipient.",
		Category:    smstrack.CategoryUnknown, Responsible: smstrack.PartyApplication,
		Advice: "Give every parameter a value (or a default) for every recipient of the batch.",
	},
	"406": {
		Title:       "Internal expiry",
		Description: "The message expired before it reached the SMSC, typically because its expiry time was very short.",
		Category:    smstrack.CategoryExpired, Responsible: smstrack.PartyApplication,
		Advice: "Allow a longer expiry, or send at a rate the account can carry.",
	},
	"407": {
		Title:       "Cancelled",
		Description: "The batch was cancelled by you before the message reached the SMSC.",
		Category:    smstrack.CategoryUnknown, Responsible: smstrack.PartyApplication,
		Advice: "Nothing to fix if the cancel was meant.",
	},
	"408": {
		Title:       "Internal reject",
		Description: "The SMSC rejected the message; sending it again would fail the same way.",
		Category:    smstrack.CategoryUnknown, Responsible: smstrack.PartyProvider,
		Advice: "Check the sender and content; ask Sinch support what was rejected.",
	},
	"410": {
		Title:       "Unmatched default originator",
		Description: "The batch had no sender and no default sender is configured for this recipient.",
		Category:    smstrack.CategorySenderRegistration, Responsible: smstrack.PartyApplication,
		Advice: "Send with a sender (from), or ask Sinch to configure a default originator for the destination.",
	},
	"411": {
		Title:       "Exceeded parts limit",
		Description: "The message needs more parts than the account's maximum number of message parts.",
		Category:    smstrack.CategoryUnknown, Responsible: smstrack.PartyApplication,
		Advice: "Shorten the message, avoid characters that force UCS-2, or raise the parts limit.",
	},
	"412": {
		Title:       "Unprovisioned region",
		Description: "The account is not provisioned to send to this recipient's region.",
		Category:    smstrack.CategoryAccountOrBilling, Responsible: smstrack.PartyApplication,
		Advice: "Ask Sinch to enable the destination for the service plan.",
	},
	"413": {
		Title:       "Blocked",
		Description: "The account is blocked, possibly for lack of credit.",
		Category:    smstrack.CategoryAccountOrBilling, Responsible: smstrack.PartyApplication,
		Advice: "Check the account's balance and contact Sinch support.",
	},
	"414": {
		Title:       "Bad media",
		Description: "MMS only: the media URL could not be fetched or answered badly.",
		Category:    smstrack.CategoryUnknown, Responsible: smstrack.PartyApplication,
		Advice: "Check the media URL is public, reachable and serves a supported type.",
	},
	"415": {
		Title:       "MMS rejected",
		Description: "MMS only: the message reached the MMSC but the MMS gateway or mobile network rejected it.",
		Category:    smstrack.CategoryContentFiltered, Responsible: smstrack.PartyCarrier,
		Advice: "Check size and content of the MMS; try a smaller or different attachment.",
	},
	"416": {
		Title:       "MMS not supported",
		Description: "MMS only: the message reached the MMSC but is not supported there.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyCarrier,
		Advice: "Send an SMS instead, or a link to the media.",
	},
	"417": {
		Title:       "MMS unreachable",
		Description: "MMS only: the destination network or subscriber could not be reached.",
		Category:    smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyHandset,
		Advice: "Retry later.",
	},
	"418": {
		Title:       "MMS unrecognized",
		Description: "MMS only: the recipient's handset does not recognize the message content.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyHandset,
		Advice: "Use a common media type, or send an SMS with a link instead.",
	},
}))
