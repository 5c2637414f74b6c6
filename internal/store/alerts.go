package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
)

var _ smstrack.AlertStore = (*DB)(nil)

const alertColumns = "id, dimension, dim_key, metric, state, summary, evidence, latest, opened_at, resolved_at, updated_at"

// alertEvent is the payload of the alert.* webhook events: the alert as
// GET /api/v1/alerts/{id} shows it.
type alertEvent struct {
	Alert *smstrack.Alert `json:"alert"`
}

// OpenAlert stores an open alert and its alert.opened event in one
// transaction, so the event exists exactly when the alert does.
func (db *DB) OpenAlert(ctx context.Context, a smstrack.Alert) (*smstrack.Alert, error) {
	now := fromMicros(time.Now().UnixMicro())
	a.State, a.ResolvedAt, a.UpdatedAt = smstrack.AlertOpen, nil, now
	a.OpenedAt = fromMicros(a.OpenedAt.UnixMicro())
	if a.OpenedAt.IsZero() {
		a.OpenedAt = now
	}
	if a.Key == nil {
		a.Key = map[string]string{}
	}
	evidence, latest, err := encodeEvidence(a.Evidence, a.Latest)
	if err != nil {
		return nil, fmt.Errorf("store: open alert: %w", err)
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, db.dialect.q(`INSERT INTO alerts (dimension, dim_key, metric, state, summary, evidence, latest, opened_at, updated_at)
			VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?) RETURNING id`),
			string(a.Dimension), cleanText(a.KeyString()), string(a.Metric), cleanText(a.Summary), evidence, latest,
			a.OpenedAt.UnixMicro(), a.UpdatedAt.UnixMicro()).Scan(&a.ID); err != nil {
			return err
		}
		return db.emitter(tx).emit(ctx, smstrack.EventAlertOpened, alertEvent{Alert: &a})
	})
	if isUniqueViolation(err) {
		return nil, smstrack.Errorf(smstrack.ECONFLICT, "an alert on %s %s %s is already open", a.Dimension, a.KeyString(), a.Metric)
	} else if err != nil {
		return nil, fmt.Errorf("store: open alert: %w", err)
	}
	if err := db.durable(); err != nil {
		return nil, err
	}
	return &a, nil
}

// UpdateAlert records the latest evaluation of an open alert; a resolved
// alert keeps the evidence of its recovery.
func (db *DB) UpdateAlert(ctx context.Context, id int64, latest smstrack.AlertEvidence) error {
	b, err := json.Marshal(latest)
	if err != nil {
		return fmt.Errorf("store: update alert: %w", err)
	}
	if _, err := db.writer.ExecContext(ctx, db.dialect.q(`UPDATE alerts SET latest = ?, updated_at = ? WHERE id = ? AND state = 'open'`),
		string(b), time.Now().UnixMicro(), id); err != nil {
		return fmt.Errorf("store: update alert: %w", err)
	}
	return db.durable()
}

// ResolveAlert closes an open alert and queues its alert.resolved event in
// the same transaction. An alert already resolved is returned unchanged,
// without a second event.
func (db *DB) ResolveAlert(ctx context.Context, id int64, at time.Time, latest smstrack.AlertEvidence) (*smstrack.Alert, error) {
	b, err := json.Marshal(latest)
	if err != nil {
		return nil, fmt.Errorf("store: resolve alert: %w", err)
	}
	var out *smstrack.Alert
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.dialect.q(`UPDATE alerts SET state = 'resolved', latest = ?, resolved_at = ?, updated_at = ?
			WHERE id = ? AND state = 'open'`), string(b), at.UnixMicro(), time.Now().UnixMicro(), id)
		if err != nil {
			return err
		}
		changed, _ := res.RowsAffected()
		if out, err = db.getAlert(ctx, tx, id); err != nil || changed == 0 {
			return err
		}
		return db.emitter(tx).emit(ctx, smstrack.EventAlertResolved, alertEvent{Alert: out})
	})
	if err != nil {
		if smstrack.ErrorCode(err) == smstrack.ENOTFOUND {
			return nil, err
		}
		return nil, fmt.Errorf("store: resolve alert: %w", err)
	}
	if err := db.durable(); err != nil {
		return nil, err
	}
	return out, nil
}

// GetAlert returns one alert, or ENOTFOUND.
func (db *DB) GetAlert(ctx context.Context, id int64) (*smstrack.Alert, error) {
	a, err := db.getAlert(ctx, db.reader, id)
	if err != nil && smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
		return nil, fmt.Errorf("store: get alert: %w", err)
	}
	return a, err
}

