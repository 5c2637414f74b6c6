package vonage

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
	"github.com/smstrack/smstrack/internal/webhook"
)

// statuses maps the status words of Vonage's delivery receipts to
// smstrack's. "unknown" maps to no status: the carrier could not say what
// became of the message, which is evidence of nothing, so the receipt is
// kept in the timeline (with its err-code) and changes no status.
var statuses = map[string]smstrack.Status{
	"accepted":  smstrack.StatusSent, // the destination carrier took the message
	"buffered":  smstrack.StatusSent, // the carrier holds it, still trying
	"delivered": smstrack.StatusDelivered,
	"expired":   smstrack.StatusUndelivered, // validity ran out before delivery
	"failed":    smstrack.StatusUndelivered, // the carrier tried and could not deliver
	"rejected":  smstrack.StatusFailed,      // the carrier refused it outright
	"unknown":   "",
}

// ExpiredCode is the error code an "expired" receipt gets when the carrier
// gave none, so the expiry still shows as an error of category expired.
const ExpiredCode = "expired"

// signingParams are left out of the stored payload: they authenticate one
// delivery attempt, and Vonage signs each retry afresh, so keeping them would
// make a retried receipt look like a new one.
var signingParams = []string{SigParam, TimestampParam, NonceParam}

// ParseForm decodes a form-encoded body (or a query string).
func ParseForm(body []byte) (url.Values, error) { return provider.ParseForm(body) }

// ParseJSON decodes a JSON webhook body: the fields of its top-level object,
// each value as text (strings as they are, null as "", anything else as
// compact JSON). Vonage's JSON webhooks are flat objects of strings.
func ParseJSON(body []byte) (url.Values, error) {
	obj, err := provider.DecodeObject(body)
	if err != nil {
		return nil, err
	}
	return provider.JSONFields(obj), nil
}

// payload is the canonical JSON of every field but the signing ones:
// encoding/json sorts the keys, so the same webhook always gives the same
// bytes and dedupes. Names that are not UTF-8 are spelled with U+FFFD;
// names that then coincide share one key, so no value is dropped.
func payload(fields url.Values) json.RawMessage {
	return webhook.FormJSONWithout(fields, signingParams...)
}

// ParseReceipt reads a delivery receipt, received at receivedAt, into an
// event keyed by account (the api-key, or the configured account when the
// receipt has none). Vonage sends one receipt per part of a long message,
// each with the part's own messageId and nothing naming the whole message,
// so each part is keyed as a message of its own. It refuses, with an
// EINVALID error naming the field, a receipt without a valid messageId or a
// known status.
func ParseReceipt(fields url.Values, account string, receivedAt time.Time) (*smstrack.EventInput, error) {
	ev, err := newEvent(fields, account, receivedAt)
	if err != nil {
		return nil, err
	}
	st, err := provider.LookupStatus("status", fields.Get("status"), statuses)
	if err != nil {
		return nil, err
	}
	ev.Status = st
	ev.ErrorCode = provider.ErrorCode(fields.Get("err-code"))
	if strings.ToLower(strings.TrimSpace(fields.Get("status"))) == "expired" && ev.ErrorCode == "" {
		ev.ErrorCode = ExpiredCode
	}
	// scts is when the carrier reported; message-timestamp only when
	// Vonage began pushing the receipt, so it is the fallback.
	if t, ok := ParseSCTS(fields.Get("scts")); ok {
		ev.ProviderTime = t
	} else if t, ok := ParseMessageTimestamp(fields.Get("message-timestamp")); ok {
		ev.ProviderTime = t
	}
	f := &ev.Facts
	f.Direction = smstrack.Outbound
	f.To = strings.TrimSpace(fields.Get("msisdn"))
	f.From = strings.TrimSpace(fields.Get("to"))
	f.Price = price(fields.Get("price"))
	f.Network.MCC, f.Network.MNC = SplitNetworkCode(fields.Get("network-code"))
	if ref := strings.TrimSpace(fields.Get("client-ref")); ref != "" {
		f.Tags = map[string]string{"client_ref": shorten(ref, 100)}
	}
	ev.ComputeDedupeKey()
	return ev, nil
}

// ParseInbound reads an inbound message, received at receivedAt, into an
// event of status received keyed by account. Each part of a long message
// comes as its own webhook with its own messageId and is kept as a message
// of its own; the concat fields stay in the payload. It refuses, with an
// EINVALID error naming the field, a message without a valid messageId.
func ParseInbound(fields url.Values, account string, receivedAt time.Time) (*smstrack.EventInput, error) {
	ev, err := newEvent(fields, account, receivedAt)
	if err != nil {
		return nil, err
	}
	ev.Status = smstrack.StatusReceived
	if t, ok := ParseMessageTimestamp(fields.Get("message-timestamp")); ok {
		ev.ProviderTime = t
	}
	f := &ev.Facts
	f.Direction = smstrack.Inbound
	f.From = strings.TrimSpace(fields.Get("msisdn"))
	f.To = strings.TrimSpace(fields.Get("to"))
	// A binary message carries data and udh instead of text.
	if text, ok := fields["text"]; ok && len(text) > 0 && !strings.EqualFold(fields.Get("type"), "binary") {
		b := text[0]
		f.Body = &b
	}
	// An inbound message exists from the moment Vonage hands it over.
	f.CreatedAt = receivedAt
	ev.ComputeDedupeKey()
	return ev, nil
}

// newEvent reads what receipts and inbound messages share.
func newEvent(fields url.Values, account string, receivedAt time.Time) (*smstrack.EventInput, error) {
	id := strings.TrimSpace(fields.Get("messageId"))
	if err := provider.CheckID("messageId", "message id", id, validID); err != nil {
		return nil, err
	}
	if err := provider.CheckID("api-key", "api-key", account, validID); err != nil {
		return nil, err
	}
	return provider.NewEvent(Provider, account, id, receivedAt, payload(fields)), nil
}

// price keeps a price that reads as a decimal number; carriers' odd values
// stay in the payload only.
func price(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 32 {
		return ""
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits++
		case c == '.' || (c == '-' && i == 0):
		default:
			return ""
		}
	}
	if digits == 0 || strings.Count(s, ".") > 1 {
		return ""
	}
	return s
}

// SplitNetworkCode splits Vonage's network-code, the MCC and MNC written
// together (e.g. "23410"), into its parts: an MCC is always three digits,
// an MNC two or three. Anything else gives two empty strings.
func SplitNetworkCode(s string) (mcc, mnc string) {
	s = strings.TrimSpace(s)
	if len(s) != 5 && len(s) != 6 {
		return "", ""
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", ""
		}
	}
	return s[:3], s[3:]
}

// ParseSCTS reads scts, the carrier's time of the receipt as YYMMDDHHMM,
// taken as UTC. ok is false for anything else: carriers fill it loosely,
// and a bad value must not cost the receipt.
func ParseSCTS(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) != len("0601021504") || strings.Trim(s, "0123456789") != "" {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation("0601021504", s, time.UTC)
	return t, err == nil
}

// ParseMessageTimestamp reads message-timestamp, "yyyy-MM-dd HH:mm:ss" in
// UTC. ok is false for anything else.
func ParseMessageTimestamp(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateTime, strings.TrimSpace(s), time.UTC)
	return t, err == nil
}
