package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/links"
)

var _ links.Store = (*DB)(nil)

// CreateLink stores a link under its code, or returns ECONFLICT when the
// code is taken and ENOTFOUND when the message does not exist.
func (db *DB) CreateLink(ctx context.Context, l links.Link) (*links.Link, error) {
	var msg sql.NullInt64
	if l.MessageID > 0 {
		msg = sql.NullInt64{Int64: l.MessageID, Valid: true}
	}
	l.CreatedAt = fromMicros(l.CreatedAt.UnixMicro())
	err := db.writer.QueryRowContext(ctx, db.dialect.q(`INSERT INTO links (code, url, message_id, position, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`), l.Code, l.URL, msg, l.Position, l.CreatedAt.UnixMicro()).Scan(&l.ID)
	switch {
	case isUniqueViolation(err):
		return nil, smstrack.Errorf(smstrack.ECONFLICT, "link code %s is taken", l.Code)
	case isForeignKeyViolation(err):
		return nil, smstrack.Errorf(smstrack.ENOTFOUND, "message %d not found", l.MessageID)
	case err != nil:
		return nil, fmt.Errorf("store: create link: %w", err)
	}
	if err := db.durable(); err != nil {
		return nil, err
	}
	return &l, nil
}

// isUniqueViolation reports an insert that broke a unique index.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var liteErr sqlite3.Error
	if errors.As(err, &liteErr) {
		return liteErr.ExtendedCode == sqlite3.ErrConstraintUnique || liteErr.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	return false
}

// AttachLinks ties the links with these codes that are not yet tied to a
// message to messageID; links already tied keep their message.
func (db *DB) AttachLinks(ctx context.Context, messageID int64, codes []string) error {
	if len(codes) == 0 {
		return nil
	}
	args := []any{messageID}
	for _, c := range codes {
		args = append(args, c)
	}
	_, err := db.writer.ExecContext(ctx, db.dialect.q(`UPDATE links SET message_id = ?
		WHERE message_id IS NULL AND code IN (?`+strings.Repeat(", ?", len(codes)-1)+`)`), args...)
	if isForeignKeyViolation(err) {
		return smstrack.Errorf(smstrack.ENOTFOUND, "message %d not found", messageID)
	} else if err != nil {
		return fmt.Errorf("store: attach links: %w", err)
	}
	return db.durable()
}

// ResolveLink returns the link with this code and its message's delivery
// time, or ENOTFOUND.
func (db *DB) ResolveLink(ctx context.Context, code string) (*links.Link, error) {
	var l links.Link
	var msg, delivered sql.NullInt64
	var created int64
	err := db.reader.QueryRowContext(ctx, db.dialect.q(`SELECT l.id, l.code, l.url, l.message_id, l.position, l.created_at, m.delivered_at
		FROM links l LEFT JOIN messages m ON m.id = l.message_id WHERE l.code = ?`), code).
		Scan(&l.ID, &l.Code, &l.URL, &msg, &l.Position, &created, &delivered)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, smstrack.Errorf(smstrack.ENOTFOUND, "link %q not found", code)
	} else if err != nil {
		return nil, fmt.Errorf("store: resolve link: %w", err)
	}
	l.MessageID, l.CreatedAt = msg.Int64, fromMicros(created)
	if delivered.Valid {
		l.DeliveredAt = fromMicros(delivered.Int64)
	}
	return &l, nil
}

// RecordVisit stores a visit and reports whether it is the link's first
// click by that address hash and user agent. The link row is locked first
// so two simultaneous first clicks cannot both be first. Visits are
// statistics: the call does not wait for the disk, and a crash may lose the
// last moments' visits (never a link).
func (db *DB) RecordVisit(ctx context.Context, v links.Visit) (bool, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("store: record visit: %w", err)
	}
	defer tx.Rollback()
	var id int64
	if err := tx.QueryRowContext(ctx, db.dialect.q("SELECT id FROM links WHERE id = ?"+db.dialect.forUpdate), v.LinkID).Scan(&id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, smstrack.Errorf(smstrack.ENOTFOUND, "link %d not found", v.LinkID)
		}
		return false, fmt.Errorf("store: record visit: %w", err)
	}
	first := false
	if !v.Preview {
		var one int
		err := tx.QueryRowContext(ctx, db.dialect.q(`SELECT 1 FROM link_visits
			WHERE link_id = ? AND preview = 0 AND ip_hash = ? AND user_agent = ? LIMIT 1`), v.LinkID, v.IPHash, v.UserAgent).Scan(&one)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			first = true
		case err != nil:
			return false, fmt.Errorf("store: record visit: %w", err)
		}
	}
	preview := 0
	if v.Preview {
		preview = 1
	}
	if _, err := tx.ExecContext(ctx, db.dialect.q(`INSERT INTO link_visits (link_id, at, user_agent, ip_hash, preview)
		VALUES (?, ?, ?, ?, ?)`), v.LinkID, v.At.UnixMicro(), cleanText(v.UserAgent), v.IPHash, preview); err != nil {
		return false, fmt.Errorf("store: record visit: %w", err)
	}
	if first && v.Click != nil {
		if err := v.Click.Validate(); err != nil {
			return false, err
		}
		if _, err := db.insertAction(ctx, tx, *v.Click); err != nil {
			return false, fmt.Errorf("store: record click: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store: record visit: %w", err)
	}
	return first, nil
}

