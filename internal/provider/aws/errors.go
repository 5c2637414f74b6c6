package aws

import (
	"strings"

	"github.com/smstrack/smstrack"
)

func init() {
	smstrack.RegisterErrorCatalog(Provider, catalog)
}

type errorCatalog map[string]smstrack.ErrorInfo

// Explain returns what smstrack knows of an AWS SMS failure event type.
func (c errorCatalog) Explain(code string) (smstrack.ErrorInfo, bool) {
	info, ok := c[strings.ToUpper(strings.TrimSpace(code))]
	if ok {
		info.Code = code
	}
	return info, ok
}

// catalog explains the failure event types, which are the error codes of
// AWS End User Messaging SMS events, in our words from AWS's "Event types
// for SMS, MMS, and voice" page.
var catalog = func() errorCatalog {
	c := errorCatalog{}
	for _, e := range []struct {
		code, title, description, advice string
		category                         smstrack.ErrorCategory
		party                            smstrack.Party
	}{
		{"TEXT_BLOCKED", "Blocked", "The recipient's device or carrier blocks messages to this recipient.", "Do not retry soon; the recipient may have blocked the sender or opted out.", smstrack.CategoryBlockedOrOptedOut, smstrack.PartyHandset},
		{"TEXT_TTL_EXPIRED", "Time to live expired", "Delivering took longer than the TTL given when the message was sent.", "Resend if still relevant, or send with a longer TTL.", smstrack.CategoryExpired, smstrack.PartyCarrier},
		{"TEXT_CARRIER_UNREACHABLE", "Carrier unreachable", "A temporary error occurred on the recipient's carrier network.", "Retry later.", smstrack.CategoryHandsetUnreachable, smstrack.PartyCarrier},
		{"TEXT_INVALID", "Invalid destination", "The destination phone number is not valid.", "Check the number's format and that it exists; stop sending to it until corrected.", smstrack.CategoryNotMobileOrInvalid, smstrack.PartyApplication},
		{"TEXT_INVALID_MESSAGE", "Invalid message", "The message body is not valid and could not be sent.", "Check the body's length and characters.", smstrack.CategoryUnknown, smstrack.PartyApplication},
		{"TEXT_UNREACHABLE", "Handset unreachable", "The recipient's device is unavailable: off, or not connected to the mobile network.", "Retry later.", smstrack.CategoryHandsetUnreachable, smstrack.PartyHandset},
		{"TEXT_CARRIER_BLOCKED", "Blocked by the carrier", "The recipient's carrier blocked the message, typically as malicious or abusive (phishing, unsolicited or prohibited content).", "Review the content and the recipients' consent; register the sender for its use case.", smstrack.CategoryContentFiltered, smstrack.PartyCarrier},
		{"TEXT_SPAM", "Blocked as spam", "The recipient's carrier judged the message unsolicited commercial content and blocked it.", "Review the content and make sure recipients opted in.", smstrack.CategoryContentFiltered, smstrack.PartyCarrier},
		{"TEXT_UNKNOWN", "Unknown failure", "The message could not be delivered for a reason no other event type covers, temporary or permanent; AWS also reports it when no final receipt came within 72 hours.", "Retry once; if it persists for a carrier, open an AWS support case with message ids.", smstrack.CategoryUnknown, smstrack.PartyUnknown},
		{"TEXT_PROTECT_BLOCKED", "Blocked by SMS protect", "The account's protect configuration blocked the message before sending.", "Check the protect configuration's country rules.", smstrack.CategoryBlockedOrOptedOut, smstrack.PartyApplication},
	} {
		c[e.code] = smstrack.ErrorInfo{Code: e.code, Title: e.title, Description: e.description,
			Category: e.category, Responsible: e.party, Advice: e.advice}
	}
	return c
}()
