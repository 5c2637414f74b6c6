package smstrack

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
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
	// ConversationActions returns the actions on a conversation's messages, oldest first.
	ConversationActions(ctx context.Context, conversationID int64) ([]Action, error)
}

// ActionSourceAPI and ActionSourceTwilioFeedback name where an action came from.
const (
	ActionSourceAPI            = "api"
	ActionSourceTwilioFeedback = "twilio_feedback"
)

// ConversionReader answers how many sent messages led to an action; the
// stores implement it.
type ConversionReader interface {
	// ConversionStats counts the outbound messages matching f, grouped by
	// the dimensions of groupBy (none: one group of totals).
	ConversionStats(ctx context.Context, f MessageFilter, groupBy []ConversionDimension) ([]ConversionGroup, error)
}

// ConversionDimension is what conversion figures may be grouped by:
// provider, from, country, carrier, status or tag:<key>.
type ConversionDimension string

// MaxConversionDimensions bounds group_by, so a query stays one grouped scan.
const MaxConversionDimensions = 4

// ParseConversionDimensions reads a comma-separated group_by list.
func ParseConversionDimensions(s string) ([]ConversionDimension, error) {
	var out []ConversionDimension
	seen := map[ConversionDimension]bool{}
	for _, part := range strings.Split(s, ",") {
		d := ConversionDimension(strings.TrimSpace(part))
		switch {
		case d == "":
			continue
		case d == "provider" || d == "from" || d == "country" || d == "carrier" || d == "status":
		case strings.HasPrefix(string(d), "tag:") && len(d) > len("tag:"):
		default:
			return nil, FieldError("group_by", "unknown group %q: use provider, from, country, carrier, status or tag:<key>", d)
		}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	if len(out) > MaxConversionDimensions {
		return nil, FieldError("group_by", "group by at most %d dimensions", MaxConversionDimensions)
	}
	return out, nil
}

// TagKey returns the tag key of a tag:<key> dimension, and "" for the others.
func (d ConversionDimension) TagKey() string {
	k, _ := strings.CutPrefix(string(d), "tag:")
	if k == string(d) {
		return ""
	}
	return k
}

// ConversionGroup holds the conversion figures of one group of outbound
// messages. A message converts when any of its actions Converts; its time
// to convert runs from its creation to the first such action.
type ConversionGroup struct {
	Key                   map[string]string // dimension -> value; empty for the totals
	Sent                  int               // outbound messages
	Delivered             int               // of which delivered (or read)
	Converted             int               // of which converted
	DeliveredNotConverted int               // delivered, yet no converting action
	// TimeToConvertP50 and TimeToConvertP90 are percentiles of the time to
	// convert, nil when nothing converted.
	TimeToConvertP50 *time.Duration
	TimeToConvertP90 *time.Duration
	// TimesSampled is how many conversions the percentiles are computed
	// over; below Converted when the sample bound cut them.
	TimesSampled int
}

// ConversionRate is Converted over Sent, 0 for an empty group.
func (g ConversionGroup) ConversionRate() float64 {
	if g.Sent == 0 {
		return 0
	}
	return float64(g.Converted) / float64(g.Sent)
}

// FirstConversion returns the earliest action that Converts, if any.
func FirstConversion(actions []Action) (Action, bool) {
	var first Action
	found := false
	for _, a := range actions {
		if a.Type.Converts() && (!found || a.At.Before(first.At)) {
			first, found = a, true
		}
	}
	return first, found
}
