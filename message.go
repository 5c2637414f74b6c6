package smstrack

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Message is one text or picture message, in either direction, as far as we
// know it from the app's report and the provider's callbacks.
type Message struct {
	ID         int64
	Provider   string // e.g. "twilio"
	Account    string // the provider account, e.g. a Twilio AccountSid
	ProviderID string // the provider's message id, e.g. a MessageSid
	ServiceID  string // e.g. a Twilio MessagingServiceSid
	Direction  Direction
	From       string
	To         string
	Body       *string // nil while no one has told us the body
	Media      []Media
	Status     Status
	ErrorCode  string
	Segments   int
	Encoding   string
	Price      string // decimal text as the provider gave it, e.g. "-0.0079"
	PriceUnit  string
	Country    string // ISO 3166 alpha-2 of the other party's number
	Network    Network
	Tags       map[string]string
	Content    Content // what the body says and how it was kept
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Reported   bool // the app itself reported this message (POST /api/v1/messages)

	ConversationID    int64 // 0 while a number is unknown
	ReplyTo           int64 // inbound: the outbound message it answers
	ResponseTime      *time.Duration
	RecipientOptedOut bool    // outbound: sent to a pair that had opted out
	State             State   // how the status was decided; Status and ErrorCode mirror it
	Events            []Event // the timeline, oldest first; filled only by GetMessage
}

// Content is what the analysis of a body found, computed from the body as
// sent, before any compliance policy changed what is stored.
type Content struct {
	Characters     int
	NonGSM         []string // distinct characters that forced UCS-2, in order of appearance
	Sentiment      *float64 // compound score in [-1, 1]; nil when not analysed
	SentimentLabel string   // positive, neutral or negative
	Keyword        string   // opt_out, opt_in or help when the whole body is such a keyword
	BodyHash       string   // SHA-256 of the body, kept under the "hash" policy
	BodyPolicy     string   // "", "hash", "redact" or "removed" (by retention)
}

// Media is one attachment of a picture message.
type Media struct {
	URL         string `json:"url"`
	ContentType string `json:"content_type,omitempty"`
	Size        int64  `json:"size,omitempty"`
}

// Event is one thing a provider or the app told us about a message: a status
// callback, a delivery receipt, an inbound message or a report of a send.
type Event struct {
	ID           int64
	MessageID    int64
	Status       Status
	ErrorCode    string
	Source       Source
	ReceivedAt   time.Time       // when we received it
	ProviderTime time.Time       // the provider's or carrier's own time, zero when absent
	Payload      json.RawMessage // every field as received, known or not
	DedupeKey    string
	Applied      bool    // whether it changed the message's status
	Part         PartRef // set when the provider reports one part of a multipart message
}

// PartRef names one part of a multipart message in a per-part receipt.
type PartRef struct {
	ID    string `json:"id"`              // the provider's id of the part
	Index int    `json:"index,omitempty"` // 1-based, when the provider says
	Count int    `json:"count,omitempty"` // how many parts the message has, when known
}

// Key identifies a message across providers: the provider, the account and
// the provider's message id.
type Key struct {
	Provider   string
	Account    string
	ProviderID string
}

// Facts are what an event tells about its message besides the status. A
// callback for a message we have never seen creates the message from them.
type Facts struct {
	ServiceID string
	Direction Direction
	From      string
	To        string
	Body      *string // nil: unknown; an empty string is a known empty body
	Media     []Media
	Segments  int
	Encoding  string
	Price     string
	PriceUnit string
	Country   string
	Network   Network
	Tags      map[string]string
	CreatedAt time.Time
	Content   Content // describes Body; taken together with it
}

// Network is what is known of the other party's network: from the provider
// (MCC/MNC, carrier name, line type) or from the number itself.
type Network struct {
	MCC        string `json:"mcc"`
	MNC        string `json:"mnc"`
	Carrier    string `json:"carrier"`
	NumberType string `json:"number_type"` // mobile, fixed_line, voip, toll_free, ...
}

// EventInput is an event on its way to the store, with the key of its message
// and what it tells about that message.
type EventInput struct {
	Key
	Event
	Facts Facts
	// RelayTo is the app's own callback URL for this event, when the
	// message was sent through smstrack with one: once the event is stored
	// as new, it is queued in the outbox, in the same transaction, to be
	// passed on there (see Relay).
	RelayTo string
}

// ComputeDedupeKey sets the event's dedupe key from everything that makes two
// deliveries the same callback: message key, status, error code and payload.
// Payloads must be canonical (encoding/json sorts map keys) for this to hold.
func (in *EventInput) ComputeDedupeKey() {
	h := sha256.New()
	for _, s := range []string{in.Provider, in.Account, in.ProviderID, string(in.Status), in.ErrorCode, string(in.Source)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	h.Write(in.Payload)
	var sum [sha256.Size]byte
	in.DedupeKey = hex.EncodeToString(h.Sum(sum[:0])[:16])
}

// EventResult tells what became of one event handed to the store.
type EventResult struct {
	MessageID      int64
	ConversationID int64 // 0 while the message's numbers are unknown
	EventID        int64 // 0 for a duplicate
	Duplicate      bool  // the same callback had been stored before
	Applied        bool  // it changed the message's status
	Status         Status
}

// RejectedRequest is a request we refused as malformed, kept so an operator
// can see what a provider sent.
type RejectedRequest struct {
	ID          int64     `json:"id"`
	ReceivedAt  time.Time `json:"received_at"`
	Method      string    `json:"method"`
	Path        string    `json:"path"`
	ContentType string    `json:"content_type"`
	Reason      string    `json:"reason"`
	Field       string    `json:"field,omitempty"`
	Body        string    `json:"body"` // truncated
	RemoteAddr  string    `json:"remote_addr"`
}

// APIKey is a key for the JSON API. Only a hash of the secret is stored.
type APIKey struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"` // the first characters, to recognise a key
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}