// linkStatsQuery selects links with their counts; the caller adds WHERE.
const linkStatsQuery = `SELECT l.id, l.code, l.url, l.message_id, l.position, l.created_at,
	(SELECT COUNT(*) FROM link_visits v WHERE v.link_id = l.id AND v.preview = 0),
	(SELECT COUNT(DISTINCT v.ip_hash || '|' || v.user_agent) FROM link_visits v WHERE v.link_id = l.id AND v.preview = 0),
	(SELECT COUNT(*) FROM link_visits v WHERE v.link_id = l.id AND v.preview = 1),
	(SELECT MAX(v.at) FROM link_visits v WHERE v.link_id = l.id AND v.preview = 0)
	FROM links l `

func scanLinkStats(row scanner) (links.Stats, error) {
	var s links.Stats
	var msg, last sql.NullInt64
	var created int64
	if err := row.Scan(&s.ID, &s.Code, &s.URL, &msg, &s.Position, &created, &s.Clicks, &s.UniqueClicks, &s.Previews, &last); err != nil {
		return s, err
	}
	s.MessageID, s.CreatedAt = msg.Int64, fromMicros(created)
	if last.Valid {
		t := fromMicros(last.Int64)
		s.LastClickAt = &t
	}
	return s, nil
}

// LinkStats returns a link with its counts, or ENOTFOUND.
func (db *DB) LinkStats(ctx context.Context, code string) (*links.Stats, error) {
	s, err := scanLinkStats(db.reader.QueryRowContext(ctx, db.dialect.q(linkStatsQuery+"WHERE l.code = ?"), code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, smstrack.Errorf(smstrack.ENOTFOUND, "link %q not found", code)
	} else if err != nil {
		return nil, fmt.Errorf("store: link stats: %w", err)
	}
	return &s, nil
}

// MessageLinks returns a message's links with their counts, in body order.
func (db *DB) MessageLinks(ctx context.Context, messageID int64) ([]links.Stats, error) {
	return db.queryLinkStats(ctx, "message links", linkStatsQuery+"WHERE l.message_id = ? ORDER BY l.position, l.id", messageID)
}

// RecentLinks returns up to limit links with their counts, newest first,
// those made before the link with id beforeID when it is not 0: the
// console's list of links, paged by id.
func (db *DB) RecentLinks(ctx context.Context, limit int, beforeID int64) ([]links.Stats, error) {
	q, args := linkStatsQuery, []any{}
	if beforeID > 0 {
		q += "WHERE l.id < ? "
		args = append(args, beforeID)
	}
	return db.queryLinkStats(ctx, "recent links", q+"ORDER BY l.id DESC LIMIT ?", append(args, limit)...)
}

// queryLinkStats runs a linkStatsQuery; what names it in errors.
func (db *DB) queryLinkStats(ctx context.Context, what, q string, args ...any) ([]links.Stats, error) {
	rows, err := db.reader.QueryContext(ctx, db.dialect.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	out := []links.Stats{}
	for rows.Next() {
		s, err := scanLinkStats(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// LinkSalt returns the salt of client address hashes, generating it on
// first use. Every instance sharing the database reads the same salt: the
// insert that loses the race changes nothing.
func (db *DB) LinkSalt(ctx context.Context) ([]byte, error) {
	var fresh [32]byte
	if _, err := rand.Read(fresh[:]); err != nil {
		return nil, fmt.Errorf("store: link salt: %w", err)
	}
	if _, err := db.writer.ExecContext(ctx, db.dialect.q(`INSERT INTO link_settings (name, value) VALUES ('ip_salt', ?)
		ON CONFLICT (name) DO NOTHING`), hex.EncodeToString(fresh[:])); err != nil {
		return nil, fmt.Errorf("store: link salt: %w", err)
	}
	var value string
	if err := db.writer.QueryRowContext(ctx, "SELECT value FROM link_settings WHERE name = 'ip_salt'").Scan(&value); err != nil {
		return nil, fmt.Errorf("store: link salt: %w", err)
	}
	if err := db.durable(); err != nil {
		return nil, err
	}
	return hex.DecodeString(value)
}
