package bird

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
	"github.com/smstrack/smstrack/internal/webhook"
)

// reportStatuses maps the status of a legacy MessageBird SMS status report
// to smstrack's. buffered means the operator holds the message for a
// handset it cannot reach yet: it has left, like sent.
var reportStatuses = map[string]smstrack.Status{
	"scheduled":       smstrack.StatusScheduled,
	"sent":            smstrack.StatusSent,
	"buffered":        smstrack.StatusSent,
	"delivered":       smstrack.StatusDelivered,
	"expired":         smstrack.StatusUndelivered,
	"delivery_failed": smstrack.StatusUndelivered,
}

// channelStatuses maps the status of a Channels API message to smstrack's.
// An incoming message's status (delivered) is read as received.
var channelStatuses = map[string]smstrack.Status{
	"accepted":        smstrack.StatusAccepted,
	"scheduled":       smstrack.StatusScheduled,
	"processing":      smstrack.StatusQueued,
	"sent":            smstrack.StatusSent,
	"sending_failed":  smstrack.StatusFailed,
	"delivered":       smstrack.StatusDelivered,
	"delivery_failed": smstrack.StatusUndelivered,
}

// The Channels API events smstrack reads.
const (
	EventOutbound = "sms.outbound"
	EventInbound  = "sms.inbound"
)

// ParseStatusReport reads a legacy MessageBird SMS status report (the query
// or form parameters), received at receivedAt, into an event recorded under
// account. A message may go to several recipients, each reported apart, so
// it is keyed id + ":" + recipient. It refuses, with an EINVALID error
// naming the field, a report without id, recipient or a known status.
func ParseStatusReport(fields url.Values, receivedAt time.Time, account string) (*smstrack.EventInput, error) {
	get := func(name string) string { return strings.TrimSpace(fields.Get(name)) }
	id, recipient := get("id"), get("recipient")
	if err := provider.CheckID("id", "message id", id, validID); err != nil {
		return nil, err
	}
	if err := provider.CheckID("recipient", "recipient", recipient, validID); err != nil {
		return nil, err
	}
	st, err := provider.LookupStatus("status", get("status"), reportStatuses)
	if err != nil {
		return nil, err
	}
	ev := &smstrack.EventInput{
		Key: smstrack.Key{Provider: Provider, Account: account, ProviderID: id + ":" + recipient},
		Event: smstrack.Event{Status: st, Source: smstrack.SourceWebhook, ReceivedAt: receivedAt,
			Payload: formPayload(fields), ProviderTime: provider.FirstTime(get("statusDatetime"))},
	}
	if code := get("statusErrorCode"); code != "" && code != "0" && st != smstrack.StatusDelivered {
		ev.ErrorCode = shorten(code, 16)
	}
	f := &ev.Facts
	f.Direction = smstrack.Outbound
	f.To = msisdn(recipient)
	f.Network = mccmnc(get("mccmnc"))
	if amount, unit := get("price[amount]"), get("price[currency]"); amount != "" && unit != "" {
		f.Price, f.PriceUnit = shorten(amount, 32), shorten(unit, 8)
	}
	ev.ComputeDedupeKey()
	return ev, nil
}

// channelEvent is a Channels API webhook: an event wrapping a message.
type channelEvent struct {
	Service string          `json:"service"`
	Event   string          `json:"event"`
	Payload *channelMessage `json:"payload"`
}

type channelMessage struct {
	ID        string `json:"id"`
	ChannelID string `json:"channelId"`
	Sender    party  `json:"sender"`
	Receiver  party  `json:"receiver"`
	Body      *struct {
		Type string `json:"type"`
		Text *struct {
			Text *string `json:"text"`
		} `json:"text"`
	} `json:"body"`
	Status       string            `json:"status"`
	Reason       string            `json:"reason"`
	Direction    string            `json:"direction"`
	LastStatusAt string            `json:"lastStatusAt"`
	Parts        []json.RawMessage `json:"parts"`
	Failure      *struct {
		Code json.RawMessage `json:"code"`
	} `json:"failure"`
}

// party is a sender or receiver: a connector (our number) or contacts.
type party struct {
	Connector *struct {
		IdentifierValue string `json:"identifierValue"`
	} `json:"connector"`
	Contact  *contact  `json:"contact"`
	Contacts []contact `json:"contacts"`
}

type contact struct {
	IdentifierKey   string `json:"identifierKey"`
	IdentifierValue string `json:"identifierValue"`
}

