package main

import (
	"context"
	"path/filepath"

	"github.com/smstrack/smstrack/internal/benchdata"
	"github.com/smstrack/smstrack/internal/store"
)

// The generated data: see internal/benchdata.
const (
	fillVersion = benchdata.Version
	recipients  = benchdata.Recipients
)

var recipient = benchdata.Recipient

// schemaVersion is the store's current schema version: that of a scratch
// SQLite database the store has just migrated.
func schemaVersion(ctx context.Context, dir string) (int, error) {
	db, err := store.Open(ctx, filepath.Join(dir, "schema-probe.db"))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	return db.SchemaVersion(ctx)
}

// fill loads n generated messages into the database at dsn.
func fill(ctx context.Context, dsn string, n, workers int, seed uint64, progress func(done int)) error {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	return benchdata.Fill(ctx, db, n, workers, seed, progress)
}
