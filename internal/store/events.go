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
		var committed *committedError
		if errors.As(err, &committed) {
			return nil, committed.err
		}
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
	if errors.Is(err, errInsertRaced) {
		return true
	}
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

// committedError wraps a failure after the commit, which must not be retried.
type committedError struct{ err error }

func (e *committedError) Error() string { return e.err.Error() }

// errInsertRaced reports that another instance created one of the batch's
// new messages first; the batch is retried and then finds it.
var errInsertRaced = errors.New("store: a message was created concurrently")

type dedupeRef struct {
	key    smstrack.Key
	dedupe string
}

// applyEvents runs one batch in one transaction: find (and lock) the known
// messages, apply the rules in memory, insert the new messages whole, insert
// the events, then update what changed. Writing each row once, complete,
// matters: every index of a column written is rewritten.
func (db *DB) applyEvents(ctx context.Context, events []*smstrack.EventInput) ([]smstrack.EventResult, error) {
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	// Statements that need no result of another go out together.
	p := db.newPipeline(conn, tx)

	keys := sortedKeys(events)
	msgs := make(map[smstrack.Key]*smstrack.Message, len(keys))
	seen := map[dedupeRef]bool{}
	db.findMessages(ctx, p, keys, msgs)
	db.storedDedupeKeys(ctx, p, keys, msgs, seen)
	em := db.emitter(tx)
	em.loadEndpoints(ctx, p)
	if err := p.flush(ctx); err != nil {
		return nil, err
	}
	// What each known row held, so the update writes only what changed.
	orig := make(map[int64][]any, len(msgs))
	for _, m := range msgs {
		orig[m.ID] = messageValues(m)
	}

	now := time.Now().UTC()
	results := make([]smstrack.EventResult, len(events))
	var fresh []*smstrack.EventInput
	freshIndex := make([]int, 0, len(events))
	var created []*smstrack.Message
	touched := map[*smstrack.Message]bool{}
	tagged := map[*smstrack.Message]bool{}
	byEvent := make([]*smstrack.Message, len(events))
	var changes []statusChange
	for i, in := range events {
		m := msgs[in.Key]
		if m == nil {
			m = &smstrack.Message{Provider: in.Provider, Account: in.Account, ProviderID: in.ProviderID}
			msgs[in.Key] = m
			created = append(created, m)
		}
		byEvent[i] = m
		ref := dedupeRef{in.Key, in.DedupeKey}
		if seen[ref] {
			results[i].Duplicate = true
			continue
		}
		seen[ref] = true
		smstrack.Merge(m, in.Facts, in.Source, in.ReceivedAt)
		previous := m.State.Status
		var changed bool
		m.State, changed = smstrack.Apply(m.State, in.Event)
		m.Status, m.ErrorCode = m.State.Status, m.State.ErrorCode
		m.UpdatedAt = now
		in.Applied = changed
		results[i].Applied = changed
		touched[m] = true
		if len(in.Facts.Tags) > 0 {
			tagged[m] = true
		}
		fresh = append(fresh, in)
		freshIndex = append(freshIndex, i)
		changes = append(changes, statusChange{m: m, in: in, previous: previous, status: m.State.Status,
			newInbound: m.ID == 0 && previous == "" && m.Direction == smstrack.Inbound})
	}

	if err := db.assignConversations(ctx, tx, touched, orig); err != nil {
		return nil, err
	}
	if err := db.insertMessages(ctx, tx, created); err != nil {
		return nil, err
	}
	for i, m := range byEvent {
		results[i].MessageID, results[i].Status, results[i].ConversationID = m.ID, m.State.Status, m.ConversationID
		events[i].MessageID = m.ID
	}
	ids := db.queueEvents(ctx, p, fresh)
	var dirty []*smstrack.Message
	for m := range touched {
		if _, known := orig[m.ID]; known {
			dirty = append(dirty, m)
		}
	}
	db.updateMessages(ctx, p, dirty, orig)
	db.replaceTags(ctx, p, tagged)
	db.pipeRollup(ctx, p, rollupIDs(touched))
	if err := p.flush(ctx); err != nil {
		return nil, err
	}
	for j, in := range fresh {
		results[freshIndex[j]].EventID = ids[dedupeRef{in.Key, in.DedupeKey}]
	}
	if err := em.emitMessageEvents(ctx, changes); err != nil {
		return nil, err
	}
	committing := time.Now()
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: commit: %w", err)
	}
	db.timings.commitTook(committing)
	// Not retried: the batch is committed; only its durability is in doubt.
	if err := db.durable(); err != nil {
		return nil, &committedError{err}
	}
	return results, nil
}

