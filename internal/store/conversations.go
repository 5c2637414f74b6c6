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

	"github.com/smstrack/smstrack"
)

// DefaultReplyWindow is how long after an outbound message an inbound one
// in the same conversation counts as its reply.
const DefaultReplyWindow = 24 * time.Hour

// SetReplyWindow changes the reply window (SMSTRACK_REPLY_WINDOW).
func (db *DB) SetReplyWindow(d time.Duration) {
	if d > 0 {
		db.replyWindow = d
	}
}

var errorCodeValue = slices.Index(messageColumns, "error_code") - 1 // messageValues omits id

// assignConversations puts each touched message whose numbers are known
// into its conversation (created on first use), links an inbound message to
// the outbound one it replies to, and applies opt-outs: STOP/START keywords
// on inbound messages and opt-out errors on outbound ones. It runs inside
// the batch's transaction, before the messages are written, so a message's
// conversation is written with it. Conversations are upserted in key order,
// which keeps concurrent instances from deadlocking.
func (db *DB) assignConversations(ctx context.Context, tx *sql.Tx, touched map[*smstrack.Message]bool, orig map[int64][]any) error {
	var fresh []*smstrack.Message
	for m := range touched {
		if _, _, ok := m.Pair(); !ok {
			continue
		}
		if m.ConversationID == 0 {
			fresh = append(fresh, m)
		} else if err := db.applyOptOut(ctx, tx, m, orig[m.ID]); err != nil {
			return err
		}
	}
	// One upsert per distinct pair, in key order (no deadlocks between
	// instances): counts and the last activity summed over the batch.
	type pairKey struct{ provider, account, our, their string }
	type pairAgg struct {
		first, last time.Time
		out, in     int
		msgs        []*smstrack.Message
	}
	pairs := map[pairKey]*pairAgg{}
	for _, m := range fresh {
		our, their, _ := m.Pair()
		k := pairKey{m.Provider, m.Account, our, their}
		a := pairs[k]
		if a == nil {
			a = &pairAgg{first: m.CreatedAt, last: m.CreatedAt}
			pairs[k] = a
		}
		a.first, a.last = minTime(a.first, m.CreatedAt), maxTime(a.last, m.CreatedAt)
		if m.Direction == smstrack.Inbound {
			a.in++
		} else {
			a.out++
		}
		a.msgs = append(a.msgs, m)
	}
	keys := make([]pairKey, 0, len(pairs))
	for k := range pairs {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b pairKey) int {
		return cmp.Or(cmp.Compare(a.provider, b.provider), cmp.Compare(a.account, b.account), cmp.Compare(a.our, b.our), cmp.Compare(a.their, b.their))
	})
	head := `INSERT INTO conversations (provider, account, our_number, their_number, created_at,
		last_message_at, outbound_count, inbound_count) VALUES `
	tail := ` ON CONFLICT (provider, account, our_number, their_number) DO UPDATE SET
			last_message_at = ` + db.dialect.greatest + `(conversations.last_message_at, excluded.last_message_at),
			outbound_count = conversations.outbound_count + excluded.outbound_count,
			inbound_count = conversations.inbound_count + excluded.inbound_count
		RETURNING id, opted_out, provider, account, our_number, their_number`
	step := chunk
	if db.dialect.rowAtATime {
		step = 1
	}
	for start := 0; start < len(keys); start += step {
		part := keys[start:min(start+step, len(keys))]
		var q strings.Builder
		q.WriteString(head)
		args := make([]any, 0, len(part)*8)
		for i, k := range part {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
			a := pairs[k]
			args = append(args, k.provider, k.account, k.our, k.their, a.first.UnixMicro(), a.last.UnixMicro(), a.out, a.in)
		}
		q.WriteString(tail)
		rows, err := tx.QueryContext(ctx, db.dialect.q(q.String()), args...)
		if err != nil {
			return fmt.Errorf("store: assign conversations: %w", err)
		}
		for rows.Next() {
			var id, optedOut int64
			var k pairKey
			if err := rows.Scan(&id, &optedOut, &k.provider, &k.account, &k.our, &k.their); err != nil {
				rows.Close()
				return fmt.Errorf("store: assign conversations: %w", err)
			}
			for _, m := range pairs[k].msgs {
				m.ConversationID = id
				if m.Direction == smstrack.Outbound && optedOut != 0 {
					m.RecipientOptedOut = true
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: assign conversations: %w", err)
		}
	}
	// Replies and opt-outs in the order the messages were sent.
	slices.SortFunc(fresh, func(a, b *smstrack.Message) int { return a.CreatedAt.Compare(b.CreatedAt) })
	for _, m := range fresh {
		if m.Direction == smstrack.Inbound {
			if err := db.linkReply(ctx, tx, m); err != nil {
				return err
			}
		}
		if err := db.applyOptOut(ctx, tx, m, nil); err != nil {
			return err
		}
	}
	return nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// linkReply makes an inbound message the reply to the latest outbound
// message of its conversation sent within the reply window before it, and
// records the response time on both (on the outbound one, its first reply).
func (db *DB) linkReply(ctx context.Context, tx *sql.Tx, m *smstrack.Message) error {
	window := db.replyWindow
	if window == 0 {
		window = DefaultReplyWindow
	}
	var id, created int64
	err := tx.QueryRowContext(ctx, db.dialect.q(`SELECT id, created_at FROM messages
		WHERE conversation_id = ? AND direction = 'outbound' AND created_at <= ? AND created_at >= ?
		ORDER BY created_at DESC, id DESC LIMIT 1`),
		m.ConversationID, m.CreatedAt.UnixMicro(), m.CreatedAt.Add(-window).UnixMicro()).Scan(&id, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("store: link reply: %w", err)
	}
	rt := m.CreatedAt.Sub(fromMicros(created))
	m.ReplyTo, m.ResponseTime = id, &rt
	if _, err := tx.ExecContext(ctx, db.dialect.q(`UPDATE messages SET response_time_ms = ?
		WHERE id = ? AND response_time_ms IS NULL`), rt.Milliseconds(), id); err != nil {
		return fmt.Errorf("store: link reply: %w", err)
	}
	return nil
}

// applyOptOut records what a message says about its pair's opt-out state:
// an inbound STOP (or START) keyword, or an outbound message refused with an
// opt-out error. before holds the message's stored values (nil when new),
// so that only a change acts.
func (db *DB) applyOptOut(ctx context.Context, tx *sql.Tx, m *smstrack.Message, before []any) error {
	var optOut, reason string
	switch {
	case m.Direction == smstrack.Inbound && before == nil && m.Content.Keyword == "opt_out":
		optOut, reason = "out", "keyword"
		if m.Body != nil {
			reason = "keyword " + strings.ToUpper(strings.TrimSpace(*m.Body))
		}
	case m.Direction == smstrack.Inbound && before == nil && m.Content.Keyword == "opt_in":
		optOut = "in"
	case m.Direction == smstrack.Outbound && smstrack.OptOutErrors[m.ErrorCode] &&
		(before == nil || before[errorCodeValue] != m.ErrorCode):
		optOut, reason = "out", "error "+m.ErrorCode
	default:
		return nil
	}
	var err error
	if optOut == "out" {
		var res sql.Result
		res, err = tx.ExecContext(ctx, db.dialect.q(`UPDATE conversations SET opted_out = 1, opted_out_at = ?,
			opt_out_reason = ? WHERE id = ? AND opted_out = 0`), m.CreatedAt.UnixMicro(), cleanText(reason), m.ConversationID)
		if n, _ := rowsAffected(res, err); n > 0 {
			our, their, _ := m.Pair()
			err = db.emitter(tx).emit(ctx, smstrack.EventConversationOptedOut, map[string]any{
				"conversation": map[string]any{"id": m.ConversationID, "provider": m.Provider, "account": m.Account,
					"our_number": our, "their_number": their, "opted_out_at": m.CreatedAt, "opt_out_reason": reason},
				"message_id": m.ID,
			})
		}
	} else {
		_, err = tx.ExecContext(ctx, db.dialect.q(`UPDATE conversations SET opted_out = 0, opted_out_at = NULL,
			opt_out_reason = '' WHERE id = ?`), m.ConversationID)
	}
	if err != nil {
		return fmt.Errorf("store: opt-out: %w", err)
	}
	return nil
}

const conversationColumns = `id, provider, account, our_number, their_number, created_at, last_message_at,
	outbound_count, inbound_count, opted_out, opted_out_at, opt_out_reason`

func scanConversation(row scanner) (smstrack.Conversation, error) {
	var c smstrack.Conversation
	var created, last, optedOut int64
	var optedAt sql.NullInt64
	if err := row.Scan(&c.ID, &c.Provider, &c.Account, &c.OurNumber, &c.TheirNumber, &created, &last,
		&c.Outbound, &c.Inbound, &optedOut, &optedAt, &c.OptOutReason); err != nil {
		return c, err
	}
	c.CreatedAt, c.LastMessageAt, c.OptedOut = fromMicros(created), fromMicros(last), optedOut != 0
	if optedAt.Valid {
		t := fromMicros(optedAt.Int64)
		c.OptedOutAt = &t
	}
	return c, nil
}

// ListConversations returns conversations, most recently active first.
func (db *DB) ListConversations(ctx context.Context, f smstrack.ConversationFilter) ([]smstrack.Conversation, string, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = smstrack.DefaultPageSize
	}
	limit = min(limit, smstrack.MaxPageSize)
	var where []string
	var args []any
	for _, eq := range [][2]string{{"provider", f.Provider}, {"account", f.Account}, {"our_number", f.OurNumber}, {"their_number", f.TheirNumber}} {
		if eq[1] != "" {
			where = append(where, eq[0]+" = ?")
			args = append(args, eq[1])
		}
	}
	if f.OptedOut != nil {
		where = append(where, "opted_out = ?")
		args = append(args, boolInt(*f.OptedOut))
	}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		where = append(where, "(last_message_at, id) < (?, ?)")
		args = append(args, at, id)
	}
	q := "SELECT " + conversationColumns + " FROM conversations"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY last_message_at DESC, id DESC LIMIT ?"
	rows, err := db.reader.QueryContext(ctx, db.dialect.q(q), append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("store: list conversations: %w", err)
	}
	defer rows.Close()
	out := []smstrack.Conversation{}
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, "", fmt.Errorf("store: list conversations: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("store: list conversations: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = encodeCursor(last.LastMessageAt.UnixMicro(), last.ID)
	}
	return out, next, nil
}

