package twilio

import (
	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
)

// catalog holds the Twilio messaging errors a tracker sees most, summarized
// in our words from Twilio's error dictionary (twilio.com/docs/api/errors).
// Responsible says where the fix lies, not who reported the failure.
var catalog = provider.Register(Provider, provider.NewCatalog(map[string]smstrack.ErrorInfo{
	"30001": {
		Title:       "Queue overflow",
		Description: "More messages were submitted than the sender can send within its queue limit, so Twilio dropped this one from the queue.",
		Category:    smstrack.CategoryRateLimited, Responsible: smstrack.PartyApplication,
		Advice: "Send at or below the sender's rate, spread large batches over time, or add senders to a Messaging Service.",
	},
	"30002": {
		Title:       "Account suspended",
		Description: "The sending Twilio account (or its parent) is suspended, for billing or compliance reasons, so nothing is sent.",
		Category:    smstrack.CategoryAccountOrBilling, Responsible: smstrack.PartyApplication,
		Advice: "Check the account's balance and any notice from Twilio, then contact Twilio support.",
	},
	"30003": {
		Title:       "Unreachable destination handset",
		Description: "The carrier could not reach the recipient's phone: it may be off, out of coverage, roaming without SMS, or unable to take the message.",
		Category:    smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyHandset,
		Advice: "Retry later; if it keeps failing, confirm the number and that the phone receives texts from other senders.",
	},
	"30004": {
		Title:       "Message blocked",
		Description: "The message was blocked before reaching the recipient, by the recipient's own settings or by their carrier.",
		Category:    smstrack.CategoryBlockedOrOptedOut, Responsible: smstrack.PartyCarrier,
		Advice: "Do not retry right away; ask the recipient whether they block messages from short codes or unknown senders.",
	},
	"30005": {
		Title:       "Unknown destination handset",
		Description: "The carrier does not know the number: it may not exist or be out of service.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyApplication,
		Advice: "Confirm the number with its owner and stop sending to it until it is corrected.",
	},
	"30006": {
		Title:       "Landline or unreachable carrier",
		Description: "The number cannot receive text messages, typically because it is a landline, or the destination carrier cannot be reached from this sender.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyApplication,
		Advice: "Check the line type (e.g. with a number lookup) and ask for a mobile number.",
	},
	"30007": {
		Title:       "Message filtered",
		Description: "Twilio or the carrier filtered the message as spam, fraud or unwanted content, or as breaking carrier rules.",
		Category:    smstrack.CategoryContentFiltered, Responsible: smstrack.PartyCarrier,
		Advice: "Review the content (links, URL shorteners, wording), make sure recipients opted in, and register the sender for its use case.",
	},
	"30008": {
		Title:       "Unknown error",
		Description: "Delivery failed and the carrier gave no usable reason.",
		Category:    smstrack.CategoryUnknown, Responsible: smstrack.PartyUnknown,
		Advice: "Retry once; if it persists for a number or carrier, give Twilio support a few message SIDs.",
	},
	"30009": {
		Title:       "Missing inbound segment",
		Description: "Part of a multi-part incoming message never arrived, so Twilio could not reassemble it.",
		Category:    smstrack.CategoryUnknown, Responsible: smstrack.PartyCarrier,
		Advice: "Ask the sender to resend, ideally with better coverage; report to Twilio if many senders are affected.",
	},
	"30010": {
		Title:       "Message price exceeds max price",
		Description: "Sending would have cost more than the MaxPrice set on the request, so the message was not sent.",
		Category:    smstrack.CategoryAccountOrBilling, Responsible: smstrack.PartyApplication,
		Advice: "Raise or remove MaxPrice for this destination.",
	},
	"30022": {
		Title:       "US A2P 10DLC: rate limit exceeded",
		Description: "Carriers refused the message because the sender went over the throughput its 10DLC campaign allows, or sent too many to one number in a short time.",
		Category:    smstrack.CategoryRateLimited, Responsible: smstrack.PartyApplication,
		Advice: "Slow the send rate to the campaign's limit.",
	},
	"30023": {
		Title:       "US A2P 10DLC: daily message cap reached",
		Description: "The brand has used up the daily number of messages its 10DLC registration allows on a carrier.",
		Category:    smstrack.CategoryRateLimited, Responsible: smstrack.PartyApplication,
		Advice: "Wait for the cap to reset, or raise it by improving the brand's registration (e.g. secondary vetting).",
	},
	"30024": {
		Title:       "Sender not provisioned on carrier",
		Description: "The destination requires the sender (numeric sender ID, 10DLC number, short code or toll-free number) to be provisioned with the carrier, and it is not yet.",
		Category:    smstrack.CategorySenderRegistration, Responsible: smstrack.PartyApplication,
		Advice: "Check the sender's registration; newly registered numbers can take a while to reach every carrier. Give Twilio support a few message SIDs if it lasts.",
	},
	"30027": {
		Title:       "US A2P 10DLC: T-Mobile daily limit reached",
		Description: "T-Mobile refused the message because the brand reached its daily message allowance on T-Mobile.",
		Category:    smstrack.CategoryRateLimited, Responsible: smstrack.PartyApplication,
		Advice: "Wait for the daily limit to reset (midnight Pacific time) or raise the brand's allowance.",
	},
	"30032": {
		Title:       "Toll-free number not verified",
		Description: "The message came from a toll-free number whose verification is missing, pending or rejected; US and Canadian carriers block such traffic.",
		Category:    smstrack.CategorySenderRegistration, Responsible: smstrack.PartyApplication,
		Advice: "Complete toll-free verification for the number before sending from it.",
	},
	"30033": {
		Title:       "US A2P 10DLC: campaign not usable",
		Description: "The sending number's 10DLC campaign cannot carry traffic (for example it is suspended or expired), so carriers refuse its messages.",
		Category:    smstrack.CategorySenderRegistration, Responsible: smstrack.PartyApplication,
		Advice: "Check the campaign's status in the Twilio console and resolve any suspension before sending again.",
	},
	"30034": {
		Title:       "US A2P 10DLC: unregistered number",
		Description: "The message was sent to the US from a 10-digit long code that is not registered to an approved 10DLC campaign; such traffic is blocked.",
		Category:    smstrack.CategorySenderRegistration, Responsible: smstrack.PartyApplication,
		Advice: "Register a brand and campaign and add the number to it (through a Messaging Service).",
	},
	"30035": {
		Title:       "US A2P 10DLC: number still being configured",
		Description: "The sending number is registered to a campaign, but its registration has not finished reaching the carriers yet.",
		Category:    smstrack.CategorySenderRegistration, Responsible: smstrack.PartyProvider,
		Advice: "Wait for the number's registration to complete, or send from an already registered number meanwhile.",
	},
	"30036": {
		Title:       "Validity period expired",
		Description: "The message waited in Twilio's queue longer than its ValidityPeriod allowed, so it was never sent.",
		Category:    smstrack.CategoryExpired, Responsible: smstrack.PartyApplication,
		Advice: "Lengthen ValidityPeriod, or send in smaller batches closer to the sender's rate.",
	},
	"21211": {
		Title:       "Invalid 'To' phone number",
		Description: "The recipient number is not a valid phone number, so the request to send was refused.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyApplication,
		Advice: "Send numbers in E.164 form (+ and country code) and validate them when collected.",
	},
	"21408": {
		Title:       "Region not enabled",
		Description: "The account's geographic permissions do not allow sending to the country or region of the 'To' number.",
		Category:    smstrack.CategoryAccountOrBilling, Responsible: smstrack.PartyApplication,
		Advice: "Enable the destination in the account's messaging geo permissions if you mean to send there.",
	},
	"21610": {
		Title:       "Recipient unsubscribed",
		Description: "The recipient opted out (e.g. replied STOP) of messages from this sender or Messaging Service.",
		Category:    smstrack.CategoryBlockedOrOptedOut, Responsible: smstrack.PartyHandset,
		Advice: "Stop messaging the number; it can opt back in by texting START.",
	},
	"21612": {
		Title:       "'To' and 'From' cannot be connected",
		Description: "Twilio cannot route a message between this sender and this recipient, for example a short code to an unsupported carrier or a number that cannot take texts.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyApplication,
		Advice: "Check that the recipient can receive texts and that the sender type can reach its country and carrier.",
	},
	"21614": {
		Title:       "'To' number is not a mobile number",
		Description: "The recipient number is valid but cannot receive text messages, typically a landline.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyApplication,
		Advice: "Ask for a mobile number; stop sending texts to this one.",
	},
	"21617": {
		Title:       "Message body too long",
		Description: "The message body is longer than the 1600 characters Twilio accepts for one message.",
		Category:    smstrack.CategoryUnknown, Responsible: smstrack.PartyApplication,
		Advice: "Shorten the body or split it into several messages.",
	},
	"14107": {
		Title:       "SMS send rate limit exceeded",
		Description: "Too many replies went between the same two numbers in a short time (about 30 within 30 seconds), which looks like a loop, so Twilio failed further ones for a while.",
		Category:    smstrack.CategoryRateLimited, Responsible: smstrack.PartyApplication,
		Advice: "Look for an auto-reply or redirect loop, or a job resending to the same number.",
	},
}))