// sortedKeys returns the distinct message keys of events in one fixed
// order, the order rows are locked and inserted in, so that concurrent
// instances cannot deadlock.
func sortedKeys(events []*smstrack.EventInput) []smstrack.Key {
	set := map[smstrack.Key]bool{}
	var keys []smstrack.Key
	for _, in := range events {
		if !set[in.Key] {
			set[in.Key] = true
			keys = append(keys, in.Key)
		}
	}
	slices.SortFunc(keys, func(a, b smstrack.Key) int {
		return cmp.Or(cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Account, b.Account), cmp.Compare(a.ProviderID, b.ProviderID))
	})
	return keys
}

// keyValues writes "(?, ?, ?), ..." for keys into q and returns their values.
func keyValues(q *strings.Builder, keys []smstrack.Key) []any {
	args := make([]any, 0, len(keys)*3)
	for i, k := range keys {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?)")
		args = append(args, k.Provider, k.Account, k.ProviderID)
	}
	return args
}

// findMessages queues the reading of the known messages with these keys
// into msgs, locked until the transaction ends (SQLite's write transaction
// already excludes others).
func (db *DB) findMessages(ctx context.Context, p *pipeline, keys []smstrack.Key, msgs map[smstrack.Key]*smstrack.Message) {
	found := func(row scanner) error {
		m, err := scanMessage(row)
		if err != nil {
			return err
		}
		msgs[smstrack.Key{Provider: m.Provider, Account: m.Account, ProviderID: m.ProviderID}] = m
		return nil
	}
	if db.dialect.rowAtATime {
		find := "SELECT " + messageColumnList + " FROM messages WHERE provider = ? AND account = ? AND provider_id = ?"
		for _, k := range keys {
			p.query(ctx, "store: find messages", find, []any{k.Provider, k.Account, k.ProviderID}, found)
		}
		return
	}
	for start := 0; start < len(keys); start += chunk {
		var q strings.Builder
		q.WriteString("SELECT " + messageColumnList + " FROM messages WHERE (provider, account, provider_id) IN (VALUES ")
		args := keyValues(&q, keys[start:min(start+chunk, len(keys))])
		q.WriteString(") ORDER BY provider, account, provider_id" + db.dialect.forNoKeyUpdate)
		p.query(ctx, "store: find messages", db.dialect.q(q.String()), args, found)
	}
}

