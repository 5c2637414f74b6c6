package smpp

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
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

// Catalog explains the error codes the SMPP family of providers report,
// matched without regard to case:
// GSM MAP causes from network_error_code ("GSM:27"), SMPP command
// statuses ("ESME_RINVDSTADR") and the stat words kept as codes when the
// SMSC gave no other reason ("EXPIRED"). Gateways register it under their
// own provider name. Vendor-specific err values are not in it: the same
// number means different things on different SMSCs.
var Catalog smstrack.ErrorCatalog = catalog

// catalog is written in our words from SMPP 3.4 (section 5.1.3) and 3GPP
// TS 29.002 (MAP error causes).
var catalog = provider.NewFoldedCatalog(map[string]smstrack.ErrorInfo{
	// Receipt states kept as the code of a failure without another reason.
	"EXPIRED": {Title: "Validity period expired", Description: "The SMSC kept retrying until the message's validity period ran out without reaching the handset.", Advice: "The phone was probably off or out of coverage the whole time; resend if still relevant, or lengthen the validity period.", Category: smstrack.CategoryExpired, Responsible: smstrack.PartyHandset},
	"DELETED": {Title: "Deleted by the SMSC", Description: "The message was deleted from the SMSC before delivery, by a cancel request or by the operator.", Advice: "Check whether your system or the SMSC operator canceled it.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyCarrier},
	"UNDELIV": {Title: "Undeliverable", Description: "The SMSC gave up: the network reported the message cannot be delivered, without saying why in the receipt.", Advice: "Check the number; the err field or the SMSC's logs may say more.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyCarrier},
	"UNKNOWN": {Title: "Unknown state", Description: "The SMSC does not know what became of the message.", Advice: "Treat as not delivered; ask the SMSC operator if it recurs.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyUnknown},
	"REJECTD": {Title: "Rejected", Description: "The SMSC or the network rejected the message after accepting it for delivery.", Advice: "Check the destination, the sender id and the content against the route's rules.", Category: smstrack.CategoryBlockedOrOptedOut, Responsible: smstrack.PartyCarrier},
	"SKIPPED": {Title: "Skipped", Description: "The SMSC skipped the message, e.g. because it was superseded or its recipient list entry was dropped.", Advice: "Resend if the message still matters.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyCarrier},
	"FAILED":  {Title: "Failed", Description: "The SMSC reported the message failed, without a standard state.", Advice: "Check the err field and the SMSC's documentation.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyUnknown},

	// GSM MAP error causes (network_error_code type 3).
	"GSM:1":  {Title: "Unknown subscriber", Description: "The home network has no subscriber with this number.", Advice: "The number does not exist or was disconnected; stop sending to it until corrected.", Category: smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyApplication},
	"GSM:5":  {Title: "Unidentified subscriber", Description: "The network serving the number could not identify the subscriber.", Advice: "Retry later; if it persists, check the number.", Category: smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyCarrier},
	"GSM:6":  {Title: "Absent subscriber for SMS", Description: "The handset was not reachable for short messages: off, out of coverage or not registered.", Advice: "Retry later; the phone must be on and in coverage.", Category: smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyHandset},
	"GSM:9":  {Title: "Illegal subscriber", Description: "The network refused the subscriber, e.g. after failed authentication.", Advice: "Ask the recipient to contact their carrier.", Category: smstrack.CategoryBlockedOrOptedOut, Responsible: smstrack.PartyCarrier},
	"GSM:11": {Title: "Teleservice not provisioned", Description: "The subscription does not include short messages.", Advice: "The number cannot take texts; use another channel.", Category: smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyCarrier},
	"GSM:12": {Title: "Illegal equipment", Description: "The network barred the handset itself (e.g. a blocked device).", Advice: "Ask the recipient to contact their carrier.", Category: smstrack.CategoryBlockedOrOptedOut, Responsible: smstrack.PartyHandset},
	"GSM:13": {Title: "Call barred", Description: "Messages to this subscriber are barred, by the subscriber or the operator (e.g. unpaid bills, roaming bars).", Advice: "Do not retry soon; the recipient or their carrier must lift the bar.", Category: smstrack.CategoryBlockedOrOptedOut, Responsible: smstrack.PartyCarrier},
	"GSM:21": {Title: "Facility not supported", Description: "The visited network does not support the service needed, often when roaming.", Advice: "Retry when the recipient is back on their home network.", Category: smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyCarrier},
	"GSM:27": {Title: "Absent subscriber", Description: "The handset is off or out of coverage.", Advice: "Retry later; most SMSCs retry by themselves within the validity period.", Category: smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyHandset},
	"GSM:31": {Title: "Subscriber busy for MT SMS", Description: "The handset was busy with another message or transaction.", Advice: "Retry shortly.", Category: smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyHandset},
	"GSM:32": {Title: "SM delivery failure", Description: "The handset or its SIM refused the message, often because its memory is full or it cannot take this message type.", Advice: "Ask the recipient to free message storage; retry later.", Category: smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyHandset},
	"GSM:33": {Title: "Message waiting list full", Description: "The network's list of messages waiting for this absent subscriber is full.", Advice: "Retry later, after the handset comes back.", Category: smstrack.CategoryHandsetUnreachable, Responsible: smstrack.PartyCarrier},
	"GSM:34": {Title: "System failure", Description: "A network element failed while delivering.", Advice: "Retry later; report to the SMSC operator if many numbers are affected.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyCarrier},
	"GSM:35": {Title: "Data missing", Description: "A network request lacked data it needed, a signalling fault between networks.", Advice: "Retry later; report to the SMSC operator if it persists.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyCarrier},
	"GSM:36": {Title: "Unexpected data value", Description: "A network request carried a value the other network did not accept.", Advice: "Report to the SMSC operator with a few message ids.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyCarrier},

	// SMPP command statuses of refused submissions.
	"ESME_RINVMSGLEN":       {Title: "Invalid message length", Description: "The SMSC refused the message as too long or with a bad length.", Advice: "Check segmenting and encoding before submitting.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyApplication},
	"ESME_RSYSERR":          {Title: "SMSC system error", Description: "The SMSC failed internally while taking the message.", Advice: "Retry later; report to the SMSC operator if it persists.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyProvider},
	"ESME_RINVSRCADR":       {Title: "Invalid source address", Description: "The SMSC refused the sender id or number.", Advice: "Use a sender id registered and allowed on this route.", Category: smstrack.CategorySenderRegistration, Responsible: smstrack.PartyApplication},
	"ESME_RINVDSTADR":       {Title: "Invalid destination address", Description: "The SMSC refused the recipient number as malformed or not routable.", Advice: "Check the number's format (international, no spaces) and that the route covers its country.", Category: smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyApplication},
	"ESME_RMSGQFUL":         {Title: "Message queue full", Description: "The SMSC's queue for this destination or account is full.", Advice: "Slow down and retry later.", Category: smstrack.CategoryRateLimited, Responsible: smstrack.PartyProvider},
	"ESME_RINVNUMDESTS":     {Title: "Invalid number of destinations", Description: "The submission named no or too many recipients.", Advice: "Submit one recipient per message, or within the SMSC's limit.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyApplication},
	"ESME_RINVESMCLASS":     {Title: "Invalid esm_class", Description: "The SMSC refused the message's esm_class (message mode or type).", Advice: "Check the gateway's SMPP settings for this connection.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyApplication},
	"ESME_RSUBMITFAIL":      {Title: "Submit failed", Description: "The SMSC refused the submission without a more precise reason.", Advice: "Check the SMSC's logs or ask its operator.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyProvider},
	"ESME_RINVSRCTON":       {Title: "Invalid source TON", Description: "The sender's type of number does not fit the sender id.", Advice: "Use TON 5 for alphanumeric senders and 1 for international numbers.", Category: smstrack.CategorySenderRegistration, Responsible: smstrack.PartyApplication},
	"ESME_RINVSRCNPI":       {Title: "Invalid source NPI", Description: "The sender's numbering plan indicator was refused.", Advice: "Check the gateway's source NPI setting.", Category: smstrack.CategorySenderRegistration, Responsible: smstrack.PartyApplication},
	"ESME_RINVDSTTON":       {Title: "Invalid destination TON", Description: "The recipient's type of number was refused.", Advice: "Send numbers in international format with TON 1.", Category: smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyApplication},
	"ESME_RINVDSTNPI":       {Title: "Invalid destination NPI", Description: "The recipient's numbering plan indicator was refused.", Advice: "Use NPI 1 (ISDN) for mobile numbers.", Category: smstrack.CategoryNotMobileOrInvalid, Responsible: smstrack.PartyApplication},
	"ESME_RTHROTTLED":       {Title: "Throttled", Description: "The account exceeded the SMSC's allowed message rate.", Advice: "Lower the gateway's sending rate to the agreed throughput.", Category: smstrack.CategoryRateLimited, Responsible: smstrack.PartyApplication},
	"ESME_RINVSCHED":        {Title: "Invalid scheduled delivery time", Description: "The scheduled delivery time was malformed or in the past.", Advice: "Check the schedule time format and the clock.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyApplication},
	"ESME_RINVEXPIRY":       {Title: "Invalid validity period", Description: "The requested validity period was malformed or beyond the SMSC's limit.", Advice: "Use a shorter validity period.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyApplication},
	"ESME_RX_T_APPN":        {Title: "Temporary rejection by the SMSC", Description: "An application on the SMSC refused the message for now.", Advice: "Retry later.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyProvider},
	"ESME_RX_P_APPN":        {Title: "Permanent rejection by the SMSC", Description: "An application on the SMSC refused the message for good, often for content, routing or account rules.", Advice: "Do not retry unchanged; ask the SMSC operator which rule applied.", Category: smstrack.CategoryContentFiltered, Responsible: smstrack.PartyProvider},
	"ESME_RX_R_APPN":        {Title: "Rejected by the SMSC", Description: "An application on the SMSC rejected the message.", Advice: "Ask the SMSC operator which rule applied.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyProvider},
	"ESME_RDELIVERYFAILURE": {Title: "Delivery failure", Description: "The SMSC could not deliver a data_sm.", Advice: "Retry later.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyCarrier},
	"ESME_RUNKNOWNERR":      {Title: "Unknown SMSC error", Description: "The SMSC failed with an error it did not name.", Advice: "Retry once; ask the SMSC operator if it persists.", Category: smstrack.CategoryUnknown, Responsible: smstrack.PartyUnknown},
})
