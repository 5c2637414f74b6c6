// Package testdb gives tests a fresh database of each kind the suite runs
// on: a SQLite file in a temporary directory, and a new database on the
// PostgreSQL server named by SMSTRACK_TEST_POSTGRES (which the README's test
// command starts). Without that variable PostgreSQL cases are skipped, unless
// SMSTRACK_REQUIRE_POSTGRES=1, when they fail: CI never skips them silently.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver
)

// Kinds are the database kinds every store test runs on.
var Kinds = []string{"sqlite", "postgres"}

// DSN returns a fresh, empty database of the given kind for t, dropped
// when the test ends.
func DSN(t testing.TB, kind string) string {
	t.Helper()
	switch kind {
	case "sqlite":
		return filepath.Join(t.TempDir(), "smstrack.db")
	case "postgres":
		return NewPostgres(t)
	}
	t.Fatalf("testdb: unknown kind %q", kind)
	return ""
}

// Each runs fn as a subtest once per database kind.
func Each(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) { fn(t, DSN(t, kind)) })
	}
}

// NewPostgres creates a new database on the test server and returns its DSN.
func NewPostgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv("SMSTRACK_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("SMSTRACK_REQUIRE_POSTGRES") == "1" {
			t.Fatal("testdb: SMSTRACK_TEST_POSTGRES is not set but PostgreSQL tests are required")
		}
		t.Skip("testdb: SMSTRACK_TEST_POSTGRES not set; run the README's test command to include PostgreSQL")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	name := "smstrack_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("testdb: create database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("testdb: bad SMSTRACK_TEST_POSTGRES: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}
