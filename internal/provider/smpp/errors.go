package smpp

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/smstrack/smstrack"
)

// commandStatuses names the SMPP 3.4 command_status values (ESME_*) a
// gateway may pass on when an SMSC refuses a submission.
var commandStatuses = map[uint32]string{
	0x00: "ESME_ROK", 0x01: "ESME_RINVMSGLEN", 0x02: "ESME_RINVCMDLEN", 0x03: "ESME_RINVCMDID",
	0x04: "ESME_RINVBNDSTS", 0x05: "ESME_RALYBND", 0x06: "ESME_RINVPRTFLG", 0x07: "ESME_RINVREGDLVFLG",
	0x08: "ESME_RSYSERR", 0x0A: "ESME_RINVSRCADR", 0x0B: "ESME_RINVDSTADR", 0x0C: "ESME_RINVMSGID",
	0x0D: "ESME_RBINDFAIL", 0x0E: "ESME_RINVPASWD", 0x0F: "ESME_RINVSYSID", 0x11: "ESME_RCANCELFAIL",
	0x13: "ESME_RREPLACEFAIL", 0x14: "ESME_RMSGQFUL", 0x15: "ESME_RINVSERTYP", 0x33: "ESME_RINVNUMDESTS",
	0x34: "ESME_RINVDLNAME", 0x40: "ESME_RINVDESTFLAG", 0x42: "ESME_RINVSUBREP", 0x43: "ESME_RINVESMCLASS",
	0x44: "ESME_RCNTSUBDL", 0x45: "ESME_RSUBMITFAIL", 0x48: "ESME_RINVSRCTON", 0x49: "ESME_RINVSRCNPI",
	0x50: "ESME_RINVDSTTON", 0x51: "ESME_RINVDSTNPI", 0x53: "ESME_RINVSYSTYP", 0x54: "ESME_RINVREPFLAG",
	0x55: "ESME_RINVNUMMSGS", 0x58: "ESME_RTHROTTLED", 0x61: "ESME_RINVSCHED", 0x62: "ESME_RINVEXPIRY",
	0x63: "ESME_RINVDFTMSGID", 0x64: "ESME_RX_T_APPN", 0x65: "ESME_RX_P_APPN", 0x66: "ESME_RX_R_APPN",
	0x67: "ESME_RQUERYFAIL", 0xC0: "ESME_RINVOPTPARSTREAM", 0xC1: "ESME_ROPTPARNOTALLWD",
	0xC2: "ESME_RINVPARLEN", 0xC3: "ESME_RMISSINGOPTPARAM", 0xC4: "ESME_RINVOPTPARAMVAL",
	0xFE: "ESME_RDELIVERYFAILURE", 0xFF: "ESME_RUNKNOWNERR",
}

// CommandStatusName returns the ESME_* name of a command_status, or its
// value as "0x%08X" when SMPP 3.4 does not name it (vendor-specific codes).
func CommandStatusName(v uint32) string {
	if name, ok := commandStatuses[v]; ok {
		return name
	}
	return fmt.Sprintf("0x%08X", v)
}

// ParseCommandStatus reads a command_status written as hex ("0x0000000B",
// "0B"), decimal ("11") or by name ("esme_rinvdstadr"), and returns its
// ESME_* name (or "0x%08X" form). ok is false for anything else.
func ParseCommandStatus(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 40 {
		return "", false
	}
	if u := strings.ToUpper(s); strings.HasPrefix(u, "ESME_") {
		return u, true
	}
	var v uint64
	var err error
	if len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X") {
		v, err = strconv.ParseUint(s[2:], 16, 32)
	} else {
		v, err = strconv.ParseUint(s, 10, 32)
	}
	if err != nil {
		return "", false
	}
	return CommandStatusName(uint32(v)), true
}

// Catalog explains the error codes the SMPP family of providers report:
// GSM MAP causes from network_error_code ("GSM:27"), SMPP command
// statuses ("ESME_RINVDSTADR") and the stat words kept as codes when the
// SMSC gave no other reason ("EXPIRED"). Gateways register it under their
// own provider name. Vendor-specific err values are not in it: the same
// number means different things on different SMSCs.
var Catalog smstrack.ErrorCatalog = catalog

type errorCatalog map[string]smstrack.ErrorInfo

// Explain returns what smstrack knows of an SMPP-family error code. Codes
// are matched without regard to case.
func (c errorCatalog) Explain(code string) (smstrack.ErrorInfo, bool) {
	info, ok := c[strings.ToUpper(strings.TrimSpace(code))]
	if ok {
		info.Code = code
	}
	return info, ok
}

type entry struct {
	code                       string
	title, description, advice string
	category                   smstrack.ErrorCategory
	party                      smstrack.Party
}

