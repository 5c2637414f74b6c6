package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/smstrack/smstrack"
)

// emitter writes the webhook events of one transaction into the outbox, in
// that transaction: an event exists exactly when what it reports was
// committed, and nothing is lost across restarts. It reads the subscribed
// endpoints once per transaction; with none, it writes nothing.
type emitter struct {
	db        *DB
	tx        *sql.Tx
	loaded    bool
	endpoints []smstrack.Endpoint
}

func (db *DB) emitter(tx *sql.Tx) *emitter { return &emitter{db: db, tx: tx} }

// loadEndpoints queues the reading of the enabled endpoints, which emit
// needs; a batch reads them in the same round trip as its messages.
func (e *emitter) loadEndpoints(ctx context.Context, p *pipeline) {
	e.loaded = true
	p.query(ctx, "store: emit", "SELECT id, event_types FROM webhook_endpoints WHERE enabled = 1", nil, func(row scanner) error {
		var ep smstrack.Endpoint
		var types string
		if err := row.Scan(&ep.ID, &types); err != nil {
			return err
		}
		ep.EventTypes = splitTypes(types)
		e.endpoints = append(e.endpoints, ep)
		return nil
	})
}

// emit queues one event for every enabled endpoint subscribed to its type.
func (e *emitter) emit(ctx context.Context, eventType string, payload any) error {
	if !e.loaded {
		p := &pipeline{tx: e.tx}
		e.loadEndpoints(ctx, p)
		if err := p.flush(ctx); err != nil {
			return err
		}
	}
	var subscribed []int64
	for _, ep := range e.endpoints {
		if ep.Subscribed(eventType) {
			subscribed = append(subscribed, ep.ID)
		}
	}
	if len(subscribed) == 0 {
		return nil
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("store: emit: %w", err)
	}
	now := time.Now().UnixMicro()
	var id int64
	if err := e.tx.QueryRowContext(ctx, e.db.dialect.q(`INSERT INTO webhook_events (type, payload, created_at) VALUES (?, ?, ?) RETURNING id`),
		eventType, cleanText(string(body)), now).Scan(&id); err != nil {
		return fmt.Errorf("store: emit: %w", err)
	}
	for _, ep := range subscribed {
		if _, err := e.tx.ExecContext(ctx, e.db.dialect.q(`INSERT INTO webhook_deliveries (event_id, endpoint_id, next_attempt_at, updated_at)
			VALUES (?, ?, ?, ?)`), id, ep, now, now); err != nil {
			return fmt.Errorf("store: emit: %w", err)
		}
	}
	return nil
}

// relay queues an event for the app's own callback URL (in.RelayTo): one
// outbox event and one delivery without an endpoint. The fields are the
// payload as stored, after the body policy.
func (e *emitter) relay(ctx context.Context, in *smstrack.EventInput) error {
	body, err := json.Marshal(smstrack.Relay{URL: in.RelayTo, Provider: in.Provider, Account: in.Account, Fields: in.Payload})
	if err != nil {
		return fmt.Errorf("store: relay: %w", err)
	}
	now := time.Now().UnixMicro()
	var id int64
	if err := e.tx.QueryRowContext(ctx, e.db.dialect.q(`INSERT INTO webhook_events (type, payload, created_at) VALUES (?, ?, ?) RETURNING id`),
		smstrack.EventRelay, cleanText(string(body)), now).Scan(&id); err != nil {
		return fmt.Errorf("store: relay: %w", err)
	}
	if _, err := e.tx.ExecContext(ctx, e.db.dialect.q(`INSERT INTO webhook_deliveries (event_id, next_attempt_at, updated_at)
		VALUES (?, ?, ?)`), id, now, now); err != nil {
		return fmt.Errorf("store: relay: %w", err)
	}
	return nil
}

// messageEvent is the payload of the message.* webhook events.
type messageEvent struct {
	Message messageSummary `json:"message"`
	Event   eventSummary   `json:"event"`
}

// messageSummary is what a webhook says of a message; the full message is
// one GET /api/v1/messages/{id} away.
type messageSummary struct {
	ID             int64               `json:"id"`
	Provider       string              `json:"provider"`
	Account        string              `json:"account"`
	ProviderID     string              `json:"provider_id"`
	Direction      smstrack.Direction  `json:"direction"`
	From           string              `json:"from"`
	To             string              `json:"to"`
	Status         smstrack.Status     `json:"status"`
	PreviousStatus smstrack.Status     `json:"previous_status"`
	ErrorCode      string              `json:"error_code"`
	Error          *smstrack.ErrorInfo `json:"error"`
	ConversationID int64               `json:"conversation_id"`
	Tags           map[string]string   `json:"tags,omitempty"`
	CreatedAt      time.Time           `json:"created_at"`
}

type eventSummary struct {
	Status       smstrack.Status `json:"status"`
	Source       smstrack.Source `json:"source"`
	ReceivedAt   time.Time       `json:"received_at"`
	ProviderTime *time.Time      `json:"provider_time,omitempty"`
}

func newMessageEvent(m *smstrack.Message, previous smstrack.Status, in *smstrack.EventInput) messageEvent {
	ev := messageEvent{
		Message: messageSummary{ID: m.ID, Provider: m.Provider, Account: m.Account, ProviderID: m.ProviderID,
			Direction: m.Direction, From: m.From, To: m.To, Status: m.Status, PreviousStatus: previous,
			ErrorCode: m.ErrorCode, Error: smstrack.ExplainError(m.Provider, m.ErrorCode),
			ConversationID: m.ConversationID, Tags: m.Tags, CreatedAt: m.CreatedAt},
		Event: eventSummary{Status: in.Status, Source: in.Source, ReceivedAt: in.ReceivedAt},
	}
	if !in.ProviderTime.IsZero() {
		t := in.ProviderTime
		ev.Event.ProviderTime = &t
	}
	return ev
}

// emitMessageEvents queues what a batch changed: a status change, a
// failure, a new inbound message; and the relay of each new event that
// asks for one.
func (e *emitter) emitMessageEvents(ctx context.Context, changes []statusChange) error {
	for _, c := range changes {
		if c.in.RelayTo != "" {
			if err := e.relay(ctx, c.in); err != nil {
				return err
			}
		}
		payload := newMessageEvent(c.m, c.previous, c.in)
		if c.newInbound {
			if err := e.emit(ctx, smstrack.EventMessageReceived, payload); err != nil {
				return err
			}
		}
		if !c.in.Applied || c.previous == c.status {
			continue
		}
		payload.Message.Status = c.status
		if err := e.emit(ctx, smstrack.EventMessageStatusChanged, payload); err != nil {
			return err
		}
		if c.status == smstrack.StatusFailed || c.status == smstrack.StatusUndelivered {
			if err := e.emit(ctx, smstrack.EventMessageFailed, payload); err != nil {
				return err
			}
		}
	}
	return nil
}

// statusChange is what one event of a batch did to its message.
type statusChange struct {
	m          *smstrack.Message
	in         *smstrack.EventInput
	previous   smstrack.Status
	status     smstrack.Status // after this event
	newInbound bool
}
