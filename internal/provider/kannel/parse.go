package kannel

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/smpp"
	"github.com/smstrack/smstrack/internal/webhook"
)

// The DLR types of Kannel's %d, a bitmask.
const (
	DLRDelivered    = 1  // delivered to the phone
	DLRUndelivered  = 2  // not delivered to the phone
	DLRBuffered     = 4  // queued on the SMSC
	DLRSMSCAccepted = 8  // the SMSC accepted the message (ack)
	DLRSMSCRejected = 16 // the SMSC refused the message (nack)
)

// The query parameters smstrack reads from a dlr-url; docs/providers/kannel.md
// shows the dlr-url that fills them.
const (
	ParamToken   = "token"   // the shared secret
	ParamType    = "type"    // %d
	ParamID      = "id"      // the application's own message id
	ParamSMSCID  = "smsc_id" // %F, the SMSC's message id
	ParamAnswer  = "answer"  // %A, the SMSC's reply: an SMPP receipt, "ACK/...", "NACK/..."
	ParamTo      = "to"      // %p, the recipient of the original message
	ParamFrom    = "from"    // %P, its sender
	ParamTime    = "ts"      // %T (epoch) or %t (YYYY-MM-DD HH:MM:SS)
	ParamSMSC    = "smsc"    // %i, the SMSC connection's id in Kannel
	ParamAccount = "account" // the application's label for this Kannel
	ParamParts   = "parts"   // how many parts the application sent, when more than one
)

// maxID bounds ids used as keys.
const maxID = 128

// statusOf maps a DLR type bitmask to a status, the most telling bit
// first: a failure bit wins over any other, delivery over acceptance.
// Kannel's "buffered" means the SMSC holds the message for a later try:
// it has left us, so it counts as sent.
func statusOf(mask int) (smstrack.Status, bool) {
	switch {
	case mask&DLRUndelivered != 0:
		return smstrack.StatusUndelivered, true
	case mask&DLRSMSCRejected != 0:
		return smstrack.StatusFailed, true
	case mask&DLRDelivered != 0:
		return smstrack.StatusDelivered, true
	case mask&(DLRSMSCAccepted|DLRBuffered) != 0:
		return smstrack.StatusSent, true
	}
	return "", false
}

// ParseDLR reads a Kannel delivery report, the fields of its dlr-url (and
// of a POST body), received at receivedAt. account is the label used when
// the URL names none; loc is the zone of receipt dates (UTC when nil).
//
// The event is keyed by the application's id when the URL carries one,
// else by the SMSC's id. It refuses, with an EINVALID error naming the
// field, a DLR without a known type or without any id.
func ParseDLR(fields url.Values, account string, loc *time.Location, receivedAt time.Time) (*smstrack.EventInput, error) {
	typ := strings.TrimSpace(fields.Get(ParamType))
	if typ == "" {
		return nil, smstrack.FieldError(ParamType, "missing DLR type (put type=%%d in the dlr-url)")
	}
	mask, err := strconv.Atoi(typ)
	if err != nil || mask < 0 || mask > 0xFFFF {
		return nil, smstrack.FieldError(ParamType, "malformed DLR type %q", shorten(typ, 20))
	}
	status, ok := statusOf(mask)
	if !ok {
		return nil, smstrack.FieldError(ParamType, "unknown DLR type %d", mask)
	}

	appID := strings.TrimSpace(fields.Get(ParamID))
	smscID := strings.TrimSpace(fields.Get(ParamSMSCID))
	key := appID
	if key == "" {
		key = smscID
	}
	switch {
	case key == "":
		return nil, smstrack.FieldError(ParamID, "missing message id (put id=<your id> or smsc_id=%%F in the dlr-url)")
	case len(key) > maxID || !utf8.ValidString(key):
		return nil, smstrack.FieldError(ParamID, "malformed message id %q", shorten(strings.ToValidUTF8(key, "\uFFFD"), 40))
	}
	if a := strings.TrimSpace(fields.Get(ParamAccount)); a != "" {
		account = a
	}
	if account == "" {
		account = DefaultAccount
	}
	if len(account) > maxID || !utf8.ValidString(account) {
		return nil, smstrack.FieldError(ParamAccount, "malformed account %q", shorten(strings.ToValidUTF8(account, "\uFFFD"), 40))
	}

	ev := &smstrack.EventInput{
		Key: smstrack.Key{Provider: Provider, Account: account, ProviderID: key},
		Event: smstrack.Event{
			Status:     status,
			Source:     smstrack.SourceWebhook,
			ReceivedAt: receivedAt,
			Payload:    formPayload(fields),
		},
		Facts: smstrack.Facts{
			Direction: smstrack.Outbound,
			To:        strings.TrimSpace(fields.Get(ParamTo)),
			From:      strings.TrimSpace(fields.Get(ParamFrom)),
		},
	}
	answer := fields.Get(ParamAnswer)
	switch {
	case status == smstrack.StatusFailed:
		ev.ErrorCode = nackCode(answer)
	case mask&(DLRDelivered|DLRUndelivered) != 0:
		// The answer of a final DLR is the SMSC's receipt text when the
		// SMSC speaks SMPP. A receipt we cannot read costs nothing: the
		// type already says what happened, and the text stays in the payload.
		if rep, err := smpp.Decode(answer, smpp.TLVs{}, loc); err == nil {
			ev.ProviderTime = rep.DoneDate
			if status == smstrack.StatusUndelivered {
				ev.ErrorCode = rep.ErrorCode
				if rep.Status != smstrack.StatusUndelivered && rep.Status != smstrack.StatusFailed {
					ev.ErrorCode = "" // the receipt disagrees with the type; trust neither's reason
				}
			}
		}
	}
	if ev.ProviderTime.IsZero() {
		ev.ProviderTime = kannelTime(fields.Get(ParamTime))
	}
	if n, err := strconv.Atoi(strings.TrimSpace(fields.Get(ParamParts))); err == nil && n > 1 && n <= 255 && appID != "" && smscID != "" {
		// Kannel sends a DLR per part, all to the same dlr-url: with the
		// application's id as key, the SMSC's id tells the parts apart.
		ev.Part = smstrack.PartRef{ID: shorten(smscID, maxID), Count: n}
	}
	ev.ComputeDedupeKey()
	return ev, nil
}

// nackCode reads the SMPP command status out of Kannel's answer to a
// refused submission, "NACK/0x0000000b/Invalid Destination Address", as
// its ESME_* name; "" when the answer says nothing usable.
func nackCode(answer string) string {
	parts := strings.SplitN(strings.TrimSpace(answer), "/", 3)
	if len(parts) < 2 || !strings.EqualFold(parts[0], "NACK") {
		return ""
	}
	name, ok := smpp.ParseCommandStatus(parts[1])
	if !ok {
		return ""
	}
	return name
}

// kannelTime reads %T (Unix seconds) or %t ("YYYY-MM-DD HH:MM[:SS]", UTC):
// the time Kannel stamped on the report. Zero for anything else.
func kannelTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n <= 0 || n > 1<<34 {
			return time.Time{}
		}
		return time.Unix(n, 0).UTC()
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t
		}
	}
	return time.Time{}
}

// formPayload is the canonical JSON of every field but the token, which is
// a secret and must not be stored: encoding/json sorts the keys, so the
// same report always gives the same bytes and dedupes. Names that are not
// UTF-8 are spelled with U+FFFD and merged, so no value is dropped.
func formPayload(fields url.Values) json.RawMessage {
	return webhook.FormJSONWithout(fields, ParamToken)
}
