package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/store"
)

// What the administrative commands share: their own flags beside the
// settings, the database the settings name, and the tables they print.

// splitOwnFlags separates a command's own flags (names, each taking a value
// as --name value or --name=value) from the rest of the line, which goes to
// config.Parse.
func splitOwnFlags(args []string, names ...string) (own, rest []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case !strings.HasPrefix(a, "-") || !slices.Contains(names, name):
			rest = append(rest, a)
		case hasValue:
			own = append(own, a)
		default:
			own = append(own, a)
			if i+1 < len(args) {
				own = append(own, args[i+1])
				i++
			}
		}
	}
	return own, rest
}

// openConfigured reads the settings of the command name from args and opens
// their database; rest is what the settings left.
func (m *Main) openConfigured(ctx context.Context, name string, args []string) (db *store.DB, rest []string, err error) {
	c, rest, err := config.Parse(name, args, m.Getenv)
	if err != nil {
		return nil, nil, err
	}
	db, err = m.openStore(ctx, c)
	return db, rest, err
}

// table starts a table on standard output under its tab-separated header;
// the caller writes the rows and flushes it.
func (m *Main) table(header string) *tabwriter.Writer {
	tw := tabwriter.NewWriter(m.Stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	return tw
}

// timeOrDash writes a time that may not have happened for a CLI table.
func timeOrDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}
