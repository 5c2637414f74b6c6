package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/smstrack/smstrack"
)

var _ smstrack.UserStore = (*DB)(nil)

const userColumns = "id, email, role, password_hash, created_at, last_login_at"

func scanUser(row scanner) (smstrack.User, error) {
	var u smstrack.User
	var created int64
	var last sql.NullInt64
	if err := row.Scan(&u.ID, &u.Email, &u.Role, &u.PasswordHash, &created, &last); err != nil {
		return u, err
	}
	u.CreatedAt = fromMicros(created)
	if last.Valid {
		t := fromMicros(last.Int64)
		u.LastLoginAt = &t
	}
	return u, nil
}

// CreateUser stores a user, or answers ECONFLICT when the e-mail is taken.
func (db *DB) CreateUser(ctx context.Context, email string, role smstrack.Role, passwordHash string) (*smstrack.User, error) {
	now := fromMicros(time.Now().UnixMicro())
	var id int64
	err := db.writer.QueryRowContext(ctx, db.dialect.q(`INSERT INTO users (email, role, password_hash, created_at)
		VALUES (?, ?, ?, ?) RETURNING id`), email, string(role), passwordHash, now.UnixMicro()).Scan(&id)
	switch {
	case isUniqueViolation(err):
		return nil, smstrack.Errorf(smstrack.ECONFLICT, "a user with e-mail %s already exists", email)
	case err != nil:
		return nil, fmt.Errorf("store: create user: %w", err)
	}
	if err := db.durable(); err != nil {
		return nil, err
	}
	return &smstrack.User{ID: id, Email: email, Role: role, PasswordHash: passwordHash, CreatedAt: now}, nil
}