// insertMessages inserts new messages, complete, and sets their ids. On
// PostgreSQL another instance may have inserted one of them meanwhile: the
// insert then skips it and the whole batch is retried.
func (db *DB) insertMessages(ctx context.Context, tx *sql.Tx, list []*smstrack.Message) error {
	if len(list) == 0 {
		return nil
	}
	cols := strings.Join(messageColumns[1:], ", ")
	row := "(" + placeholders(len(messageColumns)-1) + ")"
	if db.dialect.rowAtATime {
		q := "INSERT INTO messages (" + cols + ") VALUES " + row + " RETURNING id"
		for _, m := range list {
			if err := tx.QueryRowContext(ctx, q, messageValues(m)...).Scan(&m.ID); err != nil {
				return fmt.Errorf("store: insert messages: %w", err)
			}
		}
		return nil
	}
	for start := 0; start < len(list); start += chunk {
		part := list[start:min(start+chunk, len(list))]
		byKey := make(map[smstrack.Key]*smstrack.Message, len(part))
		var q strings.Builder
		q.WriteString("INSERT INTO messages (" + cols + ") VALUES ")
		args := make([]any, 0, len(part)*(len(messageColumns)-1))
		for i, m := range part {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(row)
			args = append(args, messageValues(m)...)
			byKey[smstrack.Key{Provider: m.Provider, Account: m.Account, ProviderID: m.ProviderID}] = m
		}
		q.WriteString(" ON CONFLICT (provider, account, provider_id) DO NOTHING RETURNING id, provider, account, provider_id")
		rows, err := tx.QueryContext(ctx, db.dialect.q(q.String()), args...)
		if err != nil {
			return fmt.Errorf("store: insert messages: %w", err)
		}
		n := 0
		for rows.Next() {
			var id int64
			var k smstrack.Key
			if err := rows.Scan(&id, &k.Provider, &k.Account, &k.ProviderID); err != nil {
				rows.Close()
				return fmt.Errorf("store: insert messages: %w", err)
			}
			if m := byKey[k]; m != nil {
				m.ID = id
				n++
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: insert messages: %w", err)
		}
		if n != len(part) {
			return errInsertRaced
		}
	}
	return nil
}

// storedDedupeKeys queues the reading of the dedupe keys already stored
// for the known messages into seen. Their rows are locked, so no other
// transaction adds to them. SQLite has found the messages already and reads
// by id; on PostgreSQL the find is in the same round trip, so this reads by
// key, as a statement of its own: it starts once the find holds the locks,
// and so sees the events of a transaction that held them before.
func (db *DB) storedDedupeKeys(ctx context.Context, p *pipeline, keys []smstrack.Key, msgs map[smstrack.Key]*smstrack.Message, seen map[dedupeRef]bool) {
	if db.dialect.rowAtATime {
		for k, m := range msgs {
			p.query(ctx, "store: read dedupe keys", "SELECT dedupe_key FROM events WHERE message_id = ?", []any{m.ID}, func(row scanner) error {
				var dedupe string
				err := row.Scan(&dedupe)
				seen[dedupeRef{k, dedupe}] = true
				return err
			})
		}
		return
	}
	for start := 0; start < len(keys); start += chunk {
		var q strings.Builder
		q.WriteString(`SELECT m.provider, m.account, m.provider_id, e.dedupe_key FROM messages m
			JOIN events e ON e.message_id = m.id WHERE (m.provider, m.account, m.provider_id) IN (VALUES `)
		args := keyValues(&q, keys[start:min(start+chunk, len(keys))])
		q.WriteString(")")
		p.query(ctx, "store: read dedupe keys", db.dialect.q(q.String()), args, func(row scanner) error {
			var ref dedupeRef
			err := row.Scan(&ref.key.Provider, &ref.key.Account, &ref.key.ProviderID, &ref.dedupe)
			seen[ref] = true
			return err
		})
	}
}

// insertEvents writes new events and returns their ids.
func (db *DB) insertEvents(ctx context.Context, tx *sql.Tx, events []*smstrack.EventInput) (map[dedupeRef]int64, error) {
	p := &pipeline{tx: tx}
	ids := db.queueEvents(ctx, p, events)
	return ids, p.flush(ctx)
}

// queueEvents queues the writing of new events; the map it returns holds
// their ids once the pipeline is flushed.
func (db *DB) queueEvents(ctx context.Context, p *pipeline, events []*smstrack.EventInput) map[dedupeRef]int64 {
	ids := make(map[dedupeRef]int64, len(events))
	step := chunk
	if db.dialect.rowAtATime {
		step = 1
	}
	for start := 0; start < len(events); start += step {
		part := events[start:min(start+step, len(events))]
		var q strings.Builder
		q.WriteString("INSERT INTO events (message_id, status, error_code, source, received_at, provider_time, payload, dedupe_key, applied, part_id, part_index, part_count) VALUES ")
		args := make([]any, 0, len(part)*12)
		keyOf := make(map[int64]smstrack.Key, len(part))
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
			keyOf[in.MessageID] = in.Key
		}
		q.WriteString(" ON CONFLICT (message_id, dedupe_key) DO NOTHING RETURNING id, message_id, dedupe_key")
		p.query(ctx, "store: insert events", db.dialect.q(q.String()), args, func(row scanner) error {
			var id, messageID int64
			var dedupe string
			err := row.Scan(&id, &messageID, &dedupe)
			ids[dedupeRef{keyOf[messageID], dedupe}] = id
			return err
		})
	}
	return ids
}

