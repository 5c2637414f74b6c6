package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/smstrack/smstrack"
)

// RejectedLimit bounds the rejected-requests log; older entries are dropped.
const RejectedLimit = 1000

// RecordRejected keeps a refused request and drops the oldest beyond the bound.
func (db *DB) RecordRejected(ctx context.Context, r smstrack.RejectedRequest) error {
	if r.ReceivedAt.IsZero() {
		r.ReceivedAt = time.Now()
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: record rejected: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, db.dialect.q(`INSERT INTO rejected_requests
		(received_at, method, path, content_type, reason, field, body, remote_addr) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
		r.ReceivedAt.UnixMicro(), r.Method, r.Path, r.ContentType, r.Reason, r.Field, r.Body, r.RemoteAddr); err != nil {
		return fmt.Errorf("store: record rejected: %w", err)
	}
	if _, err := tx.ExecContext(ctx, db.dialect.q(`DELETE FROM rejected_requests
		WHERE id <= (SELECT MAX(id) FROM rejected_requests) - ?`), RejectedLimit); err != nil {
		return fmt.Errorf("store: trim rejected: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: record rejected: %w", err)
	}
	return nil
}

// ListRejected returns the newest refused requests first.
func (db *DB) ListRejected(ctx context.Context, limit int) ([]smstrack.RejectedRequest, error) {
	if limit <= 0 || limit > RejectedLimit {
		limit = RejectedLimit
	}
	rows, err := db.reader.QueryContext(ctx, db.dialect.q(`SELECT id, received_at, method, path, content_type,
		reason, field, body, remote_addr FROM rejected_requests ORDER BY id DESC LIMIT ?`), limit)
	if err != nil {
		return nil, fmt.Errorf("store: list rejected: %w", err)
	}
	defer rows.Close()
	out := []smstrack.RejectedRequest{}
	for rows.Next() {
		var r smstrack.RejectedRequest
		var at int64
		if err := rows.Scan(&r.ID, &at, &r.Method, &r.Path, &r.ContentType, &r.Reason, &r.Field, &r.Body, &r.RemoteAddr); err != nil {
			return nil, fmt.Errorf("store: list rejected: %w", err)
		}
		r.ReceivedAt = fromMicros(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// CreateAPIKey stores a key by the hash of its secret.
func (db *DB) CreateAPIKey(ctx context.Context, name, prefix string, hash []byte) (*smstrack.APIKey, error) {
	now := time.Now().UTC()
	var id int64
	err := db.writer.QueryRowContext(ctx, db.dialect.q(`INSERT INTO api_keys (name, prefix, hash, created_at)
		VALUES (?, ?, ?, ?) RETURNING id`), name, prefix, hex.EncodeToString(hash), now.UnixMicro()).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("store: create api key: %w", err)
	}
	if err := db.durable(); err != nil {
		return nil, err
	}
	return &smstrack.APIKey{ID: id, Name: name, Prefix: prefix, CreatedAt: fromMicros(now.UnixMicro())}, nil
}

const apiKeyColumns = "id, name, prefix, created_at, last_used_at, revoked_at"

func scanAPIKey(row scanner) (smstrack.APIKey, error) {
	var k smstrack.APIKey
	var created int64
	var used, revoked sql.NullInt64
	if err := row.Scan(&k.ID, &k.Name, &k.Prefix, &created, &used, &revoked); err != nil {
		return k, err
	}
	k.CreatedAt = fromMicros(created)
	if used.Valid {
		t := fromMicros(used.Int64)
		k.LastUsedAt = &t
	}
	if revoked.Valid {
		t := fromMicros(revoked.Int64)
		k.RevokedAt = &t
	}
	return k, nil
}

// ListAPIKeys returns every key, revoked ones included, oldest first.
func (db *DB) ListAPIKeys(ctx context.Context) ([]smstrack.APIKey, error) {
	rows, err := db.reader.QueryContext(ctx, "SELECT "+apiKeyColumns+" FROM api_keys ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: list api keys: %w", err)
	}
	defer rows.Close()
	out := []smstrack.APIKey{}
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list api keys: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeAPIKey revokes the live keys with this id or name.
func (db *DB) RevokeAPIKey(ctx context.Context, idOrName string) error {
	id, err := strconv.ParseInt(idOrName, 10, 64)
	if err != nil {
		id = -1
	}
	res, err := db.writer.ExecContext(ctx, db.dialect.q(`UPDATE api_keys SET revoked_at = ?
		WHERE (id = ? OR name = ?) AND revoked_at IS NULL`), time.Now().UnixMicro(), id, idOrName)
	if err != nil {
		return fmt.Errorf("store: revoke api key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return smstrack.Errorf(smstrack.ENOTFOUND, "no live API key with id or name %q", idOrName)
	}
	return db.durable()
}

// AuthenticateAPIKey returns the live key whose secret hashes to hash.
func (db *DB) AuthenticateAPIKey(ctx context.Context, hash []byte) (*smstrack.APIKey, error) {
	k, err := scanAPIKey(db.reader.QueryRowContext(ctx, db.dialect.q("SELECT "+apiKeyColumns+
		" FROM api_keys WHERE hash = ? AND revoked_at IS NULL"), hex.EncodeToString(hash)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, smstrack.Errorf(smstrack.EUNAUTHORIZED, "invalid or revoked API key")
	} else if err != nil {
		return nil, fmt.Errorf("store: authenticate api key: %w", err)
	}
	return &k, nil
}
