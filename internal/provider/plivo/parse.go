package plivo

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

// statuses maps the Status words of Plivo's message status callbacks to
// smstrack's. Plivo's "failed" means the message never left Plivo (as
// smstrack's failed); "undelivered" that a carrier could not deliver it.
// "rejected" appears in Plivo's older documentation for messages refused
// before sending.
var statuses = map[string]smstrack.Status{
	"queued":      smstrack.StatusQueued,
	"sent":        smstrack.StatusSent,
	"delivered":   smstrack.StatusDelivered,
	"undelivered": smstrack.StatusUndelivered,
	"failed":      smstrack.StatusFailed,
	"rejected":    smstrack.StatusFailed,
	"read":        smstrack.StatusRead, // WhatsApp only
}

// PriceUnit is the currency of Plivo's TotalAmount and TotalRate: Plivo
// bills every account in US dollars.
const PriceUnit = "USD"

// ParseForm decodes a form-encoded body (or a query string).
func ParseForm(body []byte) (url.Values, error) { return provider.ParseForm(body) }

// payload is the canonical JSON of every field: encoding/json sorts the
// keys, so the same callback always gives the same bytes and dedupes.
// Names that are not UTF-8 are spelled with U+FFFD; names that then
// coincide share one key, so no value is dropped.
func payload(fields url.Values) json.RawMessage {
	return webhook.FormJSON(fields)
}

// ParseStatusCallback reads a message status callback, received at
// receivedAt, into an event of account (an auth ID). When the callback
// reports one part of a long message (a ParentMessageUUID other than its
// MessageUUID, or a PartInfo of more than one part), the event is keyed by
// the parent and names the part. It refuses, with an EINVALID error naming
// the field, a callback without a valid MessageUUID or a known Status.
func ParseStatusCallback(fields url.Values, account string, receivedAt time.Time) (*smstrack.EventInput, error) {
	ev, err := newEvent(fields, account, receivedAt)
	if err != nil {
		return nil, err
	}
	st, err := provider.LookupStatus("Status", fields.Get("Status"), statuses)
	if err != nil {
		return nil, err
	}
	ev.Status = st
	ev.ErrorCode = provider.ErrorCode(fields.Get("ErrorCode"))
	ev.ProviderTime = statusTime(fields, st)

	parent := strings.TrimSpace(fields.Get("ParentMessageUUID"))
	index, count, partOK := ParsePartInfo(fields.Get("PartInfo"))
	if parent != "" && validID(parent) && (parent != ev.ProviderID || (partOK && count > 1)) {
		ev.Part = smstrack.PartRef{ID: ev.ProviderID}
		if partOK {
			ev.Part.Index, ev.Part.Count = index, count
		}
		ev.ProviderID = parent
	}

	f := &ev.Facts
	f.Direction = smstrack.Outbound
	f.From = strings.TrimSpace(fields.Get("From"))
	f.To = strings.TrimSpace(fields.Get("To"))
	f.Network.MCC = digits(fields.Get("MCC"), 3, 3)
	f.Network.MNC = digits(fields.Get("MNC"), 1, 3)
	// A part's price and units are the part's, not the message's.
	if ev.Part.ID == "" {
		f.Segments = count1(fields.Get("Units"))
		if f.Price = amount(fields.Get("TotalAmount")); f.Price != "" {
			f.PriceUnit = PriceUnit
		}
	}
	ev.ComputeDedupeKey()
	return ev, nil
}

