package telnyx

import (
	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
)

// catalog holds the 40xxx delivery errors Telnyx reports in the errors of
// message.finalized webhooks, summarized in our words from Telnyx's
// messaging error code reference. Responsible says where the fix lies.
var catalog = provider.Register(Provider, provider.NewCatalog(map[string]smstrack.ErrorInfo{
	"40001": {
		Title:       "Not routable",
		Description: "The destination is a landline or a wireless number that cannot be reached by text message.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyApplication,
		Advice: "Check that the recipient's number can receive texts; stop sending to it if it cannot.",
	},
	"40002": {
		Title:       "Blocked as spam (temporary)",
		Description: "A carrier spam filter stopped the message. The block is expected to lift.",
		Category:    smstrack.CategoryContentFiltered, Responsible: smstrack.PartyCarrier,
		Advice: "Slow down and review the content for spam-like patterns (links, shorteners, repeated text) before retrying.",
	},
	"40003": {
		Title:       "Blocked as spam (permanent)",
		Description: "A carrier spam filter stopped the message and has blocked the sending number for good.",
		Category:    smstrack.CategoryContentFiltered, Responsible: smstrack.PartyApplication,
		Advice: "Send from another number and ask Telnyx support about an appeal; review what was sent.",
	},
	"40004": {
		Title:       "Rejected by destination",
		Description: "The recipient's carrier refused the message without saying why.",
		Category:    smstrack.CategoryUnknown, Responsible: smstrack.PartyCarrier,
		Advice: "Retry after a delay; contact Telnyx support if it keeps happening.",
	},
	"40005": {
		Title:       "Message expired during transmission",
		Description: "The message left Telnyx but expired on its way before it could be delivered.",
		Category:    smstrack.CategoryExpired, Responsible: smstrack.PartyCarrier,
		Advice: "Check the validity period you send with; the handset may have been off for long.",
	},
	"40006": {
		Title:       "Recipient server unavailable",
		Description: "The recipient's carrier did not answer; this is usually temporary.",
		Category:    smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyCarrier,
		Advice: "Retry with growing delays.",
	},
	"40007": {
		Title:       "Loop detected",
		Description: "Telnyx saw the same message go around in a loop and stopped it.",
		Category:    smstrack.CategoryRateLimited, Responsible: smstrack.PartyApplication,
		Advice: "Look for an auto-reply between two automated numbers.",
	},
	"40008": {
		Title:       "Undeliverable",
		Description: "The recipient's carrier did not accept the message; a general failure without a more precise cause.",
		Category:    smstrack.CategoryUnknown, Responsible: smstrack.PartyCarrier,
		Advice: "Check the number; retry later or through another route.",
	},
	"40009": {
		Title:       "Invalid message body",
		Description: "A carrier refused the message because of its body, under rules stricter than Telnyx's own.",
		Category:    smstrack.CategoryContentFiltered, Responsible: smstrack.PartyApplication,
		Advice: "Shorten or change the content; check characters and encoding.",
	},
	"40011": {
		Title:       "Too many requests",
		Description: "The message went over a carrier's throughput limit and was filtered as a result.",
		Category:    smstrack.CategoryRateLimited, Responsible: smstrack.PartyApplication,
		Advice: "Send more slowly, within the throughput your sender is allowed.",
	},
	"40012": {
		Title:       "Invalid destination number",
		Description: "The carrier rejected the destination number as invalid.",
		Category:    smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyApplication,
		Advice: "Check the number is complete and in E.164 form; remove it if it is wrong.",
	},
	"40013": {
		Title:       "Invalid source number",
		Description: "The carrier rejected the sending number.",
		Category:    smstrack.CategorySenderRegistration, Responsible: smstrack.PartyApplication,
		Advice: "Check the sending number is active, enabled for messaging and registered where required.",
	},
	"40014": {
		Title:       "Expired in queue",
		Description: "The message waited in Telnyx's queue past its validity and was dropped before sending.",
		Category:    smstrack.CategoryExpired, Responsible: smstrack.PartyApplication,
		Advice: "Send at a rate the sender can carry, or allow a longer validity.",
	},
	"40015": {
		Title:       "Blocked by Telnyx's spam filter",
		Description: "Telnyx's own spam filter stopped the message.",
		Category:    smstrack.CategoryContentFiltered, Responsible: smstrack.PartyApplication,
		Advice: "Review the content; contact Telnyx support if the message is legitimate.",
	},
	"40300": {
		Title:       "Blocked after STOP",
		Description: "The recipient replied STOP to this sender, so messages to them are blocked.",
		Category:    smstrack.CategoryBlockedOrOptedOut, Responsible: smstrack.PartyHandset,
		Advice: "Do not send to this recipient until they opt back in (e.g. by replying START).",
	},
}))
