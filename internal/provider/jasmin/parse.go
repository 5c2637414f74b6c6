package jasmin

import (
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
	"github.com/smstrack/smstrack/internal/provider/smpp"
	"github.com/smstrack/smstrack/internal/webhook"
)

// The parameters smstrack reads besides Jasmin's own: the shared token and
// an optional account label, both put in the URL by whoever configures it.
const (
	ParamToken   = "token"
	ParamAccount = "account"
)

// maxID bounds ids used as keys.
const maxID = 128

// ParseDLR reads a Jasmin delivery receipt (id, message_status, level and,
// for levels 2 and 3, id_smsc, sub, dlvrd, subdate, donedate, err, text),
// received at receivedAt. account is the label used when the URL names
// none; loc is the zone of the receipt dates (UTC when nil).
//
// A level 1 receipt carries the SMSC's answer to the submission: ESME_ROK
// is "sent", any other ESME_* status "failed" with that name as error code.
// Levels 2 and 3 carry the receipt's state word (DELIVRD, UNDELIV, ...).
// It refuses, with an EINVALID error naming the field, a receipt without
// id or with an unknown message_status.
func ParseDLR(fields url.Values, account string, loc *time.Location, receivedAt time.Time) (*smstrack.EventInput, error) {
	ev, err := newEvent(fields, account, receivedAt)
	if err != nil {
		return nil, err
	}
	word := strings.TrimSpace(fields.Get("message_status"))
	switch {
	case word == "":
		return nil, smstrack.FieldError("message_status", "missing message_status")
	case strings.HasPrefix(strings.ToUpper(word), "ESME_"):
		name, _ := smpp.ParseCommandStatus(word)
		if name == "ESME_ROK" {
			ev.Status = smstrack.StatusSent
		} else {
			ev.Status, ev.ErrorCode = smstrack.StatusFailed, shorten(name, 40)
		}
	default:
		st, canonical, ok := smpp.WordStatus(word)
		if !ok {
			return nil, smstrack.FieldError("message_status", "unknown message_status %q", shorten(word, 40))
		}
		ev.Status = st
		ev.ErrorCode = smpp.FailureCode(st, canonical, fields.Get("err"))
		if t, ok := smpp.ParseDate(strings.TrimSpace(fields.Get("donedate")), loc); ok {
			ev.ProviderTime = t
		}
	}
	ev.Facts.Direction = smstrack.Outbound
	ev.ComputeDedupeKey()
	return ev, nil
}

// ParseInbound reads a message Jasmin received (id, from, to,
// origin-connector, priority, coding, validity, content, binary) into an
// event of status received. The body is content, or when content is
// absent or does not decode, the hex binary field read by its coding
// (UCS-2 for data_coding 8). It refuses a message without id.
func ParseInbound(fields url.Values, account string, receivedAt time.Time) (*smstrack.EventInput, error) {
	ev, err := newEvent(fields, account, receivedAt)
	if err != nil {
		return nil, err
	}
	ev.Status = smstrack.StatusReceived
	f := &ev.Facts
	f.Direction = smstrack.Inbound
	f.From = strings.TrimSpace(fields.Get("from"))
	f.To = strings.TrimSpace(fields.Get("to"))
	f.CreatedAt = receivedAt
	if body, ok := inboundBody(fields); ok {
		f.Body = &body
	}
	ev.ComputeDedupeKey()
	return ev, nil
}

// inboundBody picks the text of an inbound message.
func inboundBody(fields url.Values) (string, bool) {
	coding := strings.TrimSpace(fields.Get("coding"))
	if bin := strings.TrimSpace(fields.Get("binary")); bin != "" && coding == "8" {
		// UCS-2 content is not text until decoded; the hex form is exact.
		if b, err := hex.DecodeString(bin); err == nil && len(b)%2 == 0 {
			u := make([]uint16, len(b)/2)
			for i := range u {
				u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
			}
			return string(utf16.Decode(u)), true
		}
	}
	if c, ok := fields["content"]; ok && len(c) > 0 && utf8.ValidString(c[0]) {
		return c[0], true
	}
	if bin := strings.TrimSpace(fields.Get("binary")); bin != "" {
		if b, err := hex.DecodeString(bin); err == nil && utf8.Valid(b) {
			return string(b), true
		}
	}
	return "", false
}

// newEvent reads what receipts and inbound messages share: Jasmin's id
// (the UUID its /send answered with, or its MO id) and the account.
func newEvent(fields url.Values, account string, receivedAt time.Time) (*smstrack.EventInput, error) {
	id := strings.TrimSpace(fields.Get("id"))
	switch {
	case id == "":
		return nil, smstrack.FieldError("id", "missing message id")
	case len(id) > maxID || !utf8.ValidString(id):
		return nil, smstrack.FieldError("id", "malformed message id %q", shorten(strings.ToValidUTF8(id, "\uFFFD"), 40))
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
	return provider.NewEvent(Provider, account, id, receivedAt, formPayload(fields)), nil
}

// formPayload is the canonical JSON of every field but the token, which is
// a secret and must not be stored: encoding/json sorts the keys, so the
// same callback always gives the same bytes and dedupes. Names that are
// not UTF-8 are spelled with U+FFFD and merged, so no value is dropped.
func formPayload(fields url.Values) json.RawMessage {
	return webhook.FormJSONWithout(fields, ParamToken)
}
