package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// pipeline runs the statements of a transaction that do not need each
// other's results. On PostgreSQL they are held until flush and sent as one
// pgx batch: one round trip for all, where each costs a wake-up of both
// processes on a machine whose cores are the bottleneck. On SQLite, in
// process, each runs at once. Either way they run in the order queued, and
// each sees what the ones before it did; the caller reads a statement's
// results only after flush.
type pipeline struct {
	tx    *sql.Tx
	conn  *sql.Conn // PostgreSQL: the connection tx runs on; nil runs each statement at once
	batch pgx.Batch
	err   error // the first error of a statement run at once, returned by flush
}

// newPipeline returns the pipeline of tx, which runs on conn.
func (db *DB) newPipeline(conn *sql.Conn, tx *sql.Tx) *pipeline {
	p := &pipeline{tx: tx}
	if !db.dialect.rowAtATime {
		p.conn = conn
	}
	return p
}

// query queues a statement whose rows are handed to row one by one; what
// names it in errors ("store: find messages").
func (p *pipeline) query(ctx context.Context, what, q string, args []any, row func(scanner) error) {
	if p.conn != nil {
		p.batch.Queue(q, args...).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				if err := row(rows); err != nil {
					return fmt.Errorf("%s: %w", what, err)
				}
			}
			if err := rows.Err(); err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			return nil
		})
		return
	}
	if p.err != nil {
		return
	}
	rows, err := p.tx.QueryContext(ctx, q, args...)
	if err != nil {
		p.err = fmt.Errorf("%s: %w", what, err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			p.err = fmt.Errorf("%s: %w", what, err)
			return
		}
	}
	if err := rows.Err(); err != nil {
		p.err = fmt.Errorf("%s: %w", what, err)
	}
}

// exec queues a statement that returns no rows.
func (p *pipeline) exec(ctx context.Context, what, q string, args ...any) {
	if p.conn != nil {
		p.batch.Queue(q, args...).Fn = func(br pgx.BatchResults) error {
			if _, err := br.Exec(); err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			return nil
		}
		return
	}
	if p.err != nil {
		return
	}
	if _, err := p.tx.ExecContext(ctx, q, args...); err != nil {
		p.err = fmt.Errorf("%s: %w", what, err)
	}
}

// flush runs what is queued and returns the first error. After an error
// the transaction is aborted and must be rolled back.
func (p *pipeline) flush(ctx context.Context) error {
	if p.conn == nil || len(p.batch.QueuedQueries) == 0 {
		err := p.err
		p.err = nil
		return err
	}
	batch := p.batch
	p.batch = pgx.Batch{}
	return p.conn.Raw(func(driverConn any) error {
		return driverConn.(*stdlib.Conn).Conn().SendBatch(ctx, &batch).Close()
	})
}
