package bird

import (
	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
)

// catalog holds the statusErrorCode values MessageBird passes on from the
// mobile networks, which are the GSM MAP error numbers, summarized in our
// words from MessageBird's status report documentation and GSM 09.02.
// Codes Bird adds of its own show as unknown.
var catalog = provider.Register(Provider, provider.NewCatalog(map[string]smstrack.ErrorInfo{
	"1": {
		Title:       "Unknown subscriber",
		Description: "The number does not exist or is not assigned to any active subscriber.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyApplication,
		Advice: "Remove the number or confirm it with its owner.",
	},
	"5": {
		Title:       "Unidentified subscriber",
		Description: "The network could not identify the subscriber behind the number.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyApplication,
		Advice: "Confirm the number; stop sending if it keeps failing.",
	},
	"9": {
		Title:       "Illegal subscriber",
		Description: "The network refused the subscriber as not authenticated.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyCarrier,
		Advice: "Remove the number or confirm it with its owner.",
	},
	"11": {
		Title:       "Teleservice not provisioned",
		Description: "The subscriber's plan does not include receiving text messages.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyHandset,
		Advice: "Reach the recipient another way.",
	},
	"12": {
		Title:       "Illegal equipment",
		Description: "The network refused the handset (for example a blacklisted device).",
		Category:    smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyHandset,
		Advice: "Reach the recipient another way.",
	},
	"13": {
		Title:       "Call barred",
		Description: "Messages to this subscriber are barred, by the subscriber or their operator (e.g. for unpaid bills or a do-not-disturb setting).",
		Category:    smstrack.CategoryBlockedOrOptedOut, Responsible: smstrack.PartyHandset,
		Advice: "Do not retry right away; the recipient must lift the bar.",
	},
	"21": {
		Title:       "Facility not supported",
		Description: "The recipient's network does not support the service, often when roaming.",
		Category:    smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyCarrier,
		Advice: "Retry later.",
	},
	"27": {
		Title:       "Absent subscriber",
		Description: "The handset is off or out of coverage.",
		Category:    smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyHandset,
		Advice: "Retry later.",
	},
	"31": {
		Title:       "Subscriber busy for MT SMS",
		Description: "The handset was busy and could not take the message.",
		Category:    smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyHandset,
		Advice: "Retry later.",
	},
	"32": {
		Title:       "SM delivery failure",
		Description: "The handset refused the message, for example because its memory is full.",
		Category:    smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyHandset,
		Advice: "Retry later; the recipient may need to free space.",
	},
	"34": {
		Title:       "System failure",
		Description: "A network element failed while delivering the message.",
		Category:    smstrack.CategoryUnknown, Responsible: smstrack.PartyCarrier,
		Advice: "Retry later.",
	},
	"36": {
		Title:       "Unexpected data value",
		Description: "The network received data it did not expect and gave up.",
		Category:    smstrack.CategoryUnknown, Responsible: smstrack.PartyCarrier,
		Advice: "Retry later; contact Bird support if it persists.",
	},
}))
