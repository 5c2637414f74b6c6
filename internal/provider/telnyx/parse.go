package telnyx

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
)

// The event types of Telnyx messaging webhooks.
const (
	EventSent      = "message.sent"
	EventFinalized = "message.finalized"
	EventReceived  = "message.received"
)

// statuses maps the status Telnyx gives each recipient (to[].status) to
// smstrack's. delivery_unconfirmed means the carrier never confirmed either
// way: the message left, and that is all we know, so it stays sent.
// webhook_delivered is the status of an inbound message handed to us.
var statuses = map[string]smstrack.Status{
	"scheduled":            smstrack.StatusScheduled,
	"queued":               smstrack.StatusQueued,
	"sending":              smstrack.StatusSending,
	"sent":                 smstrack.StatusSent,
	"delivered":            smstrack.StatusDelivered,
	"sending_failed":       smstrack.StatusFailed,
	"delivery_failed":      smstrack.StatusUndelivered,
	"delivery_unconfirmed": smstrack.StatusSent,
	"expired":              smstrack.StatusUndelivered,
	"cancelled":            smstrack.StatusCanceled,
	"webhook_delivered":    smstrack.StatusReceived,
}

// lineTypes maps Telnyx's line_type to smstrack's number types.
var lineTypes = map[string]string{
	"wireless":          "mobile",
	"pre-paid wireless": "mobile",
	"wireline":          "fixed_line",
	"voip":              "voip",
	"vowifi":            "voip",
}

// envelope is a Telnyx webhook: an event wrapping a message record.
type envelope struct {
	Data *struct {
		EventType  string   `json:"event_type"`
		ID         string   `json:"id"`
		OccurredAt string   `json:"occurred_at"`
		Payload    *message `json:"payload"`
	} `json:"data"`
}

// message is the part of Telnyx's message record smstrack reads; the whole
// body is kept as the event's payload.
type message struct {
	ID                 string          `json:"id"`
	Direction          string          `json:"direction"`
	MessagingProfileID string          `json:"messaging_profile_id"`
	From               *address        `json:"from"`
	To                 []address       `json:"to"`
	Text               *string         `json:"text"`
	Media              []media         `json:"media"`
	Parts              json.RawMessage `json:"parts"`
	Encoding           string          `json:"encoding"`
	Cost               *struct {
		Amount   json.RawMessage `json:"amount"`
		Currency string          `json:"currency"`
	} `json:"cost"`
	Errors      []messageError `json:"errors"`
	SentAt      string         `json:"sent_at"`
	CompletedAt string         `json:"completed_at"`
	ReceivedAt  string         `json:"received_at"`
}

type address struct {
	PhoneNumber string `json:"phone_number"`
	Status      string `json:"status"`
	Carrier     string `json:"carrier"`
	LineType    string `json:"line_type"`
}

type media struct {
	URL         string          `json:"url"`
	ContentType string          `json:"content_type"`
	Size        json.RawMessage `json:"size"`
}

type messageError struct {
	Code   json.RawMessage `json:"code"`
	Title  string          `json:"title"`
	Detail string          `json:"detail"`
}