// ParseInbound reads an inbound message, received at receivedAt, into an
// event of status received of account. Plivo joins the parts of a long
// message before forwarding it. It refuses, with an EINVALID error naming
// the field, a message without a valid MessageUUID.
func ParseInbound(fields url.Values, account string, receivedAt time.Time) (*smstrack.EventInput, error) {
	ev, err := newEvent(fields, account, receivedAt)
	if err != nil {
		return nil, err
	}
	ev.Status = smstrack.StatusReceived
	f := &ev.Facts
	f.Direction = smstrack.Inbound
	f.From = strings.TrimSpace(fields.Get("From"))
	f.To = strings.TrimSpace(fields.Get("To"))
	// SMS carry Text; MMS and WhatsApp carry Body.
	for _, name := range []string{"Text", "Body"} {
		if v, ok := fields[name]; ok && len(v) > 0 {
			b := v[0]
			f.Body = &b
			break
		}
	}
	f.Segments = count1(fields.Get("Units"))
	if f.Price = amount(fields.Get("TotalAmount")); f.Price != "" {
		f.PriceUnit = PriceUnit
	}
	f.Media = media(fields)
	// An inbound message exists from the moment Plivo hands it over.
	f.CreatedAt = receivedAt
	ev.ComputeDedupeKey()
	return ev, nil
}

// newEvent reads what status callbacks and inbound messages share.
func newEvent(fields url.Values, account string, receivedAt time.Time) (*smstrack.EventInput, error) {
	id := strings.TrimSpace(fields.Get("MessageUUID"))
	if err := provider.CheckID("MessageUUID", "message id", id, validID); err != nil {
		return nil, err
	}
	if !validID(account) {
		return nil, smstrack.FieldError(AccountParam, "malformed account %q", shorten(account, 40))
	}
	return provider.NewEvent(Provider, account, id, receivedAt, payload(fields)), nil
}

// statusTime is the provider's own time of the status: when the carrier's
// delivery report came for final statuses, when the message was sent or
// queued otherwise, each falling back on the earlier times.
func statusTime(fields url.Values, st smstrack.Status) time.Time {
	var names []string
	switch st {
	case smstrack.StatusDelivered, smstrack.StatusUndelivered, smstrack.StatusRead:
		names = []string{"DeliveryReportTime", "SentTime"}
	case smstrack.StatusSent:
		names = []string{"SentTime"}
	case smstrack.StatusQueued:
		names = []string{"QueuedTime", "MessageTime"}
	}
	for _, n := range names {
		if t, ok := ParseTime(fields.Get(n)); ok {
			return t
		}
	}
	return time.Time{}
}

// timeLayouts are the spellings of Plivo's callback times: documented as
// "YYYY-mm-dd HH:MM:SS.SSSSSS" (taken as UTC), sometimes with an offset.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999-07",
	"2006-01-02 15:04:05.999999999",
}

// ParseTime reads one of Plivo's callback times. ok is false for anything
// else: a bad time must not cost the callback.
func ParseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 40 {
		return time.Time{}, false
	}
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// ParsePartInfo reads PartInfo, e.g. "1 of 2". ok is false unless it names
// a part within a plausible count.
func ParsePartInfo(s string) (index, count int, ok bool) {
	a, b, found := strings.Cut(strings.ToLower(strings.TrimSpace(s)), " of ")
	if !found {
		return 0, 0, false
	}
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || i < 1 || n < i || n > 255 {
		return 0, 0, false
	}
	return i, n, true
}

// count1 reads a small positive count such as Units; anything else is
// ignored (0), since the raw text stays in the payload.
func count1(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 10000 {
		return 0
	}
	return n
}

// digits returns s when it is between min and max decimal digits, else "".
func digits(s string, min, max int) string {
	s = strings.TrimSpace(s)
	if len(s) < min || len(s) > max || strings.Trim(s, "0123456789") != "" {
		return ""
	}
	return s
}

// amount keeps an amount that reads as a plain decimal number; odd values
// stay in the payload only.
func amount(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 32 || strings.Count(s, ".") > 1 {
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
	if digits == 0 {
		return ""
	}
	return s
}

// media collects Media1, Media2, ... of an MMS. It stops at the first
// missing index, so its work is bounded by the fields.
func media(fields url.Values) []smstrack.Media {
	var out []smstrack.Media
	for i := 1; ; i++ {
		u := strings.TrimSpace(fields.Get("Media" + strconv.Itoa(i)))
		if u == "" {
			return out
		}
		out = append(out, smstrack.Media{URL: u})
	}
}
