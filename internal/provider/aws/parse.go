package aws

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
)

// statuses maps the SMS event types of AWS End User Messaging SMS to
// smstrack statuses. TEXT_SUCCESSFUL (the carrier accepted the message) is
// final and AWS uses it interchangeably with TEXT_DELIVERED in countries
// without handset receipts, so both are "delivered". Events refusing a
// message before it reached a carrier are "failed"; carrier and handset
// failures "undelivered".
var statuses = map[string]smstrack.Status{
	"TEXT_QUEUED":              smstrack.StatusQueued,
	"TEXT_PENDING":             smstrack.StatusSent,
	"TEXT_SUCCESSFUL":          smstrack.StatusDelivered,
	"TEXT_DELIVERED":           smstrack.StatusDelivered,
	"TEXT_BLOCKED":             smstrack.StatusUndelivered,
	"TEXT_TTL_EXPIRED":         smstrack.StatusUndelivered,
	"TEXT_CARRIER_UNREACHABLE": smstrack.StatusUndelivered,
	"TEXT_INVALID":             smstrack.StatusFailed,
	"TEXT_INVALID_MESSAGE":     smstrack.StatusFailed,
	"TEXT_UNREACHABLE":         smstrack.StatusUndelivered,
	"TEXT_CARRIER_BLOCKED":     smstrack.StatusUndelivered,
	"TEXT_SPAM":                smstrack.StatusUndelivered,
	"TEXT_UNKNOWN":             smstrack.StatusUndelivered,
	"TEXT_PROTECT_BLOCKED":     smstrack.StatusFailed,
}

// ErrIgnored is returned for SNS messages that are valid but not about SMS
// (voice or MMS events): they are acknowledged and not stored.
var ErrIgnored = smstrack.Errorf(smstrack.EINVALID, "not an SMS event")

// maxID bounds ids used as keys.
const maxID = 128

// ParseMessage reads the Message of an SNS notification: an SMS event
// record, the same record wrapped in an EventBridge event (source
// aws.sms-voice), or a two-way inbound message. account keys the message;
// meta is what the payload keeps of the SNS envelope.
//
// It returns ErrIgnored for voice and MMS events, and an EINVALID error
// naming the field for a record without messageId or with an unknown
// TEXT_ event type.
func ParseMessage(message []byte, account string, meta map[string]string, receivedAt time.Time) (*smstrack.EventInput, error) {
	if !utf8.Valid(message) {
		return nil, smstrack.FieldError("Message", "SMS event is not UTF-8")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(message, &obj); err != nil || obj == nil {
		return nil, smstrack.FieldError("Message", "SMS event is not a JSON object")
	}
	if detail := obj["detail"]; provider.ScalarText(obj["source"]) == "aws.sms-voice" && len(detail) > 0 {
		obj = nil
		if err := json.Unmarshal(detail, &obj); err != nil || obj == nil {
			return nil, smstrack.FieldError("detail", "EventBridge detail is not a JSON object")
		}
		message = detail
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, message); err != nil {
		return nil, smstrack.FieldError("Message", "SMS event is not JSON")
	}
	pm := map[string]any{"event": json.RawMessage(compact.Bytes())}
	if len(meta) > 0 {
		pm["sns"] = meta
	}
	payload, err := json.Marshal(pm)
	if err != nil {
		return nil, smstrack.FieldError("Message", "SMS event cannot be kept")
	}
	if _, ok := obj["inboundMessageId"]; ok {
		return inbound(obj, account, payload, receivedAt)
	}
	return smsEvent(obj, account, payload, receivedAt)
}

func smsEvent(obj map[string]json.RawMessage, account string, payload json.RawMessage, receivedAt time.Time) (*smstrack.EventInput, error) {
	typ := provider.ScalarText(obj["eventType"])
	switch {
	case typ == "":
		return nil, smstrack.FieldError("eventType", "missing eventType")
	case !strings.HasPrefix(typ, "TEXT_"):
		return nil, ErrIgnored
	}
	st, ok := statuses[typ]
	if !ok {
		return nil, smstrack.FieldError("eventType", "unknown eventType %q", shorten(typ, 40))
	}
	id, err := messageID(obj, "messageId")
	if err != nil {
		return nil, err
	}
	ev := &smstrack.EventInput{
		Key: smstrack.Key{Provider: Provider, Account: account, ProviderID: id},
		Event: smstrack.Event{
			Status:       st,
			Source:       smstrack.SourceWebhook,
			ReceivedAt:   receivedAt,
			ProviderTime: millis(obj["eventTimestamp"]),
			Payload:      payload,
		},
	}
	if st == smstrack.StatusUndelivered || st == smstrack.StatusFailed {
		ev.ErrorCode = typ
	}
	f := &ev.Facts
	f.Direction = smstrack.Outbound
	f.To = provider.ScalarText(obj["destinationPhoneNumber"])
	f.From = provider.ScalarText(obj["originationPhoneNumber"])
	f.Country = strings.ToUpper(provider.ScalarText(obj["isoCountryCode"]))
	f.Network = smstrack.Network{MCC: provider.ScalarText(obj["mcc"]), MNC: provider.ScalarText(obj["mnc"]), Carrier: provider.ScalarText(obj["carrierName"])}
	f.Encoding = provider.ScalarText(obj["messageEncoding"])
	if n, err := strconv.Atoi(provider.ScalarText(obj["totalMessageParts"])); err == nil && n > 0 && n <= 10000 {
		f.Segments = n
	}
	if p := provider.ScalarText(obj["totalMessagePrice"]); p != "" {
		if _, err := strconv.ParseFloat(p, 64); err == nil {
			f.Price, f.PriceUnit = p, "USD" // AWS prices SMS in US dollars
		}
	}
	f.CreatedAt = millis(obj["messageRequestTimestamp"])
	ev.ComputeDedupeKey()
	return ev, nil
}

// inbound reads a two-way SMS message published to the topic.
func inbound(obj map[string]json.RawMessage, account string, payload json.RawMessage, receivedAt time.Time) (*smstrack.EventInput, error) {
	id, err := messageID(obj, "inboundMessageId")
	if err != nil {
		return nil, err
	}
	ev := &smstrack.EventInput{
		Key: smstrack.Key{Provider: Provider, Account: account, ProviderID: id},
		Event: smstrack.Event{
			Status:     smstrack.StatusReceived,
			Source:     smstrack.SourceWebhook,
			ReceivedAt: receivedAt,
			Payload:    payload,
		},
	}
	f := &ev.Facts
	f.Direction = smstrack.Inbound
	f.From = provider.ScalarText(obj["originationNumber"])
	f.To = provider.ScalarText(obj["destinationNumber"])
	f.CreatedAt = receivedAt
	if raw, ok := obj["messageBody"]; ok {
		var body string
		if json.Unmarshal(raw, &body) == nil {
			f.Body = &body
		}
	}
	ev.ComputeDedupeKey()
	return ev, nil
}

func messageID(obj map[string]json.RawMessage, field string) (string, error) {
	id := provider.ScalarText(obj[field])
	switch {
	case id == "":
		return "", smstrack.FieldError(field, "missing %s", field)
	case len(id) > maxID:
		return "", smstrack.FieldError(field, "malformed %s %q", field, shorten(id, 40))
	}
	return id, nil
}

// millis reads a Unix time in milliseconds; zero for anything else.
func millis(raw json.RawMessage) time.Time {
	n, err := strconv.ParseInt(provider.ScalarText(raw), 10, 64)
	if err != nil || n <= 0 || n > 1<<45 {
		return time.Time{}
	}
	return time.UnixMilli(n).UTC()
}
