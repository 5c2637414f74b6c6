package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/testdb"
)

func TestUsersCreateListRoleDelete(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := open(t, dsn)
		ctx := context.Background()
		ada, err := db.CreateUser(ctx, "ada@example.com", smstrack.RoleAdmin, "$argon2id$hash-a")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateUser(ctx, "ada@example.com", smstrack.RoleViewer, "x"); smstrack.ErrorCode(err) != smstrack.ECONFLICT {
			t.Fatalf("same e-mail again: got %v, want ECONFLICT", err)
		}
		bob, err := db.CreateUser(ctx, "bob@example.com", smstrack.RoleViewer, "$argon2id$hash-b")
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.GetUserByEmail(ctx, "ada@example.com")
		if err != nil || got.ID != ada.ID || got.Role != smstrack.RoleAdmin || got.PasswordHash != "$argon2id$hash-a" || got.LastLoginAt != nil {
			t.Fatalf("get ada: %+v %v", got, err)
		}
		if _, err := db.GetUserByEmail(ctx, "eve@example.com"); smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			t.Errorf("unknown e-mail: %v", err)
		}
		at := time.Date(2025, 5, 1, 9, 30, 0, 0, time.UTC)
		if err := db.RecordLogin(ctx, bob.ID, at); err != nil {
			t.Fatal(err)
		}
		list, err := db.ListUsers(ctx)
		if err != nil || len(list) != 2 || list[0].Email != "ada@example.com" || list[1].LastLoginAt == nil || !list[1].LastLoginAt.Equal(at) {
			t.Fatalf("list: %+v %v", list, err)
		}

		// The last admin stays: neither demoted nor deleted.
		if err := db.SetUserRole(ctx, ada.ID, smstrack.RoleViewer); smstrack.ErrorCode(err) != smstrack.ECONFLICT {
			t.Errorf("demote the last admin: %v, want ECONFLICT", err)
		}
		if err := db.DeleteUser(ctx, ada.ID); smstrack.ErrorCode(err) != smstrack.ECONFLICT {
			t.Errorf("delete the last admin: %v, want ECONFLICT", err)
		}
		if err := db.SetUserRole(ctx, bob.ID, smstrack.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		if err := db.SetUserRole(ctx, ada.ID, smstrack.RoleViewer); err != nil {
			t.Errorf("demote with another admin: %v", err)
		}
		if err := db.SetUserRole(ctx, 999, smstrack.RoleAdmin); smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			t.Errorf("role of a missing user: %v", err)
		}
		if err := db.DeleteUser(ctx, ada.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteUser(ctx, ada.ID); smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			t.Errorf("delete twice: %v", err)
		}
	})
}

func TestSessions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := open(t, dsn)
		ctx := context.Background()
		u, err := db.CreateUser(ctx, "ada@example.com", smstrack.RoleAdmin, "h")
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
		hash := bytes.Repeat([]byte{7}, 32)
		s := smstrack.Session{UserID: u.ID, CSRFToken: "csrf-1", CreatedAt: at, LastSeenAt: at, ExpiresAt: at.Add(7 * 24 * time.Hour)}
		if err := db.CreateSession(ctx, hash, s); err != nil {
			t.Fatal(err)
		}
		got, user, err := db.GetSession(ctx, hash)
		if err != nil || got.CSRFToken != "csrf-1" || !got.ExpiresAt.Equal(s.ExpiresAt) || user.Email != "ada@example.com" || user.Role != smstrack.RoleAdmin {
			t.Fatalf("get: %+v %+v %v", got, user, err)
		}
		if err := db.TouchSession(ctx, hash, at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := db.GetSession(ctx, hash); !got.LastSeenAt.Equal(at.Add(time.Hour)) {
			t.Errorf("touched: last seen %v", got.LastSeenAt)
		}
		if _, _, err := db.GetSession(ctx, bytes.Repeat([]byte{8}, 32)); smstrack.ErrorCode(err) != smstrack.EUNAUTHORIZED {
			t.Errorf("unknown session: %v", err)
		}

		// A new password ends every session of the user.
		if err := db.SetUserPassword(ctx, u.ID, "h2"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.GetSession(ctx, hash); smstrack.ErrorCode(err) != smstrack.EUNAUTHORIZED {
			t.Errorf("after a password change: %v", err)
		}
		if got, _ := db.GetUserByEmail(ctx, "ada@example.com"); got.PasswordHash != "h2" {
			t.Errorf("password hash %q", got.PasswordHash)
		}

		// The sweep removes idle and expired sessions, and deleting the
		// user removes theirs.
		idle, expired, live := []byte("idle-----------------------------"), []byte("expired--------------------------"), []byte("live-----------------------------")
		db.CreateSession(ctx, idle, smstrack.Session{UserID: u.ID, CSRFToken: "a", CreatedAt: at, LastSeenAt: at, ExpiresAt: at.Add(48 * time.Hour)})
		db.CreateSession(ctx, expired, smstrack.Session{UserID: u.ID, CSRFToken: "b", CreatedAt: at, LastSeenAt: at.Add(20 * time.Hour), ExpiresAt: at.Add(21 * time.Hour)})
		db.CreateSession(ctx, live, smstrack.Session{UserID: u.ID, CSRFToken: "c", CreatedAt: at, LastSeenAt: at.Add(20 * time.Hour), ExpiresAt: at.Add(48 * time.Hour)})
		now := at.Add(22 * time.Hour)
		if n, err := db.DeleteSessionsBefore(ctx, now.Add(-12*time.Hour), now); err != nil || n != 2 {
			t.Errorf("sweep: %d %v, want 2", n, err)
		}
		if _, _, err := db.GetSession(ctx, live); err != nil {
			t.Errorf("the live session was swept: %v", err)
		}
		if err := db.DeleteSession(ctx, live); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteSession(ctx, live); err != nil {
			t.Errorf("ending a gone session: %v", err)
		}
		db.CreateSession(ctx, live, smstrack.Session{UserID: u.ID, CSRFToken: "c", CreatedAt: at, LastSeenAt: at, ExpiresAt: at.Add(time.Hour)})
		other, _ := db.CreateUser(ctx, "bob@example.com", smstrack.RoleAdmin, "h")
		if err := db.DeleteUser(ctx, u.ID); err != nil || other == nil {
			t.Fatal(err)
		}
		if _, _, err := db.GetSession(ctx, live); smstrack.ErrorCode(err) != smstrack.EUNAUTHORIZED {
			t.Errorf("a deleted user's session: %v", err)
		}
	})
}

func TestLoginFailures(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := open(t, dsn)
		ctx := context.Background()
		at := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
		for i := range 4 {
			if err := db.RecordLoginFailure(ctx, "ada@example.com", at.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		db.RecordLoginFailure(ctx, "nobody@example.com", at)
		if n, err := db.CountLoginFailures(ctx, "ada@example.com", at.Add(90*time.Second)); err != nil || n != 2 {
			t.Errorf("failures since 9:01:30: %d %v, want 2", n, err)
		}
		if err := db.ClearLoginFailures(ctx, "ada@example.com", at.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.CountLoginFailures(ctx, "ada@example.com", at); n != 0 {
			t.Errorf("after clearing: %d", n)
		}
		// Clearing one e-mail also drops every failure older than the window.
		if n, _ := db.CountLoginFailures(ctx, "nobody@example.com", at.Add(-time.Hour)); n != 0 {
			t.Errorf("old failures of another e-mail kept: %d", n)
		}
	})
}
