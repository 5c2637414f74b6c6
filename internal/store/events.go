package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"

	"github.com/smstrack/smstrack"
)

// chunk bounds the rows of one generated multi-row statement, well under
// both databases' limits on bound parameters.
const chunk = 200

// ApplyEvents commits a batch of events in one transaction. The message rows
// are created or locked first, in key order so concurrent instances cannot
// deadlock, then the domain rules run on each locked row, then events and
// messages are written with one multi-row statement per step. A handful of
// statements per batch, whatever its size, is what makes group commit pay.
func (db *DB) ApplyEvents(ctx context.Context, events []*smstrack.EventInput) ([]smstrack.EventResult, error) {
	if len(events) == 0 {
		return nil, nil
	}
	for _, in := range events {
		in.Provider, in.Account, in.ProviderID = cleanText(in.Provider), cleanText(in.Account), cleanText(in.ProviderID)
	}
	for attempt := 1; ; attempt++ {
		res, err := db.applyEvents(ctx, events)
		if err == nil || attempt == 5 || !retryable(err) {
			return res, err
		}
		time.Sleep(time.Duration(attempt) * 5 * time.Millisecond)
	}
}

// retryable reports errors that a fresh attempt of the same transaction
// cures: deadlocks and serialization failures on PostgreSQL, a busy
// database on SQLite.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40P01" || pgErr.Code == "40001"
	}
	var liteErr sqlite3.Error
	if errors.As(err, &liteErr) {
		return liteErr.Code == sqlite3.ErrBusy || liteErr.Code == sqlite3.ErrLocked
	}
	return false
}

type dedupeRef struct {
	messageID int64
	key       string
}

func (db *DB) applyEvents(ctx context.Context, events []*smstrack.EventInput) ([]smstrack.EventResult, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()

	msgs, err := db.lockMessages(ctx, tx, events)
	if err != nil {
		return nil, err
	}
	seen, err := db.storedDedupeKeys(ctx, tx, msgs)
	if err != nil {
		return nil, err
	}

	now := time.Now().UTC()
	results := make([]smstrack.EventResult, len(events))
	var fresh []*smstrack.EventInput
	freshIndex := make([]int, 0, len(events))
	dirty := map[int64]*smstrack.Message{}
	tagged := map[int64]bool{}
	for i, in := range events {
		m := msgs[in.Key]
		ref := dedupeRef{m.ID, in.DedupeKey}
		results[i].MessageID = m.ID
		if seen[ref] {
			results[i].Duplicate = true
			results[i].Status = m.State.Status
			continue
		}
		seen[ref] = true
		smstrack.Merge(m, in.Facts, in.Source, in.ReceivedAt)
		var changed bool
		m.State, changed = smstrack.Apply(m.State, in.Event)
		m.Status, m.ErrorCode = m.State.Status, m.State.ErrorCode
		m.UpdatedAt = now
		in.MessageID = m.ID
		in.Applied = changed
		results[i].Applied = changed
		dirty[m.ID] = m
		if len(in.Facts.Tags) > 0 {
			tagged[m.ID] = true
		}
		fresh = append(fresh, in)
		freshIndex = append(freshIndex, i)
	}
	for i := range results {
		if !results[i].Duplicate {
			results[i].Status = dirty[results[i].MessageID].State.Status
		}
	}

	ids, err := db.insertEvents(ctx, tx, fresh)
	if err != nil {
		return nil, err
	}
	for j, in := range fresh {
		results[freshIndex[j]].EventID = ids[dedupeRef{in.MessageID, in.DedupeKey}]
	}
	if err := db.updateMessages(ctx, tx, dirty); err != nil {
		return nil, err
	}
	if err := db.replaceTags(ctx, tx, dirty, tagged); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: commit: %w", err)
	}
	return results, nil
}

