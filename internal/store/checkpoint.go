package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/mattn/go-sqlite3"
)

// sqliteDriver is go-sqlite3 with automatic checkpoints turned off on every
// connection. By default the connection whose commit crosses 1,000 pages of
// log copies them into the database, with fsyncs, while it still holds the
// write lock: every request queued behind it waits. The checkpointer below
// does that work on a connection of its own instead; a passive checkpoint
// runs beside the writer without blocking it.
const sqliteDriver = "sqlite3-smstrack"

func init() {
	sql.Register(sqliteDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec("PRAGMA wal_autocheckpoint = 0", nil)
		return err
	}})
}

// checkpointEvery is how often the log is copied into the database. The log
// grows between checkpoints by what the writer wrote meanwhile.
const checkpointEvery = time.Second

// checkpointer copies the write-ahead log into the database in the
// background until ctx ends. A passive checkpoint copies what no reader
// still needs and never waits for the writer or readers.
func checkpointer(ctx context.Context, conn *sql.DB, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			// An error (say, the database is busy) only postpones the work.
			_, _ = conn.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
		}
	}
}
