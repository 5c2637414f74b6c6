package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/smstrack/smstrack"
)

// retentionBatch bounds one retention transaction, so the writer is never
// held for long while callbacks wait.
const retentionBatch = 500

// bodyRemoved replaces an expired body in stored payloads.
const bodyRemoved = "[removed by retention policy]"

// ApplyRetention removes what is older than before: the bodies of messages
// (from the message and from every event payload), or with deleteMessages
// whole messages with their events. It returns how many messages it changed.
func (db *DB) ApplyRetention(ctx context.Context, before time.Time, deleteMessages bool) (int, error) {
	total := 0
	for {
		var n int
		var err error
		if deleteMessages {
			n, err = db.deleteOldMessages(ctx, before)
		} else {
			n, err = db.removeOldBodies(ctx, before)
		}
		total += n
		if err != nil || n < retentionBatch {
			return total, err
		}
	}
}

func (db *DB) deleteOldMessages(ctx context.Context, before time.Time) (int, error) {
	res, err := db.writer.ExecContext(ctx, db.dialect.q(`DELETE FROM messages WHERE id IN
		(SELECT id FROM messages WHERE created_at < ? ORDER BY created_at LIMIT ?)`), before.UnixMicro(), retentionBatch)
	if err != nil {
		return 0, fmt.Errorf("store: retention: delete messages: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

func (db *DB) removeOldBodies(ctx context.Context, before time.Time) (int, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: retention: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, db.dialect.q(`SELECT id, body FROM messages
		WHERE created_at < ? AND body_policy <> 'removed' AND (body IS NOT NULL OR body_policy = 'hash')
		ORDER BY created_at LIMIT ?`+db.dialect.forUpdate), before.UnixMicro(), retentionBatch)
	if err != nil {
		return 0, fmt.Errorf("store: retention: %w", err)
	}
	type old struct {
		id   int64
		body sql.NullString
	}
	var list []old
	for rows.Next() {
		var o old
		if err := rows.Scan(&o.id, &o.body); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: retention: %w", err)
		}
		list = append(list, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: retention: %w", err)
	}
	for _, o := range list {
		if o.body.Valid && o.body.String != "" {
			if err := db.scrubPayloads(ctx, tx, o.id, o.body.String); err != nil {
				return 0, err
			}
		}
		if _, err := tx.ExecContext(ctx, db.dialect.q(`UPDATE messages SET body = NULL, body_policy = 'removed',
			updated_at = ? WHERE id = ?`), time.Now().UnixMicro(), o.id); err != nil {
			return 0, fmt.Errorf("store: retention: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: retention: %w", err)
	}
	return len(list), nil
}

// scrubPayloads removes a body from the payloads of a message's events.
func (db *DB) scrubPayloads(ctx context.Context, tx *sql.Tx, messageID int64, body string) error {
	rows, err := tx.QueryContext(ctx, db.dialect.q("SELECT id, payload FROM events WHERE message_id = ?"), messageID)
	if err != nil {
		return fmt.Errorf("store: retention: %w", err)
	}
	updates := map[int64]string{}
	for rows.Next() {
		var id int64
		var payload string
		if err := rows.Scan(&id, &payload); err != nil {
			rows.Close()
			return fmt.Errorf("store: retention: %w", err)
		}
		if scrubbed := string(smstrack.ReplaceInPayload([]byte(payload), body, bodyRemoved)); scrubbed != payload {
			updates[id] = scrubbed
		}
	}
	rows.Close()
	for id, p := range updates {
		if _, err := tx.ExecContext(ctx, db.dialect.q("UPDATE events SET payload = ? WHERE id = ?"), p, id); err != nil {
			return fmt.Errorf("store: retention: %w", err)
		}
	}
	return rows.Err()
}