// lockMessages creates the messages of events that are new and returns every
// one, locked (the no-op update makes PostgreSQL lock existing rows too).
func (db *DB) lockMessages(ctx context.Context, tx *sql.Tx, events []*smstrack.EventInput) (map[smstrack.Key]*smstrack.Message, error) {
	first := map[smstrack.Key]time.Time{}
	for _, in := range events {
		if t, ok := first[in.Key]; !ok || in.ReceivedAt.Before(t) {
			first[in.Key] = in.ReceivedAt
		}
	}
	keys := make([]smstrack.Key, 0, len(first))
	for k := range first {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b smstrack.Key) int {
		return cmp.Or(cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Account, b.Account), cmp.Compare(a.ProviderID, b.ProviderID))
	})
	msgs := make(map[smstrack.Key]*smstrack.Message, len(keys))
	for start := 0; start < len(keys); start += chunk {
		part := keys[start:min(start+chunk, len(keys))]
		var q strings.Builder
		q.WriteString("INSERT INTO messages (provider, account, provider_id, created_at, updated_at) VALUES ")
		args := make([]any, 0, len(part)*5)
		for i, k := range part {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?)")
			at := first[k].UnixMicro()
			args = append(args, k.Provider, k.Account, k.ProviderID, at, at)
		}
		q.WriteString(" ON CONFLICT (provider, account, provider_id) DO UPDATE SET updated_at = messages.updated_at RETURNING ")
		q.WriteString(messageColumnList)
		rows, err := tx.QueryContext(ctx, db.dialect.q(q.String()), args...)
		if err != nil {
			return nil, fmt.Errorf("store: lock messages: %w", err)
		}
		for rows.Next() {
			m, err := scanMessage(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: lock messages: %w", err)
			}
			msgs[smstrack.Key{Provider: m.Provider, Account: m.Account, ProviderID: m.ProviderID}] = m
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("store: lock messages: %w", err)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: lock messages: %w", err)
		}
	}
	if len(msgs) != len(keys) {
		return nil, fmt.Errorf("store: lock messages: got %d rows for %d keys", len(msgs), len(keys))
	}
	return msgs, nil
}

// storedDedupeKeys returns the dedupe keys already stored for the messages.
// The rows are locked, so no other transaction can add to them meanwhile.
func (db *DB) storedDedupeKeys(ctx context.Context, tx *sql.Tx, msgs map[smstrack.Key]*smstrack.Message) (map[dedupeRef]bool, error) {
	seen := map[dedupeRef]bool{}
	ids := make([]any, 0, len(msgs))
	for _, m := range msgs {
		ids = append(ids, m.ID)
	}
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		q := "SELECT message_id, dedupe_key FROM events WHERE message_id IN (" + placeholders(len(part)) + ")"
		rows, err := tx.QueryContext(ctx, db.dialect.q(q), part...)
		if err != nil {
			return nil, fmt.Errorf("store: read dedupe keys: %w", err)
		}
		for rows.Next() {
			var r dedupeRef
			if err := rows.Scan(&r.messageID, &r.key); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: read dedupe keys: %w", err)
			}
			seen[r] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: read dedupe keys: %w", err)
		}
	}
	return seen, nil
}

// insertEvents writes new events and returns their ids.
func (db *DB) insertEvents(ctx context.Context, tx *sql.Tx, events []*smstrack.EventInput) (map[dedupeRef]int64, error) {
	ids := make(map[dedupeRef]int64, len(events))
	for start := 0; start < len(events); start += chunk {
		part := events[start:min(start+chunk, len(events))]
		var q strings.Builder
		q.WriteString("INSERT INTO events (message_id, status, error_code, source, received_at, provider_time, payload, dedupe_key, applied, part_id, part_index, part_count) VALUES ")
		args := make([]any, 0, len(part)*12)
		for i, in := range part {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			payload := cleanText(string(in.Payload))
			if payload == "" {
				payload = "{}"
			}
			args = append(args, in.MessageID, string(in.Status), cleanText(in.ErrorCode), string(in.Source),
				in.ReceivedAt.UnixMicro(), nullMicros(in.ProviderTime), payload, in.DedupeKey, boolInt(in.Applied),
				cleanText(in.Part.ID), in.Part.Index, in.Part.Count)
		}
		q.WriteString(" ON CONFLICT (message_id, dedupe_key) DO NOTHING RETURNING id, message_id, dedupe_key")
		rows, err := tx.QueryContext(ctx, db.dialect.q(q.String()), args...)
		if err != nil {
			return nil, fmt.Errorf("store: insert events: %w", err)
		}
		for rows.Next() {
			var id int64
			var r dedupeRef
			if err := rows.Scan(&id, &r.messageID, &r.key); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: insert events: %w", err)
			}
			ids[r] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: insert events: %w", err)
		}
	}
	return ids, nil
}