// integerColumns are the message columns bound as integers; the rest are text.
var integerColumns = func() map[string]bool {
	m := map[string]bool{"id": true, "segments": true, "created_at": true, "updated_at": true,
		"reported": true, "decided_at": true, "decided_provider_time": true, "characters": true, "part_count": true,
		"conversation_id": true, "reply_to": true, "response_time_ms": true, "recipient_opted_out": true}
	for _, s := range smstrack.Statuses {
		m[stageColumn(s)] = true
	}
	return m
}()

// updateMessages writes what changed in each message. Messages are grouped
// by the columns that changed; on PostgreSQL each group is one multi-row
// UPDATE ... FROM (VALUES ...), on SQLite one cached statement per row.
// VALUES columns are named column1, column2... in both dialects; the casts
// give PostgreSQL the types it cannot infer.
func (db *DB) updateMessages(ctx context.Context, p *pipeline, dirty []*smstrack.Message, orig map[int64][]any) {
	type update struct {
		id   int64
		vals []any
	}
	groups := map[string][]update{}
	cols := map[string][]int{}
	for _, m := range dirty {
		id := m.ID
		now := messageValues(m)
		var changed []int
		var sig strings.Builder
		for i, v := range now {
			if v != orig[id][i] {
				changed = append(changed, i)
				fmt.Fprintf(&sig, "%d,", i)
			}
		}
		if len(changed) == 0 {
			continue
		}
		vals := make([]any, len(changed))
		for j, i := range changed {
			vals[j] = now[i]
		}
		key := sig.String()
		groups[key] = append(groups[key], update{id, vals})
		cols[key] = changed
	}
	for key, list := range groups {
		changed := cols[key]
		names := make([]string, len(changed))
		for j, i := range changed {
			names[j] = messageColumns[i+1] // messageValues omits id
		}
		if db.dialect.rowAtATime {
			q := "UPDATE messages SET " + strings.Join(names, " = ?, ") + " = ? WHERE id = ?"
			for _, u := range list {
				p.exec(ctx, "store: update messages", q, append(u.vals, u.id)...)
			}
			continue
		}
		var set, row strings.Builder
		set.WriteString("UPDATE messages SET ")
		row.WriteString("(CAST(? AS BIGINT)")
		for j, name := range names {
			if j > 0 {
				set.WriteString(", ")
			}
			fmt.Fprintf(&set, "%s = v.column%d", name, j+2)
			fmt.Fprintf(&row, ", CAST(? AS %s)", columnType(name))
		}
		row.WriteString(")")
		for start := 0; start < len(list); start += chunk {
			part := list[start:min(start+chunk, len(list))]
			var q strings.Builder
			q.WriteString(set.String())
			q.WriteString(" FROM (VALUES ")
			args := make([]any, 0, len(part)*(len(names)+1))
			for i, u := range part {
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString(row.String())
				args = append(args, u.id)
				args = append(args, u.vals...)
			}
			q.WriteString(") AS v WHERE messages.id = v.column1")
			p.exec(ctx, "store: update messages", db.dialect.q(q.String()), args...)
		}
	}
}

// columnType is the SQL type a message column's values are cast to.
func columnType(name string) string {
	switch {
	case integerColumns[name]:
		return "BIGINT"
	case name == "sentiment":
		return "DOUBLE PRECISION"
	}
	return "TEXT"
}

// replaceTags queues the rewriting of the tag index rows of messages whose
// tags changed.
func (db *DB) replaceTags(ctx context.Context, p *pipeline, tagged map[*smstrack.Message]bool) {
	for m := range tagged {
		p.exec(ctx, "store: replace tags", db.dialect.q("DELETE FROM message_tags WHERE message_id = ?"), m.ID)
		for k, v := range m.Tags {
			p.exec(ctx, "store: replace tags", db.dialect.q("INSERT INTO message_tags (message_id, key, value) VALUES (?, ?, ?)"), m.ID, k, v)
		}
	}
}

// placeholders returns "?, ?, ..." with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
