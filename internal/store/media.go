package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/smstrack/smstrack"
)

// maxMediaAttempts bounds how often a failing attachment is tried.
const maxMediaAttempts = 5

// RecordArchivedMedia saves the outcome of one archive attempt.
func (db *DB) RecordArchivedMedia(ctx context.Context, m smstrack.ArchivedMedia) error {
	final := m.Final || m.Attempts >= maxMediaAttempts
	_, err := db.writer.ExecContext(ctx, db.dialect.q(`INSERT INTO media_archive
		(message_id, position, url, sha256, content_type, size, fetched_at, error, attempts, final)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (message_id, position) DO UPDATE SET url = excluded.url, sha256 = excluded.sha256,
			content_type = excluded.content_type, size = excluded.size, fetched_at = excluded.fetched_at,
			error = excluded.error, attempts = excluded.attempts, final = excluded.final`),
		m.MessageID, m.Position, cleanText(m.URL), m.SHA256, cleanText(m.ContentType), m.Size, m.FetchedAt.UnixMicro(),
		cleanText(m.Error), m.Attempts, boolInt(final))
	if err != nil {
		return fmt.Errorf("store: record archived media: %w", err)
	}
	return nil
}

// ArchivedMedia returns the archive records of a message, by position.
func (db *DB) ArchivedMedia(ctx context.Context, messageID int64) ([]smstrack.ArchivedMedia, error) {
	rows, err := db.reader.QueryContext(ctx, db.dialect.q(`SELECT message_id, position, url, sha256, content_type,
		size, fetched_at, error, attempts, final FROM media_archive WHERE message_id = ? ORDER BY position`), messageID)
	if err != nil {
		return nil, fmt.Errorf("store: archived media: %w", err)
	}
	defer rows.Close()
	var out []smstrack.ArchivedMedia
	for rows.Next() {
		var m smstrack.ArchivedMedia
		var at, final int64
		if err := rows.Scan(&m.MessageID, &m.Position, &m.URL, &m.SHA256, &m.ContentType, &m.Size, &at, &m.Error, &m.Attempts, &final); err != nil {
			return nil, fmt.Errorf("store: archived media: %w", err)
		}
		m.FetchedAt, m.Final = fromMicros(at), final != 0
		out = append(out, m)
	}
	return out, rows.Err()
}

// MediaToArchive returns messages with an attachment still to archive: one
// with no record yet, or a failed one with attempts left.
func (db *DB) MediaToArchive(ctx context.Context, accounts []string, afterID int64, limit int) ([]*smstrack.Message, error) {
	q := `SELECT ` + messageColumnList + ` FROM messages m WHERE m.media <> '' AND m.id > ?`
	args := []any{afterID}
	if accounts != nil {
		if len(accounts) == 0 {
			return nil, nil
		}
		q += " AND m.account IN (" + placeholders(len(accounts)) + ")"
		for _, a := range accounts {
			args = append(args, a)
		}
	}
	// A message is done when every attachment has a final record; counting
	// them against the attachments stored in the media JSON would need JSON
	// functions that differ by dialect, so the caller checks positions and
	// this query only skips messages whose records are all final.
	q += ` AND (NOT EXISTS (SELECT 1 FROM media_archive a WHERE a.message_id = m.id)
		OR EXISTS (SELECT 1 FROM media_archive a WHERE a.message_id = m.id AND a.final = 0))
		ORDER BY m.id LIMIT ?`
	args = append(args, limit)
	rows, err := db.reader.QueryContext(ctx, db.dialect.q(strings.ReplaceAll(q, "\n\t\t", " ")), args...)
	if err != nil {
		return nil, fmt.Errorf("store: media to archive: %w", err)
	}
	defer rows.Close()
	var out []*smstrack.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("store: media to archive: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