// integerColumns are the message columns bound as integers; the rest are text.
var integerColumns = func() map[string]bool {
	m := map[string]bool{"id": true, "segments": true, "created_at": true, "updated_at": true,
		"reported": true, "decided_at": true, "decided_provider_time": true, "characters": true, "part_count": true}
	for _, s := range smstrack.Statuses {
		m[stageColumn(s)] = true
	}
	return m
}()

// updateMessagesSQL is the head of the multi-row update: every column is set
// from a VALUES row. VALUES columns are named column1, column2... in both
// dialects; the casts give PostgreSQL the types it cannot infer.
var updateMessagesSet, updateMessagesRow = func() (string, string) {
	var set, row strings.Builder
	set.WriteString("UPDATE messages SET ")
	row.WriteString("(")
	for i, c := range messageColumns {
		typ := "TEXT"
		if integerColumns[c] {
			typ = "BIGINT"
		} else if c == "sentiment" {
			typ = "DOUBLE PRECISION"
		}
		if i > 0 {
			row.WriteString(", ")
		}
		fmt.Fprintf(&row, "CAST(? AS %s)", typ)
		if i == 0 {
			continue
		}
		if i > 1 {
			set.WriteString(", ")
		}
		fmt.Fprintf(&set, "%s = v.column%d", c, i+1)
	}
	row.WriteString(")")
	return set.String(), row.String()
}()

// updateMessages writes the new state of every changed message.
func (db *DB) updateMessages(ctx context.Context, tx *sql.Tx, dirty map[int64]*smstrack.Message) error {
	list := make([]*smstrack.Message, 0, len(dirty))
	for _, m := range dirty {
		list = append(list, m)
	}
	slices.SortFunc(list, func(a, b *smstrack.Message) int { return cmp.Compare(a.ID, b.ID) })
	for start := 0; start < len(list); start += chunk {
		part := list[start:min(start+chunk, len(list))]
		var q strings.Builder
		q.WriteString(updateMessagesSet)
		q.WriteString(" FROM (VALUES ")
		args := make([]any, 0, len(part)*len(messageColumns))
		for i, m := range part {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(updateMessagesRow)
			args = append(args, m.ID)
			args = append(args, messageValues(m)...)
		}
		q.WriteString(") AS v WHERE messages.id = v.column1")
		if _, err := tx.ExecContext(ctx, db.dialect.q(q.String()), args...); err != nil {
			return fmt.Errorf("store: update messages: %w", err)
		}
	}
	return nil
}

// replaceTags rewrites the tag index rows of messages whose tags changed.
func (db *DB) replaceTags(ctx context.Context, tx *sql.Tx, dirty map[int64]*smstrack.Message, tagged map[int64]bool) error {
	for id := range tagged {
		m := dirty[id]
		if _, err := tx.ExecContext(ctx, db.dialect.q("DELETE FROM message_tags WHERE message_id = ?"), id); err != nil {
			return fmt.Errorf("store: replace tags: %w", err)
		}
		for k, v := range m.Tags {
			if _, err := tx.ExecContext(ctx, db.dialect.q("INSERT INTO message_tags (message_id, key, value) VALUES (?, ?, ?)"), id, k, v); err != nil {
				return fmt.Errorf("store: replace tags: %w", err)
			}
		}
	}
	return nil
}

// placeholders returns "?, ?, ..." with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
