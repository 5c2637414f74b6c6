package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/smstrack/smstrack"
)

var _ smstrack.OutboxStore = (*DB)(nil)

// The states of a delivery.
const (
	deliveryPending   = "pending"
	deliveryDelivered = "delivered"
	deliveryDead      = "dead"
)

// maxReplayEvents bounds a replay of a time range: a day of traffic, not
// the whole history by mistake.
const maxReplayEvents = 100_000

// CreateEndpoint stores an endpoint, enabled, and returns it with its secret.
func (db *DB) CreateEndpoint(ctx context.Context, e smstrack.Endpoint) (*smstrack.Endpoint, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	e.Enabled, e.DisabledReason = true, ""
	e.CreatedAt = fromMicros(time.Now().UnixMicro())
	if e.EventTypes == nil {
		e.EventTypes = []string{}
	}
	err := db.writer.QueryRowContext(ctx, db.dialect.q(`INSERT INTO webhook_endpoints (url, secret, event_types, enabled, created_at)
		VALUES (?, ?, ?, 1, ?) RETURNING id`),
		e.URL, e.Secret, strings.Join(e.EventTypes, ","), e.CreatedAt.UnixMicro()).Scan(&e.ID)
	if err != nil {
		return nil, fmt.Errorf("store: create endpoint: %w", err)
	}
	if err := db.durable(); err != nil {
		return nil, err
	}
	return &e, nil
}

const endpointColumns = "id, url, event_types, enabled, disabled_reason, created_at, previous_secret_until"

// scanEndpoint reads endpointColumns, and the secret after them when secret is non-nil.
func scanEndpoint(row interface{ Scan(...any) error }, secret *string) (smstrack.Endpoint, error) {
	var (
		e                    smstrack.Endpoint
		types                string
		enabled              int64
		createdAt, prevUntil int64
	)
	dest := []any{&e.ID, &e.URL, &types, &enabled, &e.DisabledReason, &createdAt, &prevUntil}
	if secret != nil {
		dest = append(dest, secret)
	}
	if err := row.Scan(dest...); err != nil {
		return e, err
	}
	e.EventTypes = splitTypes(types)
	e.Enabled, e.CreatedAt = enabled != 0, fromMicros(createdAt)
	if prevUntil > time.Now().UnixMicro() {
		t := fromMicros(prevUntil)
		e.PreviousSecretExpiresAt = &t
	}
	return e, nil
}

func splitTypes(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// ListEndpoints returns every endpoint, oldest first, without secrets.
func (db *DB) ListEndpoints(ctx context.Context) ([]smstrack.Endpoint, error) {
	return queryList(ctx, db, "list endpoints", "SELECT "+endpointColumns+" FROM webhook_endpoints ORDER BY id", nil,
		func(row scanner) (smstrack.Endpoint, error) { return scanEndpoint(row, nil) })
}

// GetEndpoint returns an endpoint without its secret, or ENOTFOUND.
func (db *DB) GetEndpoint(ctx context.Context, id int64) (*smstrack.Endpoint, error) {
	return db.getEndpoint(ctx, db.reader, id)
}

func (db *DB) getEndpoint(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, id int64) (*smstrack.Endpoint, error) {
	e, err := scanEndpoint(q.QueryRowContext(ctx, db.dialect.q("SELECT "+endpointColumns+" FROM webhook_endpoints WHERE id = ?"), id), nil)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, smstrack.Errorf(smstrack.ENOTFOUND, "webhook endpoint %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("store: get endpoint: %w", err)
	}
	return &e, nil
}

// SetEndpointEnabled enables or disables an endpoint. Enabling clears its
// failure record, so it gets a fresh day before it can be disabled again.
func (db *DB) SetEndpointEnabled(ctx context.Context, id int64, enabled bool, reason string) (*smstrack.Endpoint, error) {
	q := `UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ? WHERE id = ?`
	args := []any{cleanText(reason), id}
	if enabled {
		q = `UPDATE webhook_endpoints SET enabled = 1, disabled_reason = '', consecutive_dead = 0, failing_since = 0 WHERE id = ?`
		args = []any{id}
	}
	if err := db.changeEndpoint(ctx, "set endpoint enabled", id, q, args...); err != nil {
		return nil, err
	}
	return db.getEndpoint(ctx, db.writer, id)
}

// DeleteEndpoint removes an endpoint with its deliveries and attempt log.
func (db *DB) DeleteEndpoint(ctx context.Context, id int64) error {
	return db.changeEndpoint(ctx, "delete endpoint", id, "DELETE FROM webhook_endpoints WHERE id = ?", id)
}

// RotateEndpointSecret gives an endpoint a new secret; the old one keeps
// signing beside it until until, if that is still to come. A rotation
// during the grace period of another drops the oldest secret: two at most.
func (db *DB) RotateEndpointSecret(ctx context.Context, id int64, secret string, until time.Time) (*smstrack.Endpoint, error) {
	if secret == "" {
		return nil, smstrack.FieldError("secret", "an endpoint needs a signing secret")
	}
	q := `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = ?, secret = ? WHERE id = ?`
	if !until.After(time.Now()) {
		q = `UPDATE webhook_endpoints SET previous_secret = '', previous_secret_until = ?, secret = ? WHERE id = ?`
		until = time.UnixMicro(0)
	}
	if err := db.changeEndpoint(ctx, "rotate endpoint secret", id, q, until.UnixMicro(), secret, id); err != nil {
		return nil, err
	}
	e, err := db.getEndpoint(ctx, db.writer, id)
	if err != nil {
		return nil, err
	}
	e.Secret = secret
	return e, nil
}

// changeEndpoint runs one statement on endpoint id and makes it durable;
// ENOTFOUND when it changed no row.
func (db *DB) changeEndpoint(ctx context.Context, what string, id int64, q string, args ...any) error {
	res, err := db.writer.ExecContext(ctx, db.dialect.q(q), args...)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return smstrack.Errorf(smstrack.ENOTFOUND, "webhook endpoint %d not found", id)
	}
	return db.durable()
}

