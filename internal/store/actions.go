package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"

	"github.com/smstrack/smstrack"
)

var (
	_ smstrack.ActionStore      = (*DB)(nil)
	_ smstrack.ConversionReader = (*DB)(nil)
)

// RecordAction stores an action on an existing message, or returns ENOTFOUND.
func (db *DB) RecordAction(ctx context.Context, a smstrack.Action) (*smstrack.Action, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	var recorded *smstrack.Action
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		recorded, err = db.insertAction(ctx, tx, a)
		return err
	})
	if isForeignKeyViolation(err) {
		return nil, smstrack.Errorf(smstrack.ENOTFOUND, "message %d not found", a.MessageID)
	} else if err != nil {
		return nil, fmt.Errorf("store: record action: %w", err)
	}
	if err := db.durable(); err != nil {
		return nil, err
	}
	return recorded, nil
}

// insertAction writes a validated action in tx, and its action.created
// webhook event with it, and returns the action as stored.
func (db *DB) insertAction(ctx context.Context, tx *sql.Tx, a smstrack.Action) (*smstrack.Action, error) {
	if len(a.Data) > 0 {
		var b bytes.Buffer
		if err := json.Compact(&b, a.Data); err != nil {
			return nil, smstrack.FieldError("data", "data must be JSON")
		}
		a.Data = json.RawMessage(b.String())
	} else {
		a.Data = nil
	}
	a.At, a.CreatedAt = fromMicros(a.At.UnixMicro()), fromMicros(time.Now().UnixMicro())
	a.Source = cleanText(a.Source)
	if err := tx.QueryRowContext(ctx, db.dialect.q(`INSERT INTO actions (message_id, type, at, data, source, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
		a.MessageID, string(a.Type), a.At.UnixMicro(), string(a.Data), a.Source, a.CreatedAt.UnixMicro()).Scan(&a.ID); err != nil {
		return nil, err
	}
	if err := db.emitter(tx).emit(ctx, smstrack.EventActionCreated, map[string]any{"action": a}); err != nil {
		return nil, err
	}
	if err := db.queueRollup(ctx, tx, []int64{a.MessageID}); err != nil {
		return nil, err
	}
	return &a, nil
}

// isForeignKeyViolation reports an insert that named a missing message.
func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23503"
	}
	var liteErr sqlite3.Error
	if errors.As(err, &liteErr) {
		return liteErr.ExtendedCode == sqlite3.ErrConstraintForeignKey
	}
	return false
}

// ListActions returns a message's actions, oldest first, or ENOTFOUND when
// the message does not exist.
func (db *DB) ListActions(ctx context.Context, messageID int64) ([]smstrack.Action, error) {
	out, err := db.queryActions(ctx, `SELECT id, message_id, type, at, data, source, created_at
		FROM actions WHERE message_id = ? ORDER BY at, id`, messageID)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		var one int
		err := db.reader.QueryRowContext(ctx, db.dialect.q("SELECT 1 FROM messages WHERE id = ?"), messageID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, smstrack.Errorf(smstrack.ENOTFOUND, "message %d not found", messageID)
		} else if err != nil {
			return nil, fmt.Errorf("store: list actions: %w", err)
		}
	}
	return out, nil
}

// ConversationActions returns the actions on every message of a
// conversation, oldest first, in one query (conversation_id <> 0 lets it
// use the partial index, as in ConversationMessages).
func (db *DB) ConversationActions(ctx context.Context, conversationID int64) ([]smstrack.Action, error) {
	return db.queryActions(ctx, `SELECT a.id, a.message_id, a.type, a.at, a.data, a.source, a.created_at
		FROM actions a JOIN messages m ON m.id = a.message_id
		WHERE m.conversation_id = ? AND m.conversation_id <> 0 ORDER BY a.at, a.id`, conversationID)
}

// queryActions runs a query selecting action columns.
func (db *DB) queryActions(ctx context.Context, q string, args ...any) ([]smstrack.Action, error) {
	return queryList(ctx, db, "list actions", db.dialect.q(q), args, scanAction)
}

// scanAction reads a row of action columns.
func scanAction(row scanner) (smstrack.Action, error) {
	var (
		a             smstrack.Action
		typ, data     string
		at, createdAt int64
	)
	if err := row.Scan(&a.ID, &a.MessageID, &typ, &at, &data, &a.Source, &createdAt); err != nil {
		return a, err
	}
	a.Type, a.At, a.CreatedAt = smstrack.ActionType(typ), fromMicros(at), fromMicros(createdAt)
	if data != "" {
		a.Data = json.RawMessage(data)
	}
	return a, nil
}

// MaxConversionTimes bounds the times to convert read for percentiles: the
// newest conversions of the matching set, so the answer costs the same on a
// database of any size.
const MaxConversionTimes = 100_000

// ConversionStats counts the outbound messages matching f, grouped by
// groupBy. The counts are one grouped scan in SQL; each message's first
// converting action is found through the actions_message index. The
// percentiles of the time to convert are computed here over at most
// MaxConversionTimes of the newest conversions.
func (db *DB) ConversionStats(ctx context.Context, f smstrack.MessageFilter, groupBy []smstrack.ConversionDimension) ([]smstrack.ConversionGroup, error) {
	f.Direction = smstrack.Outbound
	where, whereArgs := db.filterWhere(f)

	var cols []string
	var args []any
	for i, d := range groupBy {
		var expr string
		switch d {
		case "provider":
			expr = "provider"
		case "from":
			expr = "from_number"
		case "country":
			expr = "country"
		case "carrier":
			expr = "carrier"
		case "status":
			expr = "status"
		default:
			key := d.TagKey()
			if key == "" {
				return nil, smstrack.FieldError("group_by", "unknown group %q", d)
			}
			expr = "COALESCE((SELECT t.value FROM message_tags t WHERE t.message_id = messages.id AND t.key = ?), '')"
			args = append(args, key)
		}
		cols = append(cols, fmt.Sprintf("%s AS g%d", expr, i))
	}
	args = append(args, string(smstrack.ActionUnconfirmed))
	args = append(args, whereArgs...)
	cols = append(cols,
		"CASE WHEN status IN ('delivered', 'read') OR delivered_at IS NOT NULL OR read_at IS NOT NULL THEN 1 ELSE 0 END AS delivered",
		"(SELECT MIN(a.at) FROM actions a WHERE a.message_id = messages.id AND a.type <> ?) AS first_at",
		"created_at")
	inner := "SELECT " + strings.Join(cols, ", ") + " FROM messages WHERE " + strings.Join(where, " AND ")

	groupCols := make([]string, len(groupBy))
	for i := range groupBy {
		groupCols[i] = fmt.Sprintf("g%d", i)
	}
	sel := append(slices.Clone(groupCols),
		"COUNT(*)",
		"COALESCE(SUM(delivered), 0)",
		"COALESCE(SUM(CASE WHEN first_at IS NOT NULL THEN 1 ELSE 0 END), 0)",
		"COALESCE(SUM(CASE WHEN delivered = 1 AND first_at IS NULL THEN 1 ELSE 0 END), 0)")
	q := "SELECT " + strings.Join(sel, ", ") + " FROM (" + inner + ") x"
	if len(groupCols) > 0 {
		q += " GROUP BY " + strings.Join(groupCols, ", ")
	}
	rows, err := db.reader.QueryContext(ctx, db.dialect.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: conversion stats: %w", err)
	}
	defer rows.Close()
	var groups []smstrack.ConversionGroup
	index := map[string]int{}
	for rows.Next() {
		vals := make([]string, len(groupBy))
		dest := make([]any, 0, len(groupBy)+4)
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		var sent, delivered, converted, notConverted int64
		dest = append(dest, &sent, &delivered, &converted, &notConverted)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("store: conversion stats: %w", err)
		}
		g := smstrack.ConversionGroup{Key: map[string]string{}, Sent: int(sent), Delivered: int(delivered),
			Converted: int(converted), DeliveredNotConverted: int(notConverted)}
		for i, d := range groupBy {
			g.Key[string(d)] = vals[i]
		}
		index[groupID(vals)] = len(groups)
		groups = append(groups, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: conversion stats: %w", err)
	}
	rows.Close()

	// The times to convert, per group, of the newest conversions.
	tq := "SELECT " + strings.Join(append(slices.Clone(groupCols), "first_at - created_at"), ", ") +
		" FROM (" + inner + ") x WHERE first_at IS NOT NULL ORDER BY created_at DESC LIMIT ?"
	trows, err := db.reader.QueryContext(ctx, db.dialect.q(tq), append(args, MaxConversionTimes)...)
	if err != nil {
		return nil, fmt.Errorf("store: conversion times: %w", err)
	}
	defer trows.Close()
	times := make([][]int64, len(groups))
	for trows.Next() {
		vals := make([]string, len(groupBy))
		dest := make([]any, 0, len(groupBy)+1)
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		var us int64
		dest = append(dest, &us)
		if err := trows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("store: conversion times: %w", err)
		}
		i, ok := index[groupID(vals)]
		if !ok {
			continue // converted between the two reads
		}
		times[i] = append(times[i], max(us, 0)) // an action stamped before its message counts as instant
	}
	if err := trows.Err(); err != nil {
		return nil, fmt.Errorf("store: conversion times: %w", err)
	}
	for i := range groups {
		if len(times[i]) == 0 {
			continue
		}
		slices.Sort(times[i])
		groups[i].TimesSampled = len(times[i])
		groups[i].TimeToConvertP50 = percentile(times[i], 0.5)
		groups[i].TimeToConvertP90 = percentile(times[i], 0.9)
	}
	return groups, nil
}

// groupID joins a group's values into a map key.
func groupID(vals []string) string { return strings.Join(vals, "\x00") }

// percentile returns the nearest-rank percentile p of sorted microseconds.
func percentile(sorted []int64, p float64) *time.Duration {
	rank := int(math.Ceil(p*float64(len(sorted)))) - 1
	d := time.Duration(sorted[max(rank, 0)]) * time.Microsecond
	return &d
}
