package smstrack

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// ActionType is what a recipient did with a message.
type ActionType string

// The action types. Every type but unconfirmed proves the message reached a
// person: a conversion.
const (
	ActionConfirmed   ActionType = "confirmed"   // e.g. the passcode was entered
	ActionUnconfirmed ActionType = "unconfirmed" // the app says it was not (Twilio Feedback)
	ActionClicked     ActionType = "clicked"     // a tracked link was opened by a person
	ActionReplied     ActionType = "replied"
	ActionCalled      ActionType = "called"
	ActionCustom      ActionType = "custom"
)

// ParseActionType validates an action type.
func ParseActionType(s string) (ActionType, error) {
	switch t := ActionType(s); t {
	case ActionConfirmed, ActionUnconfirmed, ActionClicked, ActionReplied, ActionCalled, ActionCustom:
		return t, nil
	}
	return "", FieldError("type", "unknown action type %q: use confirmed, unconfirmed, clicked, replied, called or custom", s)
}

// Converts reports whether the action proves the message reached a person.
func (t ActionType) Converts() bool { return t != ActionUnconfirmed && t != "" }

// Action is something a recipient did with a message, the proof that a
// "delivered" receipt alone cannot give.
type Action struct {
	ID        int64           `json:"id"`
	MessageID int64           `json:"message_id"`
	Type      ActionType      `json:"type"`
	At        time.Time       `json:"at"`             // when it happened
	Data      json.RawMessage `json:"data,omitempty"` // free details from the app or the source
	Source    string          `json:"source"`         // api, twilio_feedback, link, reply
	CreatedAt time.Time       `json:"created_at"`     // when we recorded it
}

// Validate checks an action before it is stored.
func (a Action) Validate() error {
	if a.MessageID <= 0 {
		return FieldError("message_id", "an action needs a message")
	}
	if _, err := ParseActionType(string(a.Type)); err != nil {
		return err
	}
	if a.At.IsZero() {
		return FieldError("at", "an action needs a time")
	}
	if len(a.Data) > 0 && !json.Valid(a.Data) {
		return FieldError("data", "data must be JSON")
	}
	if a.Source == "" {
		return fmt.Errorf("action without source")
	}
	return nil
}

// ActionStore keeps actions; the stores implement it.
type ActionStore interface {
	// RecordAction stores an action and returns it with its id.
	RecordAction(ctx context.Context, a Action) (*Action, error)
	// ListActions returns a message's actions, oldest first.
	ListActions(ctx context.Context, messageID int64) ([]Action, error)
}
