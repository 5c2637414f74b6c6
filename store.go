package smstrack

import (
	"context"
	"time"
)

// Store keeps messages, their events and the tracker's own records. The
// SQLite and PostgreSQL implementations behave identically; every rule that
// correctness depends on is enforced inside the database transaction, never
// in process memory, so several instances may share one PostgreSQL database.
type Store interface {
	// ApplyEvents commits a batch of events in one transaction: each one is
	// deduplicated, attached to its message (created from the event's facts
	// when unknown, merged when known) and applied by the rules of Apply.
	// Results come back in input order. When it returns nil every event is
	// durable.
	ApplyEvents(ctx context.Context, events []*EventInput) ([]EventResult, error)

	// GetMessage returns a message with its full timeline, or ENOTFOUND.
	GetMessage(ctx context.Context, id int64) (*Message, error)
	// FindMessage returns the message with the given key (no timeline), or ENOTFOUND.
	FindMessage(ctx context.Context, key Key) (*Message, error)
	// ListMessages returns the messages matching f, newest first, and the
	// cursor of the next page ("" at the end).
	ListMessages(ctx context.Context, f MessageFilter) ([]*Message, string, error)

	ContentReader
	MediaArchiveStore
	ActionStore
	ConversionReader
	ConversationStore
	OutboxStore
	AlertStore

	// ApplyRetention removes the bodies of messages created before the
	// time (from messages and event payloads), or with deleteMessages the
	// messages themselves, and returns how many messages it changed.
	ApplyRetention(ctx context.Context, before time.Time, deleteMessages bool) (int, error)

	// RecordRejected keeps a refused request, dropping the oldest beyond the bound.
	RecordRejected(ctx context.Context, r RejectedRequest) error
	// ListRejected returns the newest refused requests first.
	ListRejected(ctx context.Context, limit int) ([]RejectedRequest, error)

	// CreateAPIKey stores a new key by the hash of its secret.
	CreateAPIKey(ctx context.Context, name, prefix string, hash []byte) (*APIKey, error)
	// ListAPIKeys returns every key, revoked ones included.
	ListAPIKeys(ctx context.Context) ([]APIKey, error)
	// RevokeAPIKey revokes a key by id or name, or returns ENOTFOUND.
	RevokeAPIKey(ctx context.Context, idOrName string) error
	// AuthenticateAPIKey returns the live key with this hash, or EUNAUTHORIZED.
	AuthenticateAPIKey(ctx context.Context, hash []byte) (*APIKey, error)

	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// MessageFilter selects messages for ListMessages. Zero fields match all.
type MessageFilter struct {
	Status        Status
	Direction     Direction
	From          string
	To            string
	Provider      string
	ProviderID    string
	ErrorCode     string
	Encoding      string
	Country       string
	Carrier       string
	Tags          map[string]string // every key=value must match
	CreatedAfter  time.Time
	CreatedBefore time.Time
	Query         string // text contained in the body
	// ScanLimit bounds a text search: each page reads at most this many
	// of the newest messages matching the rest of the filter, so a word
	// found nowhere costs what a common one does. A page the bound ends
	// early has a cursor that continues from the last message read. 0
	// reads until the page is full.
	ScanLimit int
	Limit     int
	Cursor    string
}

// Limits of a message list page.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// Ingester commits provider events. Ingest returns only once the event is
// durable, so a webhook may acknowledge it; concurrent calls share commits.
type Ingester interface {
	Ingest(ctx context.Context, ev *EventInput) (EventResult, error)
}

// RejectedRecorder keeps refused requests; Store implements it.
type RejectedRecorder interface {
	RecordRejected(ctx context.Context, r RejectedRequest) error
}

// ContentStats summarises what a set of messages says.
type ContentStats struct {
	Messages      int
	Segments      int
	Encodings     map[string]int // GSM-7, UCS-2
	Sentiment     map[string]int // positive, neutral, negative
	Scored        int            // messages with a sentiment score
	MeanSentiment float64
	Keywords      map[string]int // opt_out, opt_in, help
}

// ContentReader answers questions about what messages say; Store implements it.
type ContentReader interface {
	// ContentStats aggregates the messages matching f.
	ContentStats(ctx context.Context, f MessageFilter) (*ContentStats, error)
	// MessageBodies returns up to limit known bodies of messages matching f, newest first.
	MessageBodies(ctx context.Context, f MessageFilter, limit int) ([]string, error)
}
