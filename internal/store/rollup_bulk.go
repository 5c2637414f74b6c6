package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/smstrack/smstrack"
)

// BulkMessage is a complete message for BulkInsert: its row as it should be
// stored, its timeline (Message.Events) and what its recipient did.
type BulkMessage struct {
	Message *smstrack.Message
	Actions []smstrack.Action // MessageID is set by BulkInsert
}

// BulkInsert writes complete messages, their events and actions in one
// transaction, as given: no rules, no deduplication, no conversations, no
// webhook events. It is for loading generated or trusted history fast
// (cmd/smstrack-bench fills ten million messages with it), never for what a
// provider says. Like ingest, it queues the messages for the roller, which
// rolls them up the same way as any other change.
func (db *DB) BulkInsert(ctx context.Context, batch []*BulkMessage) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: bulk insert: %w", err)
	}
	defer tx.Rollback()
	msgs := make([]*smstrack.Message, len(batch))
	for i, b := range batch {
		msgs[i] = b.Message
	}
	if err := db.insertMessages(ctx, tx, msgs); err != nil {
		return err
	}
	var events []*smstrack.EventInput
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
		for _, e := range m.Events {
			in := &smstrack.EventInput{Key: smstrack.Key{Provider: m.Provider, Account: m.Account, ProviderID: m.ProviderID}, Event: e}
			in.MessageID = m.ID
			if in.DedupeKey == "" {
				in.ComputeDedupeKey()
			}
			events = append(events, in)
		}
	}
	if _, err := db.insertEvents(ctx, tx, events); err != nil {
		return err
	}
	var actions []smstrack.Action
	for _, b := range batch {
		for _, a := range b.Actions {
			a.MessageID = b.Message.ID
			actions = append(actions, a)
		}
	}
	for start := 0; start < len(actions); start += chunk {
		part := actions[start:min(start+chunk, len(actions))]
		args := make([]any, 0, 6*len(part))
		for _, a := range part {
			args = append(args, a.MessageID, string(a.Type), a.At.UnixMicro(), string(a.Data), a.Source, a.CreatedAt.UnixMicro())
		}
		q := "INSERT INTO actions (message_id, type, at, data, source, created_at) VALUES " +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", len(part)), ", ")
		if _, err := tx.ExecContext(ctx, db.dialect.q(q), args...); err != nil {
			return fmt.Errorf("store: bulk insert actions: %w", err)
		}
	}
	if err := db.queueRollup(ctx, tx, ids); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: bulk insert: %w", err)
	}
	return nil
}
