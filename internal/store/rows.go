package store

import (
	"context"
	"fmt"
)

// queryList runs q on the reader and reads every row with scan, for the
// lists whose rows each become one value. what names the list in errors
// ("store: list actions: ..."); no rows is an empty list, never nil.
func queryList[T any](ctx context.Context, db *DB, what, q string, args []any, scan func(scanner) (T, error)) ([]T, error) {
	rows, err := db.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}
