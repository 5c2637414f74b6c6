package vonage

import (
	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
)

// catalog holds the err-code values of the SMS API's delivery receipts,
// summarized in our words from Vonage's published DLR error code table, and
// ExpiredCode, which smstrack gives an "expired" receipt without a code.
// Responsible says where the fix lies, not who reported the failure.
var catalog = provider.Register(Provider, provider.NewCatalog(map[string]smstrack.ErrorInfo{
	"1": {
		Title:       "Unknown",
		Description: "The message was not delivered and neither Vonage nor the carrier could tell why.",
		Category:    smstrack.CategoryUnknown, Responsible: smstrack.PartyUnknown,
		Advice: "Retry once; if it keeps happening for a number or network, give Vonage support a few message ids.",
	},
	"2": {
		Title:       "Absent subscriber (temporary)",
		Description: "The phone could not be reached for now: switched off, out of coverage or otherwise unavailable.",
		Category:    smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyHandset,
		Advice: "Retry later.",
	},
	"3": {
		Title:       "Absent subscriber (permanent)",
		Description: "The number is no longer in service.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyApplication,
		Advice: "Remove the number from your lists until its owner gives a new one.",
	},
	"4": {
		Title:       "Call barred by user",
		Description: "The recipient's line is barred from receiving these messages; only the recipient's operator can lift the bar.",
		Category:    smstrack.CategoryBlockedOrOptedOut, Responsible: smstrack.PartyHandset,
		Advice: "Stop sending to the number; the recipient must ask their operator to remove the bar.",
	},
	"5": {
		Title:       "Portability error",
		Description: "Delivery failed on a problem with the number's porting between operators.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyCarrier,
		Advice: "Retry later; if it persists, ask Vonage support to check the number's network.",
	},
	"6": {
		Title:       "Anti-spam rejection",
		Description: "The carrier's spam filter blocked the message.",
		Category:    smstrack.CategoryContentFiltered, Responsible: smstrack.PartyCarrier,
		Advice: "Review the content and sender (links, shorteners, wording) and make sure recipients opted in.",
	},
	"7": {
		Title:       "Handset busy",
		Description: "The phone could not take the message when it was sent.",
		Category:    smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyHandset,
		Advice: "Retry later.",
	},
	"8": {
		Title:       "Network error",
		Description: "A network fault on the way to the recipient made delivery fail.",
		Category:    smstrack.CategoryUnknown, Responsible: smstrack.PartyCarrier,
		Advice: "Retry later.",
	},
	"9": {
		Title:       "Illegal number",
		Description: "The recipient asked not to receive messages from this service.",
		Category:    smstrack.CategoryBlockedOrOptedOut, Responsible: smstrack.PartyApplication,
		Advice: "Treat the number as opted out and stop sending to it.",
	},
	"10": {
		Title:       "Illegal message",
		Description: "A parameter of the message was wrong, for example its encoding flag.",
		Category:    smstrack.CategoryContentFiltered, Responsible: smstrack.PartyApplication,
		Advice: "Check the message's type, encoding and content before resending.",
	},
	"11": {
		Title:       "Unroutable",
		Description: "Vonage found no route able to deliver the message.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyProvider,
		Advice: "Contact Vonage support with the message id and destination.",
	},
	"12": {
		Title:       "Destination unreachable",
		Description: "No route to the number could be found.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyApplication,
		Advice: "Confirm the number with its owner.",
	},
	"13": {
		Title:       "Subscriber age restriction",
		Description: "The recipient may not receive this message because of their age.",
		Category:    smstrack.CategoryBlockedOrOptedOut, Responsible: smstrack.PartyHandset,
		Advice: "Do not resend this content to the number.",
	},
	"14": {
		Title:       "Number blocked by carrier",
		Description: "The recipient's carrier blocks such messages to the number.",
		Category:    smstrack.CategoryBlockedOrOptedOut, Responsible: smstrack.PartyCarrier,
		Advice: "The recipient should ask their carrier to allow the messages.",
	},
	"15": {
		Title:       "Prepaid: insufficient funds",
		Description: "The recipient's prepaid account lacks the credit the message needs (e.g. premium messages).",
		Category:    smstrack.CategoryAccountOrBilling, Responsible: smstrack.PartyHandset,
		Advice: "The recipient must top up; retry later.",
	},
	"16": {
		Title:       "Gateway quota exceeded",
		Description: "The sender went over a throughput or volume quota on the way to the carrier.",
		Category:    smstrack.CategoryRateLimited, Responsible: smstrack.PartyApplication,
		Advice: "Slow down and spread sends over time.",
	},
	"50": {
		Title:       "Entity filter",
		Description: "Refused under India's DLT rules: the sending entity is not registered or not valid.",
		Category:    smstrack.CategorySenderRegistration, Responsible: smstrack.PartyApplication,
		Advice: "Check the registered entity id sent with Indian traffic.",
	},
	"51": {
		Title:       "Header filter",
		Description: "Refused under India's DLT rules: the sender id (header) is not registered for the entity.",
		Category:    smstrack.CategorySenderRegistration, Responsible: smstrack.PartyApplication,
		Advice: "Register the header, or send from one that is.",
	},
	"52": {
		Title:       "Content filter",
		Description: "Refused under India's DLT rules: the text matches no registered template.",
		Category:    smstrack.CategoryContentFiltered, Responsible: smstrack.PartyApplication,
		Advice: "Send text that matches a registered template, with its template id.",
	},
	"53": {
		Title:       "Consent filter",
		Description: "Refused under India's DLT rules: there is no recorded consent from the recipient.",
		Category:    smstrack.CategoryBlockedOrOptedOut, Responsible: smstrack.PartyApplication,
		Advice: "Record the recipient's consent before sending.",
	},
	"54": {
		Title:       "Regulation error",
		Description: "A local regulation forbade the message.",
		Category:    smstrack.CategorySenderRegistration, Responsible: smstrack.PartyApplication,
		Advice: "Check the destination country's rules for senders and content.",
	},
	"99": {
		Title:       "General error",
		Description: "Delivery failed on an error Vonage does not detail.",
		Category:    smstrack.CategoryUnknown, Responsible: smstrack.PartyUnknown,
		Advice: "Retry once; if it persists, give Vonage support a few message ids.",
	},
	ExpiredCode: {
		Title:       "Expired",
		Description: "The message was not delivered within its validity period (Vonage's default is 72 hours) and the receipt named no cause.",
		Category:    smstrack.CategoryExpired, Responsible: smstrack.PartyHandset,
		Advice: "The phone was most likely off or out of reach all that time; confirm the number before resending.",
	},
}))
