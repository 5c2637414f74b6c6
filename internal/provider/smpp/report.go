package smpp

import (
	"strconv"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
)

// The network types of the network_error_code TLV (SMPP 5.0, 4.8.4.42).
const (
	NetANSI136AccessDenied = 1
	NetIS95AccessDenied    = 2
	NetGSM                 = 3
	NetANSI136Cause        = 4
	NetIS95Cause           = 5
	NetANSI41              = 6
	NetSMPP                = 7
	NetMessageCenter       = 8
)

var networkNames = map[int]string{
	NetANSI136AccessDenied: "ANSI-136-ACCESS", NetIS95AccessDenied: "IS-95-ACCESS", NetGSM: "GSM",
	NetANSI136Cause: "ANSI-136", NetIS95Cause: "IS-95", NetANSI41: "ANSI-41", NetSMPP: "SMPP",
	NetMessageCenter: "MC",
}

// NetworkError is the value of a network_error_code TLV: the kind of
// network and its own error code (for GSM, a MAP error cause).
type NetworkError struct {
	Type int
	Code int
}

// String is the error as smstrack keeps it, e.g. "GSM:27": the network
// named, since the same number means different things on each.
func (n NetworkError) String() string {
	name, ok := networkNames[n.Type]
	if !ok {
		name = "NET" + strconv.Itoa(n.Type)
	}
	return name + ":" + strconv.Itoa(n.Code)
}

// ParseNetworkErrorCode reads the three octets of a network_error_code TLV.
// ok is false unless there are exactly three octets.
func ParseNetworkErrorCode(b []byte) (NetworkError, bool) {
	if len(b) != 3 {
		return NetworkError{}, false
	}
	return NetworkError{Type: int(b[0]), Code: int(b[1])<<8 | int(b[2])}, true
}

// TLVs are the receipt TLVs of a deliver_sm (or data_sm), as the caller
// found them. Zero values mean absent.
type TLVs struct {
	ReceiptedMessageID string // receipted_message_id (0x001E)
	MessageState       int    // message_state (0x0427); 0 when absent, as SMPP 3.4 states start at 1
	NetworkErrorCode   []byte // network_error_code (0x0423), three octets
}

// Report is what a receipt says, read from its text and TLVs together.
type Report struct {
	ID        IDForms         // the SMSC's message id, in all its spellings
	Status    smstrack.Status // the smstrack status
	State     string          // the canonical stat word, e.g. "DELIVRD"
	ErrorCode string          // "" when none; see Decode
	DoneDate  time.Time       // the SMSC's final-state time, zero when absent
	Receipt   *Receipt        // the parsed text, nil when there was none
	Network   *NetworkError   // the network_error_code, nil when absent
}

// Decode reads a receipt from its text (which may be empty when the TLVs
// say everything) and its TLVs, which win where both speak: they are
// typed, the text is free-form. Dates are read in loc (UTC when nil).
//
// The error code is, in order of preference: the network_error_code as
// "GSM:27" (or another network's name), the text's err field when it is
// not zero (as written, e.g. "0x1B" or "027"), or, for a final failure
// with neither, the stat word itself (e.g. "EXPIRED"), so that every
// failure says why as far as the SMSC told.
//
// It returns an EINVALID error naming the field ("stat" or "id") for a
// receipt without a known state or without an id.
func Decode(text string, tlv TLVs, loc *time.Location) (*Report, error) {
	rep := &Report{}
	if strings.TrimSpace(text) != "" {
		r, err := ParseReceipt(text, loc)
		if err != nil && tlv.MessageState == 0 {
			return nil, err
		}
		rep.Receipt = r
	}
	id := strings.TrimSpace(tlv.ReceiptedMessageID)
	if id == "" && rep.Receipt != nil {
		id = rep.Receipt.ID
	}
	if id == "" {
		return nil, smstrack.FieldError("id", "receipt without a message id")
	}
	rep.ID = NormalizeID(id)

	switch {
	case tlv.MessageState != 0:
		st, ok := StatusOf(tlv.MessageState)
		if !ok {
			return nil, smstrack.FieldError("message_state", "unknown message_state %d", tlv.MessageState)
		}
		rep.Status, rep.State = st, StateWord(tlv.MessageState)
	case rep.Receipt != nil && rep.Receipt.Stat != "":
		st, w, ok := WordStatus(rep.Receipt.Stat)
		if !ok {
			return nil, smstrack.FieldError("stat", "unknown receipt state %q", shorten(rep.Receipt.Stat, 20))
		}
		rep.Status, rep.State = st, w
	default:
		return nil, smstrack.FieldError("stat", "receipt without a state")
	}
	if rep.Receipt != nil {
		rep.DoneDate = rep.Receipt.DoneDate
	}
	if n, ok := ParseNetworkErrorCode(tlv.NetworkErrorCode); ok {
		rep.Network = &n
	}
	rep.ErrorCode = errorCode(rep)
	return rep, nil
}

func errorCode(rep *Report) string {
	if rep.Network != nil && rep.Network.Code != 0 {
		return rep.Network.String()
	}
	if rep.Receipt != nil && !zeroErr(rep.Receipt.Err) {
		return shorten(rep.Receipt.Err, 32)
	}
	if rep.Status == smstrack.StatusUndelivered || rep.Status == smstrack.StatusFailed {
		return rep.State
	}
	return ""
}

// zeroErr reports whether an err field says "no error": blank or zeros,
// written in decimal or hex ("000", "0x00").
func zeroErr(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X") {
		s = s[2:]
	}
	return strings.Trim(s, "0") == ""
}

// shorten cuts s to at most n bytes on a rune boundary, for quoting.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// FailureCode is the error code of a receipt given as separate fields (as
// HTTP gateways relay them): err when it is not zero, else, for a failure
// status, the canonical state word; "" for statuses that are no failure.
func FailureCode(status smstrack.Status, state, err string) string {
	if status != smstrack.StatusUndelivered && status != smstrack.StatusFailed {
		return ""
	}
	if !zeroErr(err) {
		return shorten(strings.TrimSpace(err), 32)
	}
	return state
}
