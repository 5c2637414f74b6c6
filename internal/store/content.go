package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/smstrack/smstrack"
)

// ContentStats aggregates what the messages matching f say, in one grouped
// scan: totals, segments, encodings, sentiment labels and keywords.
func (db *DB) ContentStats(ctx context.Context, f smstrack.MessageFilter) (*smstrack.ContentStats, error) {
	where, args := db.filterWhere(f)
	q := `SELECT encoding, sentiment_label, keyword, COUNT(*), COALESCE(SUM(segments), 0), COALESCE(SUM(sentiment), 0)
		FROM messages`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " GROUP BY encoding, sentiment_label, keyword"
	rows, err := db.reader.QueryContext(ctx, db.dialect.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: content stats: %w", err)
	}
	defer rows.Close()
	st := &smstrack.ContentStats{Encodings: map[string]int{}, Sentiment: map[string]int{}, Keywords: map[string]int{}}
	var sentimentSum float64
	for rows.Next() {
		var enc, label, keyword string
		var n, segments int
		var sum float64
		if err := rows.Scan(&enc, &label, &keyword, &n, &segments, &sum); err != nil {
			return nil, fmt.Errorf("store: content stats: %w", err)
		}
		st.Messages += n
		st.Segments += segments
		if enc != "" {
			st.Encodings[enc] += n
		}
		if label != "" {
			st.Sentiment[label] += n
			st.Scored += n
			sentimentSum += sum
		}
		if keyword != "" {
			st.Keywords[keyword] += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: content stats: %w", err)
	}
	if st.Scored > 0 {
		st.MeanSentiment = sentimentSum / float64(st.Scored)
	}
	return st, nil
}

// MessageBodies returns up to limit bodies of messages matching f, newest
// first: the sample keywords are computed from.
func (db *DB) MessageBodies(ctx context.Context, f smstrack.MessageFilter, limit int) ([]string, error) {
	where, args := db.filterWhere(f)
	where = append(where, "body IS NOT NULL", "body <> ''")
	q := "SELECT body FROM messages WHERE " + strings.Join(where, " AND ") + " ORDER BY created_at DESC, id DESC LIMIT ?"
	rows, err := db.reader.QueryContext(ctx, db.dialect.q(q), append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: message bodies: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var b sql.NullString
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("store: message bodies: %w", err)
		}
		out = append(out, b.String)
	}
	return out, rows.Err()
}