// Enqueue records an event and, in the same transaction, a pending
// delivery to every enabled endpoint subscribed to its type.
func (db *DB) Enqueue(ctx context.Context, eventType string, payload json.RawMessage) (*smstrack.OutboxEvent, error) {
	if !smstrack.ValidEventType(eventType) {
		return nil, smstrack.FieldError("type", "unknown event type %q", eventType)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, payload); err != nil {
		return nil, smstrack.FieldError("payload", "payload must be JSON")
	}
	now := time.Now().UnixMicro()
	ev := &smstrack.OutboxEvent{Type: eventType, Payload: json.RawMessage(b.Bytes()), CreatedAt: fromMicros(now)}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, db.dialect.q(`INSERT INTO webhook_events (type, payload, created_at) VALUES (?, ?, ?) RETURNING id`),
			eventType, b.String(), now).Scan(&ev.ID); err != nil {
			return err
		}
		ids, err := db.subscribers(ctx, tx, eventType)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, db.dialect.q(`INSERT INTO webhook_deliveries (event_id, endpoint_id, next_attempt_at, updated_at)
				VALUES (?, ?, ?, ?)`), ev.ID, id, now, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: enqueue event: %w", err)
	}
	if err := db.durable(); err != nil {
		return nil, err
	}
	return ev, nil
}

// subscribers returns the enabled endpoints subscribed to eventType.
func (db *DB) subscribers(ctx context.Context, tx *sql.Tx, eventType string) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id, event_types FROM webhook_endpoints WHERE enabled = 1")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var (
			id    int64
			types string
		)
		if err := rows.Scan(&id, &types); err != nil {
			return nil, err
		}
		if (smstrack.Endpoint{EventTypes: splitTypes(types)}).Subscribed(eventType) {
			ids = append(ids, id)
		}
	}
	return ids, rows.Err()
}

// inTx runs fn in a write transaction.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// ClaimDue claims up to limit due deliveries of enabled endpoints by
// setting their lease. On PostgreSQL the selected rows are locked and rows
// another claimer holds are skipped, so concurrent claimers split the work
// without waiting; a committed lease then keeps the delivery out of every
// other claim. On SQLite the single writer serializes claims.
func (db *DB) ClaimDue(ctx context.Context, limit int, lease time.Duration) ([]smstrack.Delivery, error) {
	if limit <= 0 {
		return nil, nil
	}
	now := time.Now()
	until := now.Add(lease).UnixMicro()
	lock := ""
	if db.dialect.name == "postgres" {
		lock = " FOR UPDATE OF d SKIP LOCKED"
	}
	var out []smstrack.Delivery
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		// A relay has no endpoint (endpoint_id NULL) and is always due.
		rows, err := tx.QueryContext(ctx, db.dialect.q(`SELECT d.id FROM webhook_deliveries d
			LEFT JOIN webhook_endpoints e ON e.id = d.endpoint_id
			WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND d.claimed_until <= ?
				AND (d.endpoint_id IS NULL OR e.enabled = 1)
			ORDER BY d.next_attempt_at LIMIT ?`+lock), now.UnixMicro(), now.UnixMicro(), limit)
		if err != nil {
			return err
		}
		var ids []any
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(ids) == 0 {
			return err
		}
		in := "(?" + strings.Repeat(", ?", len(ids)-1) + ")"
		if _, err := tx.ExecContext(ctx, db.dialect.q("UPDATE webhook_deliveries SET claimed_until = ? WHERE id IN "+in),
			append([]any{until}, ids...)...); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, db.dialect.q(`SELECT d.id, d.attempts, v.id, v.type, v.payload, v.created_at,
			COALESCE(e.id, 0), COALESCE(e.url, ''), COALESCE(e.secret, ''),
			CASE WHEN e.previous_secret_until > ? THEN e.previous_secret ELSE '' END
			FROM webhook_deliveries d
			JOIN webhook_events v ON v.id = d.event_id
			LEFT JOIN webhook_endpoints e ON e.id = d.endpoint_id
			WHERE d.id IN `+in+` ORDER BY d.next_attempt_at, d.id`), append([]any{now.UnixMicro()}, ids...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				d                 smstrack.Delivery
				attempts, created int64
				payload           string
			)
			if err := rows.Scan(&d.ID, &attempts, &d.Event.ID, &d.Event.Type, &payload, &created,
				&d.Endpoint.ID, &d.Endpoint.URL, &d.Endpoint.Secret, &d.Endpoint.PreviousSecret); err != nil {
				return err
			}
			d.Attempt, d.Lease = int(attempts)+1, fromMicros(until)
			d.Event.Payload, d.Event.CreatedAt = json.RawMessage(payload), fromMicros(created)
			d.Endpoint.Enabled = d.Endpoint.ID != 0
			out = append(out, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim deliveries: %w", err)
	}
	return out, nil
}

