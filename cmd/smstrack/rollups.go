package main

import (
	"context"
	"fmt"

	"github.com/smstrack/smstrack/internal/config"
)

// rollups runs `smstrack rollups status|rebuild|verify`.
func (m *Main) rollups(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError("smstrack rollups needs status, rebuild or verify")
	}
	sub := args[0]
	c, rest, err := config.Parse("rollups "+sub, args[1:], m.Getenv)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError(fmt.Sprintf("smstrack rollups %s takes no arguments, got %q", sub, rest))
	}
	if sub != "status" && sub != "rebuild" && sub != "verify" {
		return usageError(fmt.Sprintf("unknown rollups command %q: use status, rebuild or verify", sub))
	}
	db, err := m.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	switch sub {
	case "rebuild":
		// Queued for the roller of the running server (or the next one started).
		n, err := db.RebuildRollups(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "queued %d messages; a running server rolls them up\n", n)
	case "verify":
		if _, err := db.RollUp(ctx); err != nil {
			return err
		}
		diffs, err := db.VerifyRollups(ctx, 50)
		if err != nil {
			return err
		}
		for _, d := range diffs {
			fmt.Fprintln(m.Stdout, d)
		}
		if len(diffs) > 0 {
			return fmt.Errorf("rollups differ from the messages in %d or more cells", len(diffs))
		}
		fmt.Fprintln(m.Stdout, "rollups match the messages")
	default:
		n, err := db.RollupQueueLength(ctx)
		if err != nil {
			return err
		}
		lag, err := db.RollupLag(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "queued changes: %d\nlag: %s\n", n, lag)
	}
	return nil
}
