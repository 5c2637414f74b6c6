package smstrack

import (
	"context"
	"time"
)

// Conversation is every message between two numbers of one account: our
// number (the sender of outbound messages) and theirs, both in E.164 form.
type Conversation struct {
	ID            int64      `json:"id"`
	Provider      string     `json:"provider"`
	Account       string     `json:"account"`
	OurNumber     string     `json:"our_number"`
	TheirNumber   string     `json:"their_number"`
	CreatedAt     time.Time  `json:"created_at"`
	LastMessageAt time.Time  `json:"last_activity_at"`
	Outbound      int        `json:"outbound_count"`
	Inbound       int        `json:"inbound_count"`
	OptedOut      bool       `json:"opted_out"`
	OptedOutAt    *time.Time `json:"opted_out_at"`
	OptOutReason  string     `json:"opt_out_reason"` // the keyword, or the provider error that told us
}

// Pair returns the conversation a message belongs to: (our number, their
// number), by its direction. ok is false while a number is unknown.
func (m *Message) Pair() (our, their string, ok bool) {
	our, their = m.From, m.To
	if m.Direction == Inbound {
		our, their = m.To, m.From
	}
	return our, their, our != "" && their != "" && m.Direction != ""
}

// OptOutErrors are provider error codes that mean the recipient has opted
// out: sending to them again is refused by the carrier.
var OptOutErrors = map[string]bool{"21610": true}

// ConversationFilter selects conversations. Zero fields match all.
type ConversationFilter struct {
	Provider    string
	Account     string
	OurNumber   string
	TheirNumber string
	OptedOut    *bool
	Limit       int
	Cursor      string
}

// ConversationStore keeps conversations; the stores implement it.
type ConversationStore interface {
	// ListConversations returns conversations, most recently active first,
	// and the cursor of the next page.
	ListConversations(ctx context.Context, f ConversationFilter) ([]Conversation, string, error)
	// GetConversation returns one conversation, or ENOTFOUND.
	GetConversation(ctx context.Context, id int64) (*Conversation, error)
	// ConversationMessages returns up to limit of its newest messages, in
	// the order they were created.
	ConversationMessages(ctx context.Context, id int64, limit int) ([]*Message, error)
}
