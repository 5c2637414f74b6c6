package sinch

import (
	"encoding/json"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
)

// The callback types smstrack reads.
const (
	TypeRecipientReportSMS = "recipient_delivery_report_sms"
	TypeRecipientReportMMS = "recipient_delivery_report_mms"
	TypeBatchReportSMS     = "delivery_report_sms"
	TypeBatchReportMMS     = "delivery_report_mms"
	TypeMOText             = "mo_text"
	TypeMOBinary           = "mo_binary"
)

// statuses maps Sinch's delivery report statuses to smstrack's. Aborted,
// Rejected and Expired never reached the handset's network (Expired: before
// reaching the SMSC), hence failed; Deleted and Failed did, hence
// undelivered. Unknown means the SMSC took the message and never reported,
// which is what sent means.
var statuses = map[string]smstrack.Status{
	"queued":     smstrack.StatusQueued,
	"dispatched": smstrack.StatusSent,
	"aborted":    smstrack.StatusFailed,
	"cancelled":  smstrack.StatusCanceled,
	"rejected":   smstrack.StatusFailed,
	"deleted":    smstrack.StatusUndelivered,
	"delivered":  smstrack.StatusDelivered,
	"failed":     smstrack.StatusUndelivered,
	"expired":    smstrack.StatusFailed,
	"unknown":    smstrack.StatusSent,
}

// callback holds every field smstrack reads from any callback type; the
// whole body is kept as the event's payload.
type callback struct {
	Type string `json:"type"`

	// Delivery reports.
	BatchID           string          `json:"batch_id"`
	Recipient         string          `json:"recipient"`
	Code              json.RawMessage `json:"code"`
	Status            string          `json:"status"`
	At                string          `json:"at"`
	OperatorStatusAt  string          `json:"operator_status_at"`
	AppliedOriginator string          `json:"applied_originator"`
	Parts             json.RawMessage `json:"number_of_message_parts"`
	Operator          string          `json:"operator"`
	Encoding          string          `json:"encoding"`
	Statuses          []struct {
		Code       json.RawMessage `json:"code"`
		Status     string          `json:"status"`
		Recipients []string        `json:"recipients"`
	} `json:"statuses"`

	// Inbound messages.
	ID         string  `json:"id"`
	From       string  `json:"from"`
	To         string  `json:"to"`
	Body       *string `json:"body"`
	ReceivedAt string  `json:"received_at"`
	SentAt     string  `json:"sent_at"`
	OperatorID string  `json:"operator_id"`
}