// ListUsers returns every user, oldest first.
func (db *DB) ListUsers(ctx context.Context) ([]smstrack.User, error) {
	rows, err := db.reader.QueryContext(ctx, "SELECT "+userColumns+" FROM users ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	out := []smstrack.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// GetUserByEmail returns the user with this e-mail, or ENOTFOUND.
func (db *DB) GetUserByEmail(ctx context.Context, email string) (*smstrack.User, error) {
	u, err := scanUser(db.reader.QueryRowContext(ctx, db.dialect.q("SELECT "+userColumns+" FROM users WHERE email = ?"), email))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, smstrack.Errorf(smstrack.ENOTFOUND, "no user with e-mail %s", email)
	} else if err != nil {
		return nil, fmt.Errorf("store: get user: %w", err)
	}
	return &u, nil
}

// SetUserPassword replaces a user's password hash and ends their sessions,
// so a changed password locks out whoever knew the old one.
func (db *DB) SetUserPassword(ctx context.Context, id int64, passwordHash string) error {
	return db.userTx(ctx, "set password", func(tx *sql.Tx) error {
		if err := userExists(ctx, db, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.dialect.q("UPDATE users SET password_hash = ? WHERE id = ?"), passwordHash, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, db.dialect.q("DELETE FROM sessions WHERE user_id = ?"), id)
		return err
	})
}

// SetUserRole changes a user's role; the last admin keeps theirs.
func (db *DB) SetUserRole(ctx context.Context, id int64, role smstrack.Role) error {
	return db.userTx(ctx, "set role", func(tx *sql.Tx) error {
		if role != smstrack.RoleAdmin {
			if err := keepAnAdmin(ctx, db, tx, id, "demoted"); err != nil {
				return err
			}
		}
		if err := userExists(ctx, db, tx, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, db.dialect.q("UPDATE users SET role = ? WHERE id = ?"), string(role), id)
		return err
	})
}

// DeleteUser removes a user and, by cascade, their sessions; the last admin stays.
func (db *DB) DeleteUser(ctx context.Context, id int64) error {
	return db.userTx(ctx, "delete user", func(tx *sql.Tx) error {
		if err := keepAnAdmin(ctx, db, tx, id, "deleted"); err != nil {
			return err
		}
		if err := userExists(ctx, db, tx, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, db.dialect.q("DELETE FROM users WHERE id = ?"), id)
		return err
	})
}

// userTx runs fn in a write transaction and makes it durable.
func (db *DB) userTx(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		if smstrack.ErrorCode(err) != smstrack.EINTERNAL {
			return err
		}
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return db.durable()
}

func userExists(ctx context.Context, db *DB, tx *sql.Tx, id int64) error {
	var one int
	err := tx.QueryRowContext(ctx, db.dialect.q("SELECT 1 FROM users WHERE id = ?"), id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return smstrack.Errorf(smstrack.ENOTFOUND, "no user with id %d", id)
	}
	return err
}

// keepAnAdmin refuses to take away user id's admin role when no other admin
// remains: the console would have nobody left to manage it. The admins'
// rows are locked, so two admins removing each other cannot both succeed.
func keepAnAdmin(ctx context.Context, db *DB, tx *sql.Tx, id int64, what string) error {
	rows, err := tx.QueryContext(ctx, db.dialect.q("SELECT id FROM users WHERE role = ?"+db.dialect.forUpdate), string(smstrack.RoleAdmin))
	if err != nil {
		return err
	}
	defer rows.Close()
	isAdmin, others := false, 0
	for rows.Next() {
		var a int64
		if err := rows.Scan(&a); err != nil {
			return err
		}
		if a == id {
			isAdmin = true
		} else {
			others++
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if isAdmin && others == 0 {
		return smstrack.Errorf(smstrack.ECONFLICT, "the last admin cannot be %s: make another user admin first", what)
	}
	return nil
}

// RecordLogin notes a successful sign-in.
func (db *DB) RecordLogin(ctx context.Context, id int64, at time.Time) error {
	if _, err := db.writer.ExecContext(ctx, db.dialect.q("UPDATE users SET last_login_at = ? WHERE id = ?"), at.UnixMicro(), id); err != nil {
		return fmt.Errorf("store: record login: %w", err)
	}
	return nil
}

// CreateSession stores a session under the hash of its token.
func (db *DB) CreateSession(ctx context.Context, tokenHash []byte, s smstrack.Session) error {
	if _, err := db.writer.ExecContext(ctx, db.dialect.q(`INSERT INTO sessions
		(token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`),
		hex.EncodeToString(tokenHash), s.UserID, s.CSRFToken, s.CreatedAt.UnixMicro(), s.LastSeenAt.UnixMicro(), s.ExpiresAt.UnixMicro()); err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return db.durable()
}

// GetSession returns the session with this token hash and its user.
func (db *DB) GetSession(ctx context.Context, tokenHash []byte) (*smstrack.Session, *smstrack.User, error) {
	var s smstrack.Session
	var created, seen, expires, userCreated int64
	var u smstrack.User
	var last sql.NullInt64
	err := db.reader.QueryRowContext(ctx, db.dialect.q(`SELECT s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at,
		u.email, u.role, u.created_at, u.last_login_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`), hex.EncodeToString(tokenHash)).
		Scan(&s.UserID, &s.CSRFToken, &created, &seen, &expires, &u.Email, &u.Role, &userCreated, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, smstrack.Errorf(smstrack.EUNAUTHORIZED, "no such session")
	} else if err != nil {
		return nil, nil, fmt.Errorf("store: get session: %w", err)
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = fromMicros(created), fromMicros(seen), fromMicros(expires)
	u.ID, u.CreatedAt = s.UserID, fromMicros(userCreated)
	if last.Valid {
		t := fromMicros(last.Int64)
		u.LastLoginAt = &t
	}
	return &s, &u, nil
}

// TouchSession records activity on a session. It need not be durable: a
// lost touch only makes the session look idle a little earlier.
func (db *DB) TouchSession(ctx context.Context, tokenHash []byte, at time.Time) error {
	if _, err := db.writer.ExecContext(ctx, db.dialect.q("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?"),
		at.UnixMicro(), hex.EncodeToString(tokenHash)); err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, tokenHash []byte) error {
	if _, err := db.writer.ExecContext(ctx, db.dialect.q("DELETE FROM sessions WHERE token_hash = ?"), hex.EncodeToString(tokenHash)); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return db.durable()
}

// DeleteSessionsBefore removes sessions idle since before idle or past
// their absolute end.
func (db *DB) DeleteSessionsBefore(ctx context.Context, idle, now time.Time) (int, error) {
	res, err := db.writer.ExecContext(ctx, db.dialect.q("DELETE FROM sessions WHERE last_seen_at < ? OR expires_at <= ?"),
		idle.UnixMicro(), now.UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("store: delete old sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// RecordLoginFailure notes a failed sign-in for an e-mail, known or not.
func (db *DB) RecordLoginFailure(ctx context.Context, email string, at time.Time) error {
	if _, err := db.writer.ExecContext(ctx, db.dialect.q("INSERT INTO login_failures (email, at) VALUES (?, ?)"),
		email, at.UnixMicro()); err != nil {
		return fmt.Errorf("store: record login failure: %w", err)
	}
	return db.durable()
}

// CountLoginFailures counts an e-mail's failed sign-ins since a time.
func (db *DB) CountLoginFailures(ctx context.Context, email string, since time.Time) (int, error) {
	var n int
	if err := db.reader.QueryRowContext(ctx, db.dialect.q("SELECT COUNT(*) FROM login_failures WHERE email = ? AND at >= ?"),
		email, since.UnixMicro()).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count login failures: %w", err)
	}
	return n, nil
}

// ClearLoginFailures forgets an e-mail's failures and every failure older
// than before, which no lockout window reaches any more.
func (db *DB) ClearLoginFailures(ctx context.Context, email string, before time.Time) error {
	if _, err := db.writer.ExecContext(ctx, db.dialect.q("DELETE FROM login_failures WHERE email = ? OR at < ?"),
		email, before.UnixMicro()); err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	return db.durable()
}