// catalog is written in our words from SMPP 3.4 (section 5.1.3) and 3GPP
// TS 29.002 (MAP error causes).
var catalog = func() errorCatalog {
	c := errorCatalog{}
	for _, e := range []entry{
		// Receipt states kept as the code of a failure without another reason.
		{"EXPIRED", "Validity period expired", "The SMSC kept retrying until the message's validity period ran out without reaching the handset.", "The phone was probably off or out of coverage the whole time; resend if still relevant, or lengthen the validity period.", smstrack.CategoryExpired, smstrack.PartyHandset},
		{"DELETED", "Deleted by the SMSC", "The message was deleted from the SMSC before delivery, by a cancel request or by the operator.", "Check whether your system or the SMSC operator canceled it.", smstrack.CategoryUnknown, smstrack.PartyCarrier},
		{"UNDELIV", "Undeliverable", "The SMSC gave up: the network reported the message cannot be delivered, without saying why in the receipt.", "Check the number; the err field or the SMSC's logs may say more.", smstrack.CategoryUnknown, smstrack.PartyCarrier},
		{"UNKNOWN", "Unknown state", "The SMSC does not know what became of the message.", "Treat as not delivered; ask the SMSC operator if it recurs.", smstrack.CategoryUnknown, smstrack.PartyUnknown},
		{"REJECTD", "Rejected", "The SMSC or the network rejected the message after accepting it for delivery.", "Check the destination, the sender id and the content against the route's rules.", smstrack.CategoryBlockedOrOptedOut, smstrack.PartyCarrier},
		{"SKIPPED", "Skipped", "The SMSC skipped the message, e.g. because it was superseded or its recipient list entry was dropped.", "Resend if the message still matters.", smstrack.CategoryUnknown, smstrack.PartyCarrier},
		{"FAILED", "Failed", "The SMSC reported the message failed, without a standard state.", "Check the err field and the SMSC's documentation.", smstrack.CategoryUnknown, smstrack.PartyUnknown},

		// GSM MAP error causes (network_error_code type 3).
		{"GSM:1", "Unknown subscriber", "The home network has no subscriber with this number.", "The number does not exist or was disconnected; stop sending to it until corrected.", smstrack.CategoryNotMobileOrInvalid, smstrack.PartyApplication},
		{"GSM:5", "Unidentified subscriber", "The network serving the number could not identify the subscriber.", "Retry later; if it persists, check the number.", smstrack.CategoryHandsetUnreachable, smstrack.PartyCarrier},
		{"GSM:6", "Absent subscriber for SMS", "The handset was not reachable for short messages: off, out of coverage or not registered.", "Retry later; the phone must be on and in coverage.", smstrack.CategoryHandsetUnreachable, smstrack.PartyHandset},
		{"GSM:9", "Illegal subscriber", "The network refused the subscriber, e.g. after failed authentication.", "Ask the recipient to contact their carrier.", smstrack.CategoryBlockedOrOptedOut, smstrack.PartyCarrier},
		{"GSM:11", "Teleservice not provisioned", "The subscription does not include short messages.", "The number cannot take texts; use another channel.", smstrack.CategoryNotMobileOrInvalid, smstrack.PartyCarrier},
		{"GSM:12", "Illegal equipment", "The network barred the handset itself (e.g. a blocked device).", "Ask the recipient to contact their carrier.", smstrack.CategoryBlockedOrOptedOut, smstrack.PartyHandset},
		{"GSM:13", "Call barred", "Messages to this subscriber are barred, by the subscriber or the operator (e.g. unpaid bills, roaming bars).", "Do not retry soon; the recipient or their carrier must lift the bar.", smstrack.CategoryBlockedOrOptedOut, smstrack.PartyCarrier},
		{"GSM:21", "Facility not supported", "The visited network does not support the service needed, often when roaming.", "Retry when the recipient is back on their home network.", smstrack.CategoryHandsetUnreachable, smstrack.PartyCarrier},
		{"GSM:27", "Absent subscriber", "The handset is off or out of coverage.", "Retry later; most SMSCs retry by themselves within the validity period.", smstrack.CategoryHandsetUnreachable, smstrack.PartyHandset},
		{"GSM:31", "Subscriber busy for MT SMS", "The handset was busy with another message or transaction.", "Retry shortly.", smstrack.CategoryHandsetUnreachable, smstrack.PartyHandset},
		{"GSM:32", "SM delivery failure", "The handset or its SIM refused the message, often because its memory is full or it cannot take this message type.", "Ask the recipient to free message storage; retry later.", smstrack.CategoryHandsetUnreachable, smstrack.PartyHandset},
		{"GSM:33", "Message waiting list full", "The network's list of messages waiting for this absent subscriber is full.", "Retry later, after the handset comes back.", smstrack.CategoryHandsetUnreachable, smstrack.PartyCarrier},
		{"GSM:34", "System failure", "A network element failed while delivering.", "Retry later; report to the SMSC operator if many numbers are affected.", smstrack.CategoryUnknown, smstrack.PartyCarrier},
		{"GSM:35", "Data missing", "A network request lacked data it needed, a signalling fault between networks.", "Retry later; report to the SMSC operator if it persists.", smstrack.CategoryUnknown, smstrack.PartyCarrier},
		{"GSM:36", "Unexpected data value", "A network request carried a value the other network did not accept.", "Report to the SMSC operator with a few message ids.", smstrack.CategoryUnknown, smstrack.PartyCarrier},

		// SMPP command statuses of refused submissions.
		{"ESME_RINVMSGLEN", "Invalid message length", "The SMSC refused the message as too long or with a bad length.", "Check segmenting and encoding before submitting.", smstrack.CategoryUnknown, smstrack.PartyApplication},
		{"ESME_RSYSERR", "SMSC system error", "The SMSC failed internally while taking the message.", "Retry later; report to the SMSC operator if it persists.", smstrack.CategoryUnknown, smstrack.PartyProvider},
		{"ESME_RINVSRCADR", "Invalid source address", "The SMSC refused the sender id or number.", "Use a sender id registered and allowed on this route.", smstrack.CategorySenderRegistration, smstrack.PartyApplication},
		{"ESME_RINVDSTADR", "Invalid destination address", "The SMSC refused the recipient number as malformed or not routable.", "Check the number's format (international, no spaces) and that the route covers its country.", smstrack.CategoryNotMobileOrInvalid, smstrack.PartyApplication},
		{"ESME_RMSGQFUL", "Message queue full", "The SMSC's queue for this destination or account is full.", "Slow down and retry later.", smstrack.CategoryRateLimited, smstrack.PartyProvider},
		{"ESME_RINVNUMDESTS", "Invalid number of destinations", "The submission named no or too many recipients.", "Submit one recipient per message, or within the SMSC's limit.", smstrack.CategoryUnknown, smstrack.PartyApplication},
		{"ESME_RINVESMCLASS", "Invalid esm_class", "The SMSC refused the message's esm_class (message mode or type).", "Check the gateway's SMPP settings for this connection.", smstrack.CategoryUnknown, smstrack.PartyApplication},
		{"ESME_RSUBMITFAIL", "Submit failed", "The SMSC refused the submission without a more precise reason.", "Check the SMSC's logs or ask its operator.", smstrack.CategoryUnknown, smstrack.PartyProvider},
		{"ESME_RINVSRCTON", "Invalid source TON", "The sender's type of number does not fit the sender id.", "Use TON 5 for alphanumeric senders and 1 for international numbers.", smstrack.CategorySenderRegistration, smstrack.PartyApplication},
		{"ESME_RINVSRCNPI", "Invalid source NPI", "The sender's numbering plan indicator was refused.", "Check the gateway's source NPI setting.", smstrack.CategorySenderRegistration, smstrack.PartyApplication},
		{"ESME_RINVDSTTON", "Invalid destination TON", "The recipient's type of number was refused.", "Send numbers in international format with TON 1.", smstrack.CategoryNotMobileOrInvalid, smstrack.PartyApplication},
		{"ESME_RINVDSTNPI", "Invalid destination NPI", "The recipient's numbering plan indicator was refused.", "Use NPI 1 (ISDN) for mobile numbers.", smstrack.CategoryNotMobileOrInvalid, smstrack.PartyApplication},
		{"ESME_RTHROTTLED", "Throttled", "The account exceeded the SMSC's allowed message rate.", "Lower the gateway's sending rate to the agreed throughput.", smstrack.CategoryRateLimited, smstrack.PartyApplication},
		{"ESME_RINVSCHED", "Invalid scheduled delivery time", "The scheduled delivery time was malformed or in the past.", "Check the schedule time format and the clock.", smstrack.CategoryUnknown, smstrack.PartyApplication},
		{"ESME_RINVEXPIRY", "Invalid validity period", "The requested validity period was malformed or beyond the SMSC's limit.", "Use a shorter validity period.", smstrack.CategoryUnknown, smstrack.PartyApplication},
		{"ESME_RX_T_APPN", "Temporary rejection by the SMSC", "An application on the SMSC refused the message for now.", "Retry later.", smstrack.CategoryUnknown, smstrack.PartyProvider},
		{"ESME_RX_P_APPN", "Permanent rejection by the SMSC", "An application on the SMSC refused the message for good, often for content, routing or account rules.", "Do not retry unchanged; ask the SMSC operator which rule applied.", smstrack.CategoryContentFiltered, smstrack.PartyProvider},
		{"ESME_RX_R_APPN", "Rejected by the SMSC", "An application on the SMSC rejected the message.", "Ask the SMSC operator which rule applied.", smstrack.CategoryUnknown, smstrack.PartyProvider},
		{"ESME_RDELIVERYFAILURE", "Delivery failure", "The SMSC could not deliver a data_sm.", "Retry later.", smstrack.CategoryUnknown, smstrack.PartyCarrier},
		{"ESME_RUNKNOWNERR", "Unknown SMSC error", "The SMSC failed with an error it did not name.", "Retry once; ask the SMSC operator if it persists.", smstrack.CategoryUnknown, smstrack.PartyUnknown},
	} {
		c[e.code] = smstrack.ErrorInfo{Code: e.code, Title: e.title, Description: e.description,
			Category: e.category, Responsible: e.party, Advice: e.advice}
	}
	return c
}()
