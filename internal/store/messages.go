package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/smstrack/smstrack"
)

// GetMessage returns a message with its timeline, oldest event first.
func (db *DB) GetMessage(ctx context.Context, id int64) (*smstrack.Message, error) {
	row := db.reader.QueryRowContext(ctx, db.dialect.q("SELECT "+messageColumnList+" FROM messages WHERE id = ?"), id)
	m, err := scanMessage(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, smstrack.Errorf(smstrack.ENOTFOUND, "message %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("store: get message: %w", err)
	}
	rows, err := db.reader.QueryContext(ctx, db.dialect.q(`SELECT id, message_id, status, error_code, source,
		received_at, provider_time, payload, dedupe_key, applied, part_id, part_index, part_count
		FROM events WHERE message_id = ? ORDER BY received_at, id`), id)
	if err != nil {
		return nil, fmt.Errorf("store: get events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			e              smstrack.Event
			status, source string
			received       int64
			providerTime   sql.NullInt64
			payload        string
			applied        int64
		)
		if err := rows.Scan(&e.ID, &e.MessageID, &status, &e.ErrorCode, &source, &received,
			&providerTime, &payload, &e.DedupeKey, &applied, &e.Part.ID, &e.Part.Index, &e.Part.Count); err != nil {
			return nil, fmt.Errorf("store: get events: %w", err)
		}
		e.Status, e.Source = smstrack.Status(status), smstrack.Source(source)
		e.ReceivedAt, e.ProviderTime = fromMicros(received), fromNullMicros(providerTime)
		e.Payload, e.Applied = []byte(payload), applied != 0
		m.Events = append(m.Events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: get events: %w", err)
	}
	return m, nil
}

// FindMessage returns the message with the given key, without its timeline.
func (db *DB) FindMessage(ctx context.Context, key smstrack.Key) (*smstrack.Message, error) {
	row := db.reader.QueryRowContext(ctx, db.dialect.q("SELECT "+messageColumnList+
		" FROM messages WHERE provider = ? AND account = ? AND provider_id = ?"), key.Provider, key.Account, key.ProviderID)
	m, err := scanMessage(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, smstrack.Errorf(smstrack.ENOTFOUND, "message %s/%s/%s not found", key.Provider, key.Account, key.ProviderID)
	} else if err != nil {
		return nil, fmt.Errorf("store: find message: %w", err)
	}
	return m, nil
}

// ListMessages returns one page of messages matching f, newest first. Every
// filter is an indexed equality, so a page costs an index range scan; a text
// search, which no index serves, reads at most f.ScanLimit messages when
// it is set.
func (db *DB) ListMessages(ctx context.Context, f smstrack.MessageFilter) ([]*smstrack.Message, string, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = smstrack.DefaultPageSize
	}
	limit = min(limit, smstrack.MaxPageSize)

	// A bounded text search first takes the block of the newest
	// messages matching the rest of the filter, then the bodies in it.
	scanned := f.Query != "" && f.ScanLimit > 0
	rest := f
	if scanned {
		rest.Query = ""
	}
	where, args := db.filterWhere(rest)
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		// A row-value comparison: both databases turn it into an index
		// range, so a page costs the same however deep it is.
		where = append(where, "(created_at, id) < (?, ?)")
		args = append(args, at, id)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	blockArgs := slices.Clone(args) // the block's conditions, for the cursor below
	q := "SELECT " + messageColumnList + " FROM messages" + cond
	if scanned {
		q = "SELECT " + messageColumnList + " FROM messages WHERE id IN (SELECT id FROM messages" + cond +
			" ORDER BY created_at DESC, id DESC LIMIT ?) AND body " + db.dialect.ilike + " ? ESCAPE '\\'"
		args = append(args, f.ScanLimit, "%"+escapeLike(f.Query)+"%")
	}
	q += " ORDER BY created_at DESC, id DESC LIMIT ?"
	args = append(args, limit+1)

	rows, err := db.reader.QueryContext(ctx, db.dialect.q(q), args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: list messages: %w", err)
	}
	defer rows.Close()
	var out []*smstrack.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, "", fmt.Errorf("store: list messages: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("store: list messages: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = encodeCursor(last.CreatedAt.UnixMicro(), last.ID)
	} else if scanned {
		// The block was read whole: when it was full, older messages
		// remain, and the search goes on from the last one read.
		var at, id int64
		err := db.reader.QueryRowContext(ctx, db.dialect.q("SELECT created_at, id FROM messages"+cond+
			" ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?"), append(blockArgs, f.ScanLimit-1)...).Scan(&at, &id)
		switch {
		case err == nil:
			next = encodeCursor(at, id)
		case !errors.Is(err, sql.ErrNoRows):
			return nil, "", fmt.Errorf("store: list messages: %w", err)
		}
	}
	return out, next, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// A cursor is the sort key of the last message of a page: its creation time
// and id, opaque to clients.
func encodeCursor(createdAt, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(createdAt, 10) + "." + strconv.FormatInt(id, 10)))
}

func decodeCursor(c string) (int64, int64, error) {
	bad := smstrack.FieldError("cursor", "invalid cursor")
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, 0, bad
	}
	a, b, ok := strings.Cut(string(raw), ".")
	if !ok {
		return 0, 0, bad
	}
	at, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, bad
	}
	return at, id, nil
}

// filterWhere turns a filter (all but its cursor and limit) into SQL
// conditions and their arguments.
func (db *DB) filterWhere(f smstrack.MessageFilter) ([]string, []any) {
	var where []string
	var args []any
	eq := func(col, v string) {
		if v != "" {
			where = append(where, col+" = ?")
			args = append(args, v)
		}
	}
	eq("status", string(f.Status))
	eq("direction", string(f.Direction))
	eq("from_number", f.From)
	eq("to_number", f.To)
	eq("provider", f.Provider)
	eq("provider_id", f.ProviderID)
	eq("error_code", f.ErrorCode)
	eq("encoding", f.Encoding)
	eq("country", f.Country)
	eq("carrier", f.Carrier)
	tagKeys := make([]string, 0, len(f.Tags))
	for k := range f.Tags {
		tagKeys = append(tagKeys, k)
	}
	sort.Strings(tagKeys)
	for _, k := range tagKeys {
		where = append(where, "id IN (SELECT message_id FROM message_tags WHERE key = ? AND value = ?)")
		args = append(args, k, f.Tags[k])
	}
	if !f.CreatedAfter.IsZero() {
		where = append(where, "created_at >= ?")
		args = append(args, f.CreatedAfter.UnixMicro())
	}
	if !f.CreatedBefore.IsZero() {
		where = append(where, "created_at < ?")
		args = append(args, f.CreatedBefore.UnixMicro())
	}
	if f.Query != "" {
		where = append(where, "body "+db.dialect.ilike+" ? ESCAPE '\\'")
		args = append(args, "%"+escapeLike(f.Query)+"%")
	}
	return where, args
}