// maxExcerpt bounds the response kept in the attempt log.
const maxExcerpt = 1024

// RecordAttempts logs each attempt and settles its delivery: delivered on
// success; otherwise retried after RetryDelay, or dead after the last
// attempt. A result whose lease was taken over by another claim is logged
// but moves nothing. Endpoints that keep failing are disabled here.
func (db *DB) RecordAttempts(ctx context.Context, results []smstrack.AttemptResult) error {
	if len(results) == 0 {
		return nil
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for _, r := range results {
			if err := db.recordAttempt(ctx, tx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: record attempts: %w", err)
	}
	return db.durable()
}

func (db *DB) recordAttempt(ctx context.Context, tx *sql.Tx, r smstrack.AttemptResult) error {
	a, d := r.Attempt, r.Delivery
	if a.At.IsZero() {
		a.At = time.Now()
	}
	at := a.At.UnixMicro()
	excerpt := cleanText(truncateUTF8(a.ResponseExcerpt, maxExcerpt))
	errText := cleanText(truncateUTF8(a.Error, maxExcerpt))
	if _, err := tx.ExecContext(ctx, db.dialect.q(`INSERT INTO webhook_attempts
		(event_id, endpoint_id, attempt, at, status, latency_ms, response_excerpt, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
		d.Event.ID, nullID(d.Endpoint.ID), d.Attempt, at, a.Status, a.LatencyMs, excerpt, errText); err != nil {
		return err
	}
	state, next, lastErr := deliveryDelivered, at, ""
	if !a.Succeeded() {
		lastErr = errText
		if lastErr == "" {
			lastErr = fmt.Sprintf("HTTP %d", a.Status)
		}
		if d.Attempt >= smstrack.MaxDeliveryAttempts {
			state = deliveryDead
		} else {
			state, next = deliveryPending, a.At.Add(smstrack.RetryDelay(d.Attempt, rand.Float64())).UnixMicro()
		}
	}
	res, err := tx.ExecContext(ctx, db.dialect.q(`UPDATE webhook_deliveries
		SET state = ?, attempts = ?, next_attempt_at = ?, claimed_until = 0, last_error = ?, updated_at = ?
		WHERE id = ? AND claimed_until = ?`),
		state, d.Attempt, next, lastErr, at, d.ID, d.Lease.UnixMicro())
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 || d.Endpoint.ID == 0 {
		// The lease ran out and another claim owns the delivery now; or it
		// is a relay, which has no endpoint to keep a failure record of.
		return nil
	}
	switch state {
	case deliveryDelivered:
		_, err = tx.ExecContext(ctx, db.dialect.q(`UPDATE webhook_endpoints SET consecutive_dead = 0, failing_since = 0
			WHERE id = ? AND (consecutive_dead <> 0 OR failing_since <> 0)`), d.Endpoint.ID)
		return err
	case deliveryDead:
		_, err = tx.ExecContext(ctx, db.dialect.q(`UPDATE webhook_endpoints SET consecutive_dead = consecutive_dead + 1,
			failing_since = CASE WHEN failing_since = 0 THEN ? ELSE failing_since END WHERE id = ?`), at, d.Endpoint.ID)
	default:
		_, err = tx.ExecContext(ctx, db.dialect.q(`UPDATE webhook_endpoints SET failing_since = ? WHERE id = ? AND failing_since = 0`),
			at, d.Endpoint.ID)
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, db.dialect.q(`UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?
		WHERE id = ? AND enabled = 1 AND consecutive_dead >= ?`),
		fmt.Sprintf("disabled after %d consecutive dead deliveries; last error: %s", smstrack.DisableAfterDead, lastErr),
		d.Endpoint.ID, smstrack.DisableAfterDead); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, db.dialect.q(`UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?
		WHERE id = ? AND enabled = 1 AND failing_since > 0 AND failing_since <= ?`),
		fmt.Sprintf("disabled after failing for over %s without a success; last error: %s", smstrack.DisableAfterFailing, lastErr),
		d.Endpoint.ID, at-smstrack.DisableAfterFailing.Microseconds())
	return err
}

// nullID is an id for a nullable reference: NULL for 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// ListAttempts returns an endpoint's attempt log, newest first, or
// ENOTFOUND for an unknown endpoint.
func (db *DB) ListAttempts(ctx context.Context, endpointID int64, limit int) ([]smstrack.DeliveryAttempt, error) {
	if _, err := db.GetEndpoint(ctx, endpointID); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > smstrack.MaxPageSize {
		limit = smstrack.DefaultPageSize
	}
	return queryList(ctx, db, "list attempts", db.dialect.q(`SELECT event_id, endpoint_id, attempt, at, status, latency_ms, response_excerpt, error
		FROM webhook_attempts WHERE endpoint_id = ? ORDER BY at DESC, id DESC LIMIT ?`), []any{endpointID, limit},
		func(row scanner) (smstrack.DeliveryAttempt, error) {
			var a smstrack.DeliveryAttempt
			var at, status int64
			err := row.Scan(&a.EventID, &a.EndpointID, &a.Attempt, &at, &status, &a.LatencyMs, &a.ResponseExcerpt, &a.Error)
			a.At, a.Status = fromMicros(at), int(status)
			return a, err
		})
}

// ReplayDeliveries queues events again for an endpoint, from a fresh first
// attempt: one event, or every event of [From, To) the endpoint subscribes
// to. It returns how many deliveries it queued.
func (db *DB) ReplayDeliveries(ctx context.Context, endpointID int64, r smstrack.Replay) (int, error) {
	var (
		q    string
		args []any
	)
	switch {
	case r.EventID > 0:
		q, args = "SELECT id, type FROM webhook_events WHERE id = ?", []any{r.EventID}
	case !r.From.IsZero() && !r.To.IsZero() && r.From.Before(r.To):
		q, args = "SELECT id, type FROM webhook_events WHERE created_at >= ? AND created_at < ? ORDER BY id LIMIT ?",
			[]any{r.From.UnixMicro(), r.To.UnixMicro(), maxReplayEvents + 1}
	default:
		return 0, smstrack.Errorf(smstrack.EINVALID, "replay needs an event id, or a time range whose start is before its end")
	}
	n := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var types string
		if err := tx.QueryRowContext(ctx, db.dialect.q("SELECT event_types FROM webhook_endpoints WHERE id = ?"), endpointID).Scan(&types); errors.Is(err, sql.ErrNoRows) {
			return smstrack.Errorf(smstrack.ENOTFOUND, "webhook endpoint %d not found", endpointID)
		} else if err != nil {
			return err
		}
		ep := smstrack.Endpoint{EventTypes: splitTypes(types)}
		rows, err := tx.QueryContext(ctx, db.dialect.q(q), args...)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var (
				id  int64
				typ string
			)
			if err := rows.Scan(&id, &typ); err != nil {
				rows.Close()
				return err
			}
			// One named event is sent whatever the subscription: it was
			// asked for. A relay belongs to no endpoint.
			if (r.EventID > 0 && smstrack.ValidEventType(typ)) || ep.Subscribed(typ) {
				ids = append(ids, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if r.EventID > 0 && len(ids) == 0 {
			return smstrack.Errorf(smstrack.ENOTFOUND, "event %d not found", r.EventID)
		}
		if len(ids) > maxReplayEvents {
			return smstrack.Errorf(smstrack.EINVALID, "the range holds more than %d events: replay a shorter one", maxReplayEvents)
		}
		now := time.Now().UnixMicro()
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, db.dialect.q(`INSERT INTO webhook_deliveries (event_id, endpoint_id, next_attempt_at, updated_at)
				VALUES (?, ?, ?, ?)
				ON CONFLICT (event_id, endpoint_id) DO UPDATE SET state = 'pending', attempts = 0,
					next_attempt_at = excluded.next_attempt_at, last_error = '', updated_at = excluded.updated_at`),
				id, endpointID, now, now); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	if err != nil && smstrack.ErrorCode(err) != smstrack.EINTERNAL {
		return 0, err
	} else if err != nil {
		return 0, fmt.Errorf("store: replay: %w", err)
	}
	return n, db.durable()
}
