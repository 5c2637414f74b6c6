package twilio

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
	"github.com/smstrack/smstrack/internal/webhook"
)

// statuses maps Twilio's MessageStatus words to smstrack's. The words happen
// to match today; the table is where they would part.
var statuses = map[string]smstrack.Status{
	"accepted":            smstrack.StatusAccepted,
	"scheduled":           smstrack.StatusScheduled,
	"queued":              smstrack.StatusQueued,
	"sending":             smstrack.StatusSending,
	"sent":                smstrack.StatusSent,
	"delivered":           smstrack.StatusDelivered,
	"undelivered":         smstrack.StatusUndelivered,
	"failed":              smstrack.StatusFailed,
	"read":                smstrack.StatusRead,
	"canceled":            smstrack.StatusCanceled,
	"receiving":           smstrack.StatusReceiving,
	"received":            smstrack.StatusReceived,
	"partially_delivered": smstrack.StatusPartiallyDelivered,
}

// ParseForm decodes a form-encoded webhook body.
func ParseForm(body []byte) (url.Values, error) { return provider.ParseForm(body) }

// ParseJSON decodes a JSON webhook body: the fields of its top-level object,
// each value as text (strings as they are, null as "", anything else as
// compact JSON), and the body compacted, to keep as the event's payload.
func ParseJSON(body []byte) (url.Values, json.RawMessage, error) {
	obj, payload, err := provider.ObjectJSON(body)
	if err != nil {
		return nil, nil, err
	}
	return provider.JSONFields(obj), payload, nil
}

// formPayload is the canonical JSON of every field: encoding/json sorts the
// keys, so the same callback always gives the same bytes and dedupes. A name
// that is not UTF-8 is spelled with U+FFFD, as encoding/json would write it;
// names that then coincide share one key, so the object never repeats a key
// and no value is dropped.
func formPayload(fields url.Values) json.RawMessage {
	return webhook.FormJSON(fields)
}

// ParseStatusCallback reads a message status callback, received at
// receivedAt, into an event. It refuses, with an EINVALID error naming the
// field, a callback without MessageSid (or SmsSid), AccountSid or a known
// MessageStatus (or SmsStatus).
func ParseStatusCallback(fields url.Values, receivedAt time.Time) (*smstrack.EventInput, error) {
	return statusCallback(fields, formPayload(fields), receivedAt)
}

// ParseInbound reads an incoming message webhook, received at receivedAt,
// into an event of status received. It refuses, with an EINVALID error
// naming the field, a message without MessageSid (or SmsSid) or AccountSid.
func ParseInbound(fields url.Values, receivedAt time.Time) (*smstrack.EventInput, error) {
	return inbound(fields, formPayload(fields), receivedAt)
}

func statusCallback(fields url.Values, payload json.RawMessage, receivedAt time.Time) (*smstrack.EventInput, error) {
	ev, err := newEvent(fields, payload, receivedAt)
	if err != nil {
		return nil, err
	}
	word := first(fields, "MessageStatus", "SmsStatus")
	if word == "" {
		return nil, smstrack.FieldError("MessageStatus", "missing message status")
	}
	st, ok := statuses[strings.ToLower(word)]
	if !ok {
		return nil, smstrack.FieldError("MessageStatus", "unknown message status %q", shorten(word, 40))
	}
	ev.Status = st
	ev.Facts.Direction = smstrack.Outbound
	if st == smstrack.StatusReceiving || st == smstrack.StatusReceived {
		ev.Facts.Direction = smstrack.Inbound
	}
	ev.ComputeDedupeKey()
	return ev, nil
}

func inbound(fields url.Values, payload json.RawMessage, receivedAt time.Time) (*smstrack.EventInput, error) {
	ev, err := newEvent(fields, payload, receivedAt)
	if err != nil {
		return nil, err
	}
	ev.Status = smstrack.StatusReceived
	ev.Facts.Direction = smstrack.Inbound
	// An inbound message exists from the moment Twilio hands it over.
	ev.Facts.CreatedAt = receivedAt
	ev.ComputeDedupeKey()
	return ev, nil
}

// newEvent reads what status callbacks and inbound messages share.
func newEvent(fields url.Values, payload json.RawMessage, receivedAt time.Time) (*smstrack.EventInput, error) {
	sid := first(fields, "MessageSid", "SmsSid")
	switch {
	case sid == "":
		return nil, smstrack.FieldError("MessageSid", "missing message id (MessageSid or SmsSid)")
	case !validID(sid):
		return nil, smstrack.FieldError("MessageSid", "malformed message id %q", shorten(sid, 40))
	}
	account := strings.TrimSpace(fields.Get("AccountSid"))
	if err := provider.CheckID("AccountSid", "account id", account, validID); err != nil {
		return nil, err
	}

	ev := &smstrack.EventInput{
		Key: smstrack.Key{Provider: Provider, Account: account, ProviderID: sid},
		Event: smstrack.Event{
			ErrorCode:  provider.ErrorCode(fields.Get("ErrorCode")),
			Source:     smstrack.SourceWebhook,
			ReceivedAt: receivedAt,
			Payload:    payload,
		},
	}
	if t, ok := ParseDlrDoneDate(fields.Get("RawDlrDoneDate")); ok {
		ev.ProviderTime = t
	}
	f := &ev.Facts
	f.From = strings.TrimSpace(fields.Get("From"))
	f.To = strings.TrimSpace(fields.Get("To"))
	f.ServiceID = strings.TrimSpace(fields.Get("MessagingServiceSid"))
	f.Price = strings.TrimSpace(fields.Get("Price"))
	f.PriceUnit = strings.TrimSpace(fields.Get("PriceUnit"))
	if body, ok := fields["Body"]; ok && len(body) > 0 {
		b := body[0]
		f.Body = &b
	}
	f.Segments = count(fields.Get("NumSegments"))
	f.Media = media(fields)
	return ev, nil
}

// first returns the first non-blank value among the named fields, trimmed:
// Twilio sends both the current name and its legacy twin (SmsSid, SmsStatus).
func first(fields url.Values, names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(fields.Get(n)); v != "" {
			return v
		}
	}
	return ""
}

// count reads a small non-negative count such as NumSegments; anything else
// is ignored (0), since the raw text stays in the payload.
func count(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 10000 {
		return 0
	}
	return n
}

// media collects MediaUrl0, MediaUrl1, ... with their content types. It
// stops at the first missing index, so its work is bounded by the fields.
func media(fields url.Values) []smstrack.Media {
	var out []smstrack.Media
	for i := 0; ; i++ {
		n := strconv.Itoa(i)
		u := strings.TrimSpace(fields.Get("MediaUrl" + n))
		if u == "" {
			return out
		}
		out = append(out, smstrack.Media{URL: u, ContentType: strings.TrimSpace(fields.Get("MediaContentType" + n))})
	}
}

// ParseDlrDoneDate reads RawDlrDoneDate, the carrier's delivery time as
// YYMMDDhhmm in UTC. ok is false for anything else: carriers fill it
// loosely, and a bad value must not cost the callback.
func ParseDlrDoneDate(s string) (t time.Time, ok bool) {
	s = strings.TrimSpace(s)
	if len(s) != len("0601021504") {
		return time.Time{}, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, false
		}
	}
	t, err := time.ParseInLocation("0601021504", s, time.UTC)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
