package plivo

import (
	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
)

// catalog holds the Plivo messaging error codes whose meaning Plivo
// publishes (its SMS error code table and messaging FAQ), summarized in our
// words. Codes not listed are still shown, as category unknown.
// Responsible says where the fix lies, not who reported the failure.
var catalog = provider.Register(Provider, provider.NewCatalog(map[string]smstrack.ErrorInfo{
	"10": {
		Title:       "Invalid message",
		Description: "A downstream carrier rejected the message as invalid, although it passed Plivo's own checks.",
		Category:    smstrack.CategoryContentFiltered, Responsible: smstrack.PartyCarrier,
		Advice: "Check the content and encoding; contact Plivo support if it happens often.",
	},
	"20": {
		Title:       "Network error",
		Description: "The delivering carrier had network trouble; the failure is temporary.",
		Category:    smstrack.CategoryUnknown, Responsible: smstrack.PartyCarrier,
		Advice: "Retry later.",
	},
	"30": {
		Title:       "Spam detected",
		Description: "A carrier's spam filter blocked the message, for its content or for the sending pattern (e.g. bulk traffic from a US/Canada long code).",
		Category:    smstrack.CategoryContentFiltered, Responsible: smstrack.PartyCarrier,
		Advice: "Review the content and sending volume; use a sender registered for bulk traffic (10DLC, toll-free, short code).",
	},
	"40": {
		Title:       "Invalid source number",
		Description: "The sender number is malformed, cannot send SMS, or does not belong to the Plivo account.",
		Category:    smstrack.CategorySenderRegistration, Responsible: smstrack.PartyApplication,
		Advice: "Send from an SMS-enabled number of the account, in international format.",
	},
	"50": {
		Title:       "Invalid destination number",
		Description: "The recipient number is malformed, cannot receive SMS, or is a landline.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyApplication,
		Advice: "Check the number (international format, mobile line) before resending.",
	},
	"60": {
		Title:       "Loop detected",
		Description: "The carrier dropped the message because the sender and recipient keep messaging each other automatically, as two auto-responders do.",
		Category:    smstrack.CategoryContentFiltered, Responsible: smstrack.PartyApplication,
		Advice: "Stop auto-replies to automated senders; add a loop filter.",
	},
	"70": {
		Title:       "Destination permanently unavailable",
		Description: "The recipient number is not active and the carrier gave no sign it will be again.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyApplication,
		Advice: "Confirm the number with its owner; stop sending to it meanwhile.",
	},
	"80": {
		Title:       "Destination temporarily unavailable",
		Description: "The phone could not be reached for now, e.g. switched off or out of coverage.",
		Category:    smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyHandset,
		Advice: "Retry later.",
	},
	"90": {
		Title:       "No route available",
		Description: "Neither the carrier nor its fallbacks had a route to the destination.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyCarrier,
		Advice: "Give Plivo support the message UUIDs so they can ask the carrier.",
	},
	"100": {
		Title:       "Prohibited by carrier",
		Description: "The carrier refused the message, for instance because the destination network does not support SMS.",
		Category:    smstrack.CategoryBlockedOrOptedOut, Responsible: smstrack.PartyCarrier,
		Advice: "Check that the destination network takes this kind of message.",
	},
	"110": {
		Title:       "Message too long",
		Description: "The text exceeds Plivo's limit (1,600 GSM characters or 737 Unicode characters).",
		Category:    smstrack.CategoryContentFiltered, Responsible: smstrack.PartyApplication,
		Advice: "Shorten the message, or look for characters that force Unicode encoding.",
	},
	"200": {
		Title:       "Blocked by STOP from the recipient",
		Description: "The recipient opted out (e.g. replied STOP) of messages from this sender number.",
		Category:    smstrack.CategoryBlockedOrOptedOut, Responsible: smstrack.PartyApplication,
		Advice: "Honour the opt-out; messages resume only once the recipient opts back in.",
	},
	"201": {
		Title:       "US toll-free to Canada blocked",
		Description: "Messages from a US toll-free number to Canadian numbers are blocked by carriers.",
		Category:    smstrack.CategorySenderRegistration, Responsible: smstrack.PartyApplication,
		Advice: "Send to Canada from a sender allowed there.",
	},
	"450": {
		Title:       "Destination country barred",
		Description: "The destination country is not enabled in the account's Geo Permissions.",
		Category:    smstrack.CategoryAccountOrBilling, Responsible: smstrack.PartyApplication,
		Advice: "Enable the country in Plivo's Geo Permissions if you mean to send there.",
	},
	"900": {
		Title:       "Insufficient credit",
		Description: "The account had too little credit, so Plivo failed the message without passing it to a carrier.",
		Category:    smstrack.CategoryAccountOrBilling, Responsible: smstrack.PartyApplication,
		Advice: "Add credit (or enable auto-recharge), then resend.",
	},
	"1000": {
		Title:       "Unknown error",
		Description: "Delivery failed for a reason neither Plivo nor the carrier could name.",
		Category:    smstrack.CategoryUnknown, Responsible: smstrack.PartyUnknown,
		Advice: "If it happens often, open a Plivo support ticket with recent message UUIDs.",
	},
}))
