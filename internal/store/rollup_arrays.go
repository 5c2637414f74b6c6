package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// PostgreSQL parses and plans a multi-row statement by its size: a hundred
// rows of thirty columns bind three thousand parameters and cost tens of
// milliseconds before a row is written. The roller's large writes instead
// pass one array per column and unnest them: one short statement, one
// round trip, whatever the number of rows.

// arrayColumns turns rows of values (int64, string or []byte, in the same
// order in every row) into one array per column for unnest, and the SQL
// list of their casts.
func arrayColumns(rows [][]any) (args []any, casts string) {
	if len(rows) == 0 {
		return nil, ""
	}
	var b strings.Builder
	for j, v := range rows[0] {
		if j > 0 {
			b.WriteString(", ")
		}
		switch v.(type) {
		case int64, int, nil:
			col := make([]*int64, len(rows)) // nil: NULL
			for i, r := range rows {
				switch x := r[j].(type) {
				case int64:
					col[i] = &x
				case int:
					v := int64(x)
					col[i] = &v
				}
			}
			args = append(args, col)
			b.WriteString("CAST(? AS BIGINT[])")
		case string:
			col := make([]string, len(rows))
			for i, r := range rows {
				col[i] = r[j].(string)
			}
			args = append(args, col)
			b.WriteString("CAST(? AS TEXT[])")
		case []byte:
			col := make([][]byte, len(rows))
			for i, r := range rows {
				col[i], _ = r[j].([]byte)
			}
			args = append(args, col)
			b.WriteString("CAST(? AS BYTEA[])")
		default:
			panic(fmt.Sprintf("store: no array column for %T", v))
		}
	}
	return args, b.String()
}

// insertUnnested runs "INSERT INTO table (cols) SELECT * FROM unnest(...)"
// followed by tail, for rows of values in cols order (PostgreSQL only).
func (db *DB) insertUnnested(ctx context.Context, tx *sql.Tx, table, cols string, rows [][]any, tail string) error {
	if len(rows) == 0 {
		return nil
	}
	args, casts := arrayColumns(rows)
	q := "INSERT INTO " + table + " (" + cols + ") SELECT * FROM unnest(" + casts + ")" + tail
	if _, err := tx.ExecContext(ctx, db.dialect.q(q), args...); err != nil {
		return fmt.Errorf("store: insert %s: %w", table, err)
	}
	return nil
}