// ParseChannelEvent reads a Channels API webhook (sms.outbound or
// sms.inbound), received at receivedAt, into events. The account is the
// message's channelId, or account when it has none. An outbound message to
// one contact is keyed by its id, to several by id + ":" + the contact's
// number. Malformed bodies, other events and unknown statuses are refused
// with an EINVALID error naming the field.
func ParseChannelEvent(body []byte, receivedAt time.Time, account string) ([]*smstrack.EventInput, error) {
	var ce channelEvent
	payload, err := provider.DecodeJSON(body, &ce, "Bird event")
	if err != nil {
		return nil, err
	}
	if ce.Event != EventOutbound && ce.Event != EventInbound {
		return nil, smstrack.FieldError("event", "unsupported event %q (smstrack reads %s and %s)", shorten(ce.Event, 40), EventOutbound, EventInbound)
	}
	m := ce.Payload
	if m == nil {
		return nil, smstrack.FieldError("payload", "missing payload object")
	}
	id := strings.TrimSpace(m.ID)
	if err := provider.CheckID("payload.id", "message id", id, validID); err != nil {
		return nil, err
	}
	if c := strings.TrimSpace(m.ChannelID); validID(c) {
		account = c
	}
	st, err := provider.LookupStatus("payload.status", strings.TrimSpace(m.Status), channelStatuses)
	if err != nil {
		return nil, err
	}
	newEvent := func(providerID string) *smstrack.EventInput {
		ev := &smstrack.EventInput{
			Key:   smstrack.Key{Provider: Provider, Account: account, ProviderID: providerID},
			Event: smstrack.Event{Status: st, Source: smstrack.SourceWebhook, ReceivedAt: receivedAt, Payload: payload, ProviderTime: provider.FirstTime(m.LastStatusAt)},
		}
		ev.Facts.Segments = len(m.Parts)
		return ev
	}

	if ce.Event == EventInbound {
		ev := newEvent(id)
		ev.Status = smstrack.StatusReceived
		f := &ev.Facts
		f.Direction = smstrack.Inbound
		f.From = m.Sender.number()
		f.To = m.Receiver.number()
		if m.Body != nil && m.Body.Text != nil && m.Body.Text.Text != nil {
			b := *m.Body.Text.Text
			f.Body = &b
		}
		f.CreatedAt = receivedAt
		ev.ComputeDedupeKey()
		return []*smstrack.EventInput{ev}, nil
	}

	code := ""
	if m.Failure != nil {
		code = shorten(provider.ScalarText(m.Failure.Code), 16)
	}
	contacts := m.Receiver.Contacts
	if m.Receiver.Contact != nil {
		contacts = append(contacts, *m.Receiver.Contact)
	}
	if len(contacts) == 0 {
		contacts = []contact{{}} // to an unnamed receiver: still the message's status
	}
	events := make([]*smstrack.EventInput, 0, len(contacts))
	seen := map[string]bool{}
	for _, c := range contacts {
		number := strings.TrimSpace(c.IdentifierValue)
		ev := newEvent(id)
		if len(contacts) > 1 {
			if !validID(number) {
				return nil, smstrack.FieldError("payload.receiver.contacts.identifierValue", "malformed contact %q", shorten(number, 40))
			}
			ev.ProviderID = id + ":" + number
		}
		if seen[ev.ProviderID] {
			continue
		}
		seen[ev.ProviderID] = true
		if st != smstrack.StatusDelivered {
			ev.ErrorCode = code
		}
		f := &ev.Facts
		f.Direction = smstrack.Outbound
		f.From = m.Sender.number()
		f.To = number
		ev.ComputeDedupeKey()
		events = append(events, ev)
	}
	return events, nil
}

// number is the phone number of a party, when it names one.
func (p party) number() string {
	switch {
	case p.Connector != nil && p.Connector.IdentifierValue != "":
		return strings.TrimSpace(p.Connector.IdentifierValue)
	case p.Contact != nil:
		return strings.TrimSpace(p.Contact.IdentifierValue)
	case len(p.Contacts) > 0:
		return strings.TrimSpace(p.Contacts[0].IdentifierValue)
	}
	return ""
}

// msisdn spells a MessageBird number as smstrack keeps numbers: MessageBird
// writes international numbers without "+", so a long all-digit number gets
// one.
func msisdn(s string) string {
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

// mccmnc splits the recipient network's MCC and MNC, e.g. "20408".
func mccmnc(s string) smstrack.Network {
	if len(s) != 5 && len(s) != 6 {
		return smstrack.Network{}
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return smstrack.Network{}
		}
	}
	return smstrack.Network{MCC: s[:3], MNC: s[3:]}
}

// formPayload is the canonical JSON of every parameter: encoding/json
// sorts the keys, so the same report always gives the same bytes and
// dedupes. Names that are not UTF-8 are spelled with U+FFFD; names that
// then coincide share one key.
func formPayload(fields url.Values) json.RawMessage {
	return webhook.FormJSON(fields)
}