// ParseWebhook reads a Telnyx messaging webhook, received at receivedAt,
// into events: one per recipient for message.sent and message.finalized
// (Telnyx reports each recipient's status on its own), one received event
// for message.received. account is recorded when the webhook names no
// messaging profile. Malformed bodies, unknown event types and unknown
// status words are refused with an EINVALID error naming the field.
//
// A message to one recipient is keyed by Telnyx's message id; a message to
// several (group MMS) by id + ":" + the recipient's number, so each
// recipient's delivery is tracked apart.
func ParseWebhook(body []byte, receivedAt time.Time, account string) ([]*smstrack.EventInput, error) {
	var env envelope
	payload, err := provider.DecodeJSON(body, &env, "Telnyx webhook")
	if err != nil {
		return nil, err
	}
	if env.Data == nil {
		return nil, smstrack.FieldError("data", "missing data object")
	}
	if env.Data.Payload == nil {
		return nil, smstrack.FieldError("data.payload", "missing data.payload object")
	}
	m := env.Data.Payload
	id := strings.TrimSpace(m.ID)
	if err := provider.CheckID("data.payload.id", "message id", id, validID); err != nil {
		return nil, err
	}
	if p := strings.TrimSpace(m.MessagingProfileID); validID(p) {
		account = p
	}
	if !validID(account) {
		account = DefaultAccount
	}
	base := func() *smstrack.EventInput {
		return &smstrack.EventInput{
			Key:   smstrack.Key{Provider: Provider, Account: account, ProviderID: id},
			Event: smstrack.Event{Source: smstrack.SourceWebhook, ReceivedAt: receivedAt, Payload: payload},
			Facts: smstrack.Facts{
				Segments: provider.Count(provider.ScalarText(m.Parts)),
				Encoding: strings.TrimSpace(m.Encoding),
				Media:    m.media(),
			},
		}
	}
	price, unit := m.price()

	switch env.Data.EventType {
	case EventReceived:
		ev := base()
		ev.Status = smstrack.StatusReceived
		f := &ev.Facts
		f.Direction = smstrack.Inbound
		f.Price, f.PriceUnit = price, unit
		if m.From != nil {
			f.From = strings.TrimSpace(m.From.PhoneNumber)
			f.Network = network(*m.From)
		}
		if len(m.To) > 0 {
			f.To = strings.TrimSpace(m.To[0].PhoneNumber)
		}
		if m.Text != nil {
			b := *m.Text
			f.Body = &b
		}
		ev.ProviderTime = provider.FirstTime(m.ReceivedAt, env.Data.OccurredAt)
		// An inbound message exists from the moment Telnyx hands it over.
		f.CreatedAt = receivedAt
		ev.ComputeDedupeKey()
		return []*smstrack.EventInput{ev}, nil

	case EventSent, EventFinalized:
		if len(m.To) == 0 {
			return nil, smstrack.FieldError("data.payload.to", "missing recipients")
		}
		when := provider.FirstTime(m.SentAt, env.Data.OccurredAt)
		if env.Data.EventType == EventFinalized {
			when = provider.FirstTime(m.CompletedAt, env.Data.OccurredAt)
		}
		code := m.errorCode()
		events := make([]*smstrack.EventInput, 0, len(m.To))
		seen := make(map[string]bool, len(m.To))
		for _, to := range m.To {
			word := strings.TrimSpace(to.Status)
			if word == "" {
				return nil, smstrack.FieldError("data.payload.to.status", "missing recipient status")
			}
			st, ok := statuses[strings.ToLower(word)]
			if !ok {
				return nil, smstrack.FieldError("data.payload.to.status", "unknown recipient status %q", shorten(word, 40))
			}
			number := strings.TrimSpace(to.PhoneNumber)
			ev := base()
			if len(m.To) > 1 {
				if !validID(number) {
					return nil, smstrack.FieldError("data.payload.to.phone_number", "malformed recipient number %q", shorten(number, 40))
				}
				ev.ProviderID = id + ":" + number
			}
			if seen[ev.ProviderID] {
				continue // a recipient listed twice is one delivery
			}
			seen[ev.ProviderID] = true
			ev.Status = st
			if st != smstrack.StatusDelivered {
				ev.ErrorCode = code
			}
			ev.ProviderTime = when
			f := &ev.Facts
			f.Direction = smstrack.Outbound
			f.To = number
			f.Network = network(to)
			f.Price, f.PriceUnit = price, unit
			if m.From != nil {
				f.From = strings.TrimSpace(m.From.PhoneNumber)
			}
			ev.ComputeDedupeKey()
			events = append(events, ev)
		}
		return events, nil
	case "":
		return nil, smstrack.FieldError("data.event_type", "missing event type")
	}
	return nil, smstrack.FieldError("data.event_type", "unsupported event type %q (smstrack reads %s, %s and %s)",
		shorten(env.Data.EventType, 40), EventSent, EventFinalized, EventReceived)
}

// price returns the cost as Telnyx gave it, with its currency, or nothing
// when either is missing.
func (m *message) price() (amount, unit string) {
	if m.Cost == nil {
		return "", ""
	}
	amount, unit = provider.ScalarText(m.Cost.Amount), strings.TrimSpace(m.Cost.Currency)
	if amount == "" || unit == "" {
		return "", ""
	}
	return shorten(amount, 32), shorten(unit, 8)
}

// errorCode is the code of the first error Telnyx lists, "" when none.
func (m *message) errorCode() string {
	for _, e := range m.Errors {
		if c := provider.ScalarText(e.Code); c != "" {
			return shorten(c, 32)
		}
	}
	return ""
}

func (m *message) media() []smstrack.Media {
	var out []smstrack.Media
	for _, md := range m.Media {
		u := strings.TrimSpace(md.URL)
		if u == "" {
			continue
		}
		size, _ := strconv.ParseInt(provider.ScalarText(md.Size), 10, 64)
		if size < 0 {
			size = 0
		}
		out = append(out, smstrack.Media{URL: u, ContentType: strings.TrimSpace(md.ContentType), Size: size})
	}
	return out
}

// network is what Telnyx says of a party's network.
func network(a address) smstrack.Network {
	return smstrack.Network{
		Carrier:    shorten(strings.TrimSpace(a.Carrier), 80),
		NumberType: lineTypes[strings.ToLower(strings.TrimSpace(a.LineType))],
	}
}