func (db *DB) getAlert(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, id int64) (*smstrack.Alert, error) {
	a, err := scanAlert(q.QueryRowContext(ctx, db.dialect.q("SELECT "+alertColumns+" FROM alerts WHERE id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, smstrack.Errorf(smstrack.ENOTFOUND, "alert %d not found", id)
	}
	return a, err
}

// ListAlerts returns the alerts matching f, newest first; the cursor is
// the id the next page starts below.
func (db *DB) ListAlerts(ctx context.Context, f smstrack.AlertFilter) ([]smstrack.Alert, string, error) {
	if f.Limit <= 0 || f.Limit > smstrack.MaxPageSize {
		f.Limit = smstrack.DefaultPageSize
	}
	var where []string
	var args []any
	if f.Cursor != "" {
		before, err := strconv.ParseInt(f.Cursor, 10, 64)
		if err != nil || before <= 0 {
			return nil, "", smstrack.FieldError("cursor", "invalid cursor")
		}
		where, args = append(where, "id < ?"), append(args, before)
	}
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, string(f.State))
	}
	if f.Dimension != "" {
		where, args = append(where, "dimension = ?"), append(args, string(f.Dimension))
	}
	if f.Metric != "" {
		where, args = append(where, "metric = ?"), append(args, string(f.Metric))
	}
	if !f.Since.IsZero() {
		where, args = append(where, "(state = 'open' OR resolved_at >= ?)"), append(args, f.Since.UnixMicro())
	}
	q := "SELECT " + alertColumns + " FROM alerts"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit+1)
	rows, err := db.reader.QueryContext(ctx, db.dialect.q(q), args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: list alerts: %w", err)
	}
	defer rows.Close()
	out := []smstrack.Alert{}
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, "", fmt.Errorf("store: list alerts: %w", err)
		}
		out = append(out, *a)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("store: list alerts: %w", err)
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = strconv.FormatInt(out[len(out)-1].ID, 10)
	}
	return out, next, nil
}

// ClaimLease takes the named lease when it is free or expired, or renews
// it for its holder, in one statement: of two instances claiming at once,
// exactly one gets it.
func (db *DB) ClaimLease(ctx context.Context, name, holder string, until time.Time) (bool, error) {
	res, err := db.writer.ExecContext(ctx, db.dialect.q(`INSERT INTO job_leases (name, holder, until) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
		WHERE job_leases.holder = excluded.holder OR job_leases.until < ?`),
		name, holder, until.UnixMicro(), time.Now().UnixMicro())
	if err != nil {
		return false, fmt.Errorf("store: claim lease: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: claim lease: %w", err)
	}
	return n == 1, nil
}

func encodeEvidence(evidence, latest smstrack.AlertEvidence) (string, string, error) {
	e, err := json.Marshal(evidence)
	if err != nil {
		return "", "", err
	}
	l, err := json.Marshal(latest)
	return string(e), string(l), err
}

func scanAlert(row interface{ Scan(...any) error }) (*smstrack.Alert, error) {
	var (
		a                               smstrack.Alert
		dimension, key, metric, state   string
		evidence, latest                string
		openedAt, resolvedAt, updatedAt int64
	)
	if err := row.Scan(&a.ID, &dimension, &key, &metric, &state, &a.Summary, &evidence, &latest, &openedAt, &resolvedAt, &updatedAt); err != nil {
		return nil, err
	}
	a.Dimension, a.Metric, a.State = smstrack.AlertDimension(dimension), smstrack.AlertMetric(metric), smstrack.AlertState(state)
	if err := json.Unmarshal([]byte(key), &a.Key); err != nil {
		return nil, fmt.Errorf("alert %d key: %w", a.ID, err)
	}
	if err := json.Unmarshal([]byte(evidence), &a.Evidence); err != nil {
		return nil, fmt.Errorf("alert %d evidence: %w", a.ID, err)
	}
	if err := json.Unmarshal([]byte(latest), &a.Latest); err != nil {
		return nil, fmt.Errorf("alert %d evidence: %w", a.ID, err)
	}
	a.OpenedAt, a.UpdatedAt = fromMicros(openedAt), fromMicros(updatedAt)
	if resolvedAt != 0 {
		t := fromMicros(resolvedAt)
		a.ResolvedAt = &t
	}
	return &a, nil
}
