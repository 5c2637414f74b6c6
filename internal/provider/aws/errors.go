package aws

import (
	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
)

// catalog explains the failure event types, which are the error codes of
// AWS End User Messaging SMS events, in our words from AWS's "Event types
// for SMS, MMS, and voice" page.
var catalog = provider.Register(Provider, provider.NewFoldedCatalog(map[string]smstrack.ErrorInfo{
	"TEXT_BLOCKED":             {Title: "Blocked", Description: "The recipient's device or carrier blocks messages to this recipient.", Advice: "Do not retry soon; the recipient may have blocked the sender or opted out.", Category: smstrack.CategoryBlockedOrOptedOut, Responsible: smstrack.PartyHandset},
	"TEXT_TTL_EXPIRED":         {Title: "Time to live expired", Description: "Delivering took longer than the TTL given when the message was sent.", Advice: "Resend if still relevant, or send with a longer TTL.", Category: smstrack.CategoryExpired, Responsible: smstrack.PartyCarrier},
	"TEXT_CARRIER_UNREACHABLE": {Title: "Carrier unreachable", Description: "A temporary error occurred on the recipient's carrier network.", Advice: "Retry later.", Category: smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyCarrier},
	"TEXT_INVALID":             {Title: "Invalid destination", Description: "The destination phone number is not valid.", Advice: "Check the number's format and that it exists; stop sending to it until corrected.", Category: smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyApplication},
	"TEXT_INVALID_MESSAGE":     {Title: "Invalid message", Description: "The message body is not valid and could not be sent.", Advice: "Check the body's length and characters.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyApplication},
	"TEXT_UNREACHABLE":         {Title: "Handset unreachable", Description: "The recipient's device is unavailable: off, or not connected to the mobile network.", Advice: "Retry later.", Category: smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyHandset},
	"TEXT_CARRIER_BLOCKED":     {Title: "Blocked by the carrier", Description: "The recipient's carrier blocked the message, typically as malicious or abusive (phishing, unsolicited or prohibited content).", Advice: "Review the content and the recipients' consent; register the sender for its use case.", Category: smstrack.CategoryContentFiltered, Responsible: smstrack.PartyCarrier},
	"TEXT_SPAM":                {Title: "Blocked as spam", Description: "The recipient's carrier judged the message unsolicited commercial content and blocked it.", Advice: "Review the content and make sure recipients opted in.", Category: smstrack.CategoryContentFiltered, Responsible: smstrack.PartyCarrier},
	"TEXT_UNKNOWN":             {Title: "Unknown failure", Description: "The message could not be delivered for a reason no other event type covers, temporary or permanent; AWS also reports it when no final receipt came within 72 hours.", Advice: "Retry once; if it persists for a carrier, open an AWS support case with message ids.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyUnknown},
	"TEXT_PROTECT_BLOCKED":     {Title: "Blocked by SMS protect", Description: "The account's protect configuration blocked the message before sending.", Advice: "Check the protect configuration's country rules.", Category: smstrack.CategoryBlockedOrOptedOut, Responsible: smstrack.PartyApplication},
}))