// GetConversation returns one conversation.
func (db *DB) GetConversation(ctx context.Context, id int64) (*smstrack.Conversation, error) {
	c, err := scanConversation(db.reader.QueryRowContext(ctx, db.dialect.q("SELECT "+conversationColumns+" FROM conversations WHERE id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, smstrack.Errorf(smstrack.ENOTFOUND, "conversation %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("store: get conversation: %w", err)
	}
	return &c, nil
}

// ConversationMessages returns up to limit of a conversation's newest
// messages, oldest first. The condition conversation_id <> 0 repeats the
// predicate of the partial index messages_conversation: without it
// neither database may use that index for a bound parameter, and reads
// every message.
func (db *DB) ConversationMessages(ctx context.Context, id int64, limit int) ([]*smstrack.Message, error) {
	rows, err := db.reader.QueryContext(ctx, db.dialect.q("SELECT "+messageColumnList+
		" FROM messages WHERE conversation_id = ? AND conversation_id <> 0 ORDER BY created_at DESC, id DESC LIMIT ?"), id, limit)
	if err != nil {
		return nil, fmt.Errorf("store: conversation messages: %w", err)
	}
	defer rows.Close()
	var out []*smstrack.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("store: conversation messages: %w", err)
		}
		out = append(out, m)
	}
	slices.Reverse(out)
	return out, rows.Err()
}

// rowsAffected is RowsAffected of an Exec that may have failed.
func rowsAffected(res sql.Result, err error) (int64, error) {
	if err != nil || res == nil {
		return 0, err
	}
	return res.RowsAffected()
}
