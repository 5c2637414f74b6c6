package smstrack

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// Role is what a console user may do: admins change settings and users,
// viewers only read.
type Role string

// The console's roles.
const (
	RoleAdmin  Role = "admin"
	RoleViewer Role = "viewer"
)

// ParseRole reads a role name, answering EINVALID for anything else.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleAdmin, RoleViewer:
		return r, nil
	}
	return "", FieldError("role", "role must be admin or viewer, not %q", s)
}

// Allows reports whether a user with this role may do what needs role need.
func (r Role) Allows(need Role) bool {
	return r == RoleAdmin || (r == RoleViewer && need == RoleViewer)
}

// MaxEmailLength bounds an e-mail address (RFC 5321's path limit).
const MaxEmailLength = 254

// NormalizeEmail trims and lower-cases an address and checks it is one, so
// one person has one account and one lockout, whatever they type.
func NormalizeEmail(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	if e == "" {
		return "", FieldError("email", "an e-mail address is required")
	}
	if len(e) > MaxEmailLength {
		return "", FieldError("email", "e-mail address is longer than %d characters", MaxEmailLength)
	}
	if a, err := mail.ParseAddress(e); err != nil || a.Address != e || a.Name != "" {
		return "", FieldError("email", "%q is not an e-mail address", s)
	}
	return e, nil
}

// User is a person who signs in to the console. PasswordHash is the
// encoded password hash; it never leaves the server.
type User struct {
	ID           int64      `json:"id"`
	Email        string     `json:"email"`
	Role         Role       `json:"role"`
	PasswordHash string     `json:"-"`
	CreatedAt    time.Time  `json:"created_at"`
	LastLoginAt  *time.Time `json:"last_login_at,omitempty"`
}

// Session is a signed-in browser. It is found by the hash of the token in
// its cookie; the token itself is never stored. CSRFToken is the
// synchronizer token its forms carry.
type Session struct {
	UserID     int64
	CSRFToken  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // the absolute end, whatever the activity
}

// UserStore keeps console users, their sessions and failed sign-ins; the
// stores implement it. Sessions live in the database so that several
// instances behind one load balancer share them.
type UserStore interface {
	// CreateUser stores a user, or answers ECONFLICT when the e-mail is taken.
	CreateUser(ctx context.Context, email string, role Role, passwordHash string) (*User, error)
	// ListUsers returns every user, oldest first.
	ListUsers(ctx context.Context) ([]User, error)
	// GetUserByEmail returns the user with this (normalized) e-mail, or ENOTFOUND.
	GetUserByEmail(ctx context.Context, email string) (*User, error)
	// SetUserPassword replaces a user's password hash and ends their sessions.
	SetUserPassword(ctx context.Context, id int64, passwordHash string) error
	// SetUserRole changes a user's role; the last admin cannot be demoted (ECONFLICT).
	SetUserRole(ctx context.Context, id int64, role Role) error
	// DeleteUser removes a user and their sessions; the last admin cannot be
	// removed (ECONFLICT).
	DeleteUser(ctx context.Context, id int64) error
	// RecordLogin notes a successful sign-in.
	RecordLogin(ctx context.Context, id int64, at time.Time) error

	// CreateSession stores a session under the hash of its token.
	CreateSession(ctx context.Context, tokenHash []byte, s Session) error
	// GetSession returns the session with this token hash and its user, or
	// EUNAUTHORIZED. Expiry is the caller's decision.
	GetSession(ctx context.Context, tokenHash []byte) (*Session, *User, error)
	// TouchSession records activity on a session.
	TouchSession(ctx context.Context, tokenHash []byte, at time.Time) error
	// DeleteSession ends a session; ending one that is gone is no error.
	DeleteSession(ctx context.Context, tokenHash []byte) error
	// DeleteSessionsBefore removes sessions idle since before idle or past
	// their absolute end at now, and returns how many.
	DeleteSessionsBefore(ctx context.Context, idle, now time.Time) (int, error)

	// RecordLoginFailure notes a failed sign-in for an e-mail, known or not.
	RecordLoginFailure(ctx context.Context, email string, at time.Time) error
	// CountLoginFailures counts an e-mail's failed sign-ins since a time.
	CountLoginFailures(ctx context.Context, email string, since time.Time) (int, error)
	// ClearLoginFailures forgets an e-mail's failures (after a success), and
	// every failure older than before.
	ClearLoginFailures(ctx context.Context, email string, before time.Time) error
}
