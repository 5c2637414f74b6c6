package testdb

import (
	"context"
	"testing"

	"github.com/smstrack/smstrack/internal/store"
)

// Open opens (and migrates) the store on dsn for t, closed when t ends:
// what most tests do first with the DSN Each hands them.
func Open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("testdb: open %s: %v", dsn, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
