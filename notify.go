package smstrack

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"time"
)

// The types of outbound webhook events. An endpoint subscribes to some of
// them, or to all when its list is empty.
const (
	EventMessageStatusChanged  = "message.status_changed"
	EventMessageReceived       = "message.received"
	EventMessageFailed         = "message.failed"
	EventActionCreated         = "action.created"
	EventConversationOptedOut  = "conversation.opted_out"
	eventAlertPrefix           = "alert."
	MaxEndpointURLLength       = 2048
	maxEventTypesPerSubscriber = 32
)

// EventTypes lists the event types an endpoint may subscribe to; other
// alert.* types are accepted too, for alerts still to come.
var EventTypes = []string{EventMessageStatusChanged, EventMessageReceived, EventMessageFailed,
	EventActionCreated, EventConversationOptedOut, EventAlertOpened, EventAlertResolved}

// ValidEventType reports whether t names an event type.
func ValidEventType(t string) bool {
	for _, known := range EventTypes {
		if t == known {
			return true
		}
	}
	return strings.HasPrefix(t, eventAlertPrefix) && len(t) > len(eventAlertPrefix)
}

// Endpoint is a receiver of outbound webhooks. Its secret signs every
// delivery; it is shown once, when the endpoint is created.
type Endpoint struct {
	ID             int64     `json:"id"`
	URL            string    `json:"url"`
	Secret         string    `json:"secret,omitempty"`
	EventTypes     []string  `json:"event_types"` // empty: every type
	Enabled        bool      `json:"enabled"`
	DisabledReason string    `json:"disabled_reason,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	// PreviousSecret is the secret a rotation replaced: deliveries are
	// signed with it too until PreviousSecretExpiresAt, so receivers can
	// switch over without missing one. It is never shown.
	PreviousSecret          string     `json:"-"`
	PreviousSecretExpiresAt *time.Time `json:"previous_secret_expires_at,omitempty"`
}

// The grace period of a secret rotation, during which the old secret
// signs beside the new one: by default, and at most.
const (
	DefaultSecretGrace = 24 * time.Hour
	MaxSecretGrace     = 7 * 24 * time.Hour
)

// OutboxCleanup counts what a cleanup of the outbox removed.
type OutboxCleanup struct {
	Deliveries int `json:"deliveries"`
	Attempts   int `json:"attempts"`
	Events     int `json:"events"`
}

// Subscribed reports whether the endpoint wants events of type t. No
// endpoint wants the outbox's internal types (EventRelay).
func (e Endpoint) Subscribed(t string) bool {
	if !ValidEventType(t) {
		return false
	}
	if len(e.EventTypes) == 0 {
		return true
	}
	for _, s := range e.EventTypes {
		if s == t {
			return true
		}
	}
	return false
}

// Validate checks an endpoint before it is stored: an absolute http(s)
// URL and known event types. Where the URL leads is checked when it is
// dialled, so a name that later resolves elsewhere cannot slip through.
func (e Endpoint) Validate() error {
	u, err := url.Parse(e.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return FieldError("url", "url must be an absolute http or https URL")
	}
	if u.User != nil {
		return FieldError("url", "url must not carry credentials")
	}
	if len(e.URL) > MaxEndpointURLLength {
		return FieldError("url", "url is longer than %d characters", MaxEndpointURLLength)
	}
	if len(e.EventTypes) > maxEventTypesPerSubscriber {
		return FieldError("event_types", "at most %d event types", maxEventTypesPerSubscriber)
	}
	for _, t := range e.EventTypes {
		if !ValidEventType(t) {
			return FieldError("event_types", "unknown event type %q: use %s or alert.*", t, strings.Join(EventTypes, ", "))
		}
	}
	if e.Secret == "" {
		return FieldError("secret", "an endpoint needs a signing secret")
	}
	return nil
}

// OutboxEvent is one event to tell the endpoints about, kept until every
// delivery of it is settled.
type OutboxEvent struct {
	ID        int64           `json:"id"`
	Type      string          `json:"type"`
	Payload   json.RawMessage `json:"payload"`
	CreatedAt time.Time       `json:"created_at"`
}

// DeliveryAttempt is one try at delivering an event to an endpoint, as the
// attempt log keeps it.
type DeliveryAttempt struct {
	EventID         int64     `json:"event_id"`
	EndpointID      int64     `json:"endpoint_id"`
	Attempt         int       `json:"attempt"` // 1 for the first try
	At              time.Time `json:"at"`
	Status          int       `json:"status"` // HTTP status; 0 when none came back
	LatencyMs       int64     `json:"latency_ms"`
	ResponseExcerpt string    `json:"response_excerpt,omitempty"`
	Error           string    `json:"error,omitempty"`
}

// Succeeded reports whether the attempt delivered the event: any 2xx answer.
func (a DeliveryAttempt) Succeeded() bool { return a.Error == "" && a.Status >= 200 && a.Status < 300 }

// Delivery is a due delivery claimed by one worker: the event, where it
// goes, and which attempt this is. Lease identifies the claim; a result
// recorded after another worker re-claimed it is ignored.
type Delivery struct {
	ID       int64
	Event    OutboxEvent
	Endpoint Endpoint // with its secrets; zero for a relay (IsRelay)
	Attempt  int      // the attempt about to be made, from 1
	Lease    time.Time
}

// IsRelay reports whether the delivery passes a provider's callback on to
// the app's own URL (its event's payload is a Relay) rather than an event
// to a registered endpoint.
func (d Delivery) IsRelay() bool { return d.Event.Type == EventRelay }

// EventRelay is the outbox type of a relay: a provider's status callback
// passed on to the callback URL the app gave when it sent the message,
// signed as the provider signs its own. It is internal: no endpoint
// subscribes to it and no replay sends it to one.
const EventRelay = "relay.callback"

// Relay is the outbox payload of a relay: where the callback goes, whose
// credentials sign it, and its fields as stored (a JSON object of the form's
// fields, each a string or an array of strings).
type Relay struct {
	URL      string          `json:"url"`
	Provider string          `json:"provider"`
	Account  string          `json:"account"`
	Fields   json.RawMessage `json:"fields"`
}

// The retry schedule of a failing delivery: exponential backoff from
// RetryInitialDelay doubling up to RetryMaxDelay, for MaxDeliveryAttempts
// attempts (about a day), after which the delivery is dead.
const (
	RetryInitialDelay   = 5 * time.Second
	RetryMaxDelay       = time.Hour
	MaxDeliveryAttempts = 32
	// DisableAfterDead consecutive dead deliveries disable an endpoint, as
	// does failing without a success for DisableAfterFailing.
	DisableAfterDead    = 5
	DisableAfterFailing = 24 * time.Hour
)

// RetryDelay is the wait after failed attempt n (from 1) before the next,
// with jitter in [0.8, 1.2) of the nominal delay; jitter is a number in
// [0, 1), so the schedule is testable.
func RetryDelay(n int, jitter float64) time.Duration {
	d := RetryInitialDelay
	for i := 1; i < n && d < RetryMaxDelay; i++ {
		d *= 2
	}
	d = min(d, RetryMaxDelay)
	return time.Duration(float64(d) * (0.8 + 0.4*jitter))
}

// Replay names what to send again to an endpoint: one event, or every
// event created in [From, To).
type Replay struct {
	EventID  int64
	From, To time.Time
}

// OutboxStore keeps webhook endpoints, the outbox of events and the state
// of every delivery; the stores implement it. Claims and results are
// settled in the database, so several instances may deliver side by side.
type OutboxStore interface {
	// CreateEndpoint stores an endpoint (its Secret set by the caller).
	CreateEndpoint(ctx context.Context, e Endpoint) (*Endpoint, error)
	// ListEndpoints returns every endpoint, without secrets.
	ListEndpoints(ctx context.Context) ([]Endpoint, error)
	// GetEndpoint returns an endpoint without its secret, or ENOTFOUND.
	GetEndpoint(ctx context.Context, id int64) (*Endpoint, error)
	// SetEndpointEnabled enables or disables an endpoint; enabling clears
	// its failure record.
	SetEndpointEnabled(ctx context.Context, id int64, enabled bool, reason string) (*Endpoint, error)
	// DeleteEndpoint removes an endpoint and its deliveries, or returns ENOTFOUND.
	DeleteEndpoint(ctx context.Context, id int64) error
	// RotateEndpointSecret gives an endpoint a new secret and returns the
	// endpoint with it; the old one keeps signing beside it until until
	// (not at all when until has passed).
	RotateEndpointSecret(ctx context.Context, id int64, secret string, until time.Time) (*Endpoint, error)
	// CleanOutbox removes settled deliveries (delivered or dead) last
	// updated before before, attempts made before it, and events created
	// before it that no delivery refers to any more.
	CleanOutbox(ctx context.Context, before time.Time) (OutboxCleanup, error)

	// Enqueue records an event and a pending delivery to every enabled
	// endpoint subscribed to its type.
	Enqueue(ctx context.Context, eventType string, payload json.RawMessage) (*OutboxEvent, error)
	// ClaimDue claims up to limit due deliveries for lease; no other
	// claimer gets them until the lease ends or a result is recorded.
	ClaimDue(ctx context.Context, limit int, lease time.Duration) ([]Delivery, error)
	// RecordAttempts logs attempts on claimed deliveries and moves each on:
	// delivered, retried later, or dead.
	RecordAttempts(ctx context.Context, results []AttemptResult) error
	// ListAttempts returns an endpoint's attempt log, newest first.
	ListAttempts(ctx context.Context, endpointID int64, limit int) ([]DeliveryAttempt, error)
	// ReplayDeliveries queues events again for an endpoint and returns how many.
	ReplayDeliveries(ctx context.Context, endpointID int64, r Replay) (int, error)
}

// AttemptResult is the outcome of an attempt on a claimed delivery.
type AttemptResult struct {
	Delivery Delivery
	Attempt  DeliveryAttempt
}
