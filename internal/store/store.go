// Package store implements smstrack.Store on SQLite (the embedded default)
// and PostgreSQL. Both share one body of Go code and SQL; the few places the
// dialects differ live in dialect.go. The store owns the schema and its
// migrations; it knows nothing of HTTP or providers.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver, registered as "pgx"

	"github.com/smstrack/smstrack"
)

// DB is a Store on one database. Writes go through writer; reads through
// reader (on SQLite a separate pool, so readers never wait for the single
// writer connection; on PostgreSQL the same pool).
type DB struct {
	writer  *sql.DB
	reader  *sql.DB
	dialect *dialect
	wal     *walSyncer // SQLite: makes commits durable; nil on PostgreSQL

	replyWindow time.Duration // see SetReplyWindow
	rollup      rollupState   // rollup.go
	timings     Timings       // see SetTimings

	stopCheckpoints func() // SQLite: ends the background checkpoints
}

var _ smstrack.Store = (*DB)(nil)

// IsPostgres reports whether dsn names a PostgreSQL database rather than a
// SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens (creating if needed) the database and applies pending
// migrations. dsn is a postgres:// URL or the path of a SQLite file.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db, err := OpenNoMigrate(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// OpenNoMigrate opens the database without touching its schema.
func OpenNoMigrate(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

// sqlitePragmas are every SQLite setting the store relies on, in one place:
// WAL so readers never block the writer; synchronous=NORMAL because the
// store fsyncs the log itself after each commit, outside the write lock, and
// before anything is acknowledged (walsync.go); busy_timeout for the CLI
// running beside a server; foreign keys for cascades; the statement cache
// keeps the ingest path's statements parsed.
const sqlitePragmas = "_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=10000&_foreign_keys=on&_txlock=immediate&cache=private&_stmt_cache_size=256"

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("store: create data directory: %w", err)
		}
	}
	dsn := "file:" + path + "?" + sqlitePragmas
	writer, err := sql.Open(sqliteDriver, dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	writer.SetMaxOpenConns(1) // SQLite has one writer; queueing here beats busy errors
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	reader, err := sql.Open(sqliteDriver, dsn+"&mode=ro")
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	reader.SetMaxOpenConns(8)
	reader.SetMaxIdleConns(8)
	reader.SetConnMaxLifetime(0)
	db := &DB{writer: writer, reader: reader, dialect: sqliteDialect, wal: newWALSyncer(path)}
	if err := writer.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	cp, err := sql.Open(sqliteDriver, dsn)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	cp.SetMaxOpenConns(1)
	cpCtx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go checkpointer(cpCtx, cp, done)
	db.stopCheckpoints = func() {
		cancel()
		<-done
		cp.Close()
	}
	return db, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	// Batches are multi-row statements whose text varies with their size:
	// preparing and caching each one would cost a round trip and evict the
	// cache. The exec mode sends each in one round trip, unprepared.
	if !strings.Contains(dsn, "default_query_exec_mode") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		dsn += sep + "default_query_exec_mode=exec"
	}
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	pool.SetMaxOpenConns(16)
	pool.SetMaxIdleConns(16)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: connect to postgres: %w", err)
	}
	return &DB{writer: pool, reader: pool, dialect: postgresDialect}, nil
}

// Dialect names the database: "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.dialect.name }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.reader.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// durable returns once every commit made so far is on disk: a no-op on
// PostgreSQL, whose commit already is.
func (db *DB) durable() error {
	if db.wal == nil {
		return nil
	}
	return db.wal.sync(db.wal.commit())
}

// Close releases the database.
func (db *DB) Close() error {
	if db.stopCheckpoints != nil {
		db.stopCheckpoints()
	}
	if db.wal != nil {
		db.wal.close()
	}
	err := db.writer.Close()
	if db.reader != db.writer {
		if rerr := db.reader.Close(); err == nil {
			err = rerr
		}
	}
	return err
}