// ParseCallback reads a Sinch SMS callback, received at receivedAt, into
// events, recording account (the service plan id) as their account:
//
//   - a recipient delivery report gives one event, keyed
//     batch_id + ":" + recipient, since a batch goes to many recipients and
//     each has its own fate;
//   - a full batch delivery report gives one such event per recipient it
//     lists; a summary report, which lists none, is refused (ask Sinch for
//     per_recipient or full reports);
//   - an inbound mo_text or mo_binary gives one received event keyed by its
//     id (the body of mo_binary is binary, so it is kept in the payload only).
//
// Malformed bodies, unknown types and unknown statuses are refused with an
// EINVALID error naming the field.
func ParseCallback(body []byte, receivedAt time.Time, account string) ([]*smstrack.EventInput, error) {
	var cb callback
	payload, err := provider.DecodeJSON(body, &cb, "Sinch callback")
	if err != nil {
		return nil, err
	}
	newEvent := func(id string) *smstrack.EventInput {
		return provider.NewEvent(Provider, account, id, receivedAt, payload)
	}
	typ := trim(cb.Type)
	switch typ {
	case TypeRecipientReportSMS, TypeRecipientReportMMS:
		batch, err := batchID(cb.BatchID)
		if err != nil {
			return nil, err
		}
		ev, err := report(newEvent, batch, cb.Recipient, cb.Status, provider.ScalarText(cb.Code), "")
		if err != nil {
			return nil, err
		}
		ev.ProviderTime = provider.FirstTime(cb.OperatorStatusAt, cb.At)
		f := &ev.Facts
		f.From = msisdn(cb.AppliedOriginator)
		f.Segments = provider.Count(provider.ScalarText(cb.Parts))
		f.Encoding = shorten(trim(cb.Encoding), 20)
		f.Network = network(cb.Operator)
		ev.ComputeDedupeKey()
		return []*smstrack.EventInput{ev}, nil

	case TypeBatchReportSMS, TypeBatchReportMMS:
		batch, err := batchID(cb.BatchID)
		if err != nil {
			return nil, err
		}
		var events []*smstrack.EventInput
		for _, s := range cb.Statuses {
			for _, r := range s.Recipients {
				ev, err := report(newEvent, batch, r, s.Status, provider.ScalarText(s.Code), "statuses.")
				if err != nil {
					return nil, err
				}
				ev.ComputeDedupeKey()
				events = append(events, ev)
			}
		}
		if len(events) == 0 {
			return nil, smstrack.FieldError("statuses.recipients",
				"batch delivery report lists no recipients: smstrack needs delivery_report per_recipient, per_recipient_final or full")
		}
		return events, nil

	case TypeMOText, TypeMOBinary:
		id := trim(cb.ID)
		if err := provider.CheckID("id", "message id", id, validID); err != nil {
			return nil, err
		}
		ev := newEvent(id)
		ev.Status = smstrack.StatusReceived
		ev.ProviderTime = provider.FirstTime(cb.ReceivedAt, cb.SentAt)
		f := &ev.Facts
		f.Direction = smstrack.Inbound
		f.From, f.To = msisdn(cb.From), msisdn(cb.To)
		if typ == TypeMOText && cb.Body != nil {
			b := *cb.Body
			f.Body = &b
		}
		f.Network = network(cb.OperatorID)
		// An inbound message exists from the moment Sinch hands it over.
		f.CreatedAt = receivedAt
		ev.ComputeDedupeKey()
		return []*smstrack.EventInput{ev}, nil

	case "":
		return nil, smstrack.FieldError("type", "missing callback type")
	}
	return nil, smstrack.FieldError("type", "unsupported callback type %q", shorten(typ, 40))
}

// report builds the event of one recipient's delivery report.
func report(newEvent func(string) *smstrack.EventInput, batch, recipient, word, code, prefix string) (*smstrack.EventInput, error) {
	recipient = trim(recipient)
	if !validID(recipient) {
		return nil, smstrack.FieldError(prefix+"recipient", "missing or malformed recipient %q", shorten(recipient, 40))
	}
	st, err := provider.LookupStatus(prefix+"status", trim(word), statuses)
	if err != nil {
		return nil, err
	}
	ev := newEvent(batch + ":" + recipient)
	ev.Status = st
	// Queued (400), Dispatched (401) and Delivered (0) codes say how things
	// go, not what went wrong.
	switch st {
	case smstrack.StatusQueued, smstrack.StatusSent, smstrack.StatusDelivered:
	default:
		if code != "0" {
			ev.ErrorCode = shorten(code, 16)
		}
	}
	ev.Facts.Direction = smstrack.Outbound
	ev.Facts.To = msisdn(recipient)
	return ev, nil
}

func batchID(s string) (string, error) {
	s = trim(s)
	if err := provider.CheckID("batch_id", "batch id", s, validID); err != nil {
		return "", err
	}
	return s, nil
}

// msisdn spells a Sinch number as smstrack keeps numbers: Sinch writes
// international numbers without "+", so a long all-digit number gets one;
// short codes and alphanumeric senders stay as they are.
func msisdn(s string) string {
	s = trim(s)
	if len(s) < 8 || len(s) > 15 {
		return s
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return s
		}
	}
	return "+" + s
}

// network reads an operator id: Sinch gives the MCC and MNC run together
// (e.g. "310260"); anything else is kept as the carrier's name.
func network(op string) smstrack.Network {
	op = trim(op)
	digits := len(op) == 5 || len(op) == 6
	for i := 0; digits && i < len(op); i++ {
		digits = op[i] >= '0' && op[i] <= '9'
	}
	if digits {
		return smstrack.Network{MCC: op[:3], MNC: op[3:]}
	}
	return smstrack.Network{Carrier: shorten(op, 80)}
}
