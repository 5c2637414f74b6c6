package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/smstrack/smstrack/internal/api"
)

// apikey manages API keys: create prints the secret once, as the last line
// of stdout, so scripts can capture it with tail -n 1.
func (m *Main) apikey(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError("apikey needs a subcommand: create, list or revoke")
	}
	sub, args := args[0], args[1:]
	var name string
	if sub == "create" {
		fs := flag.NewFlagSet("apikey create", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.StringVar(&name, "name", "", "a name for the key")
		// Database flags may follow --name; split them off for config.Parse.
		own, rest := splitOwnFlags(args, "name")
		if err := fs.Parse(own); err != nil {
			return usageError(err.Error())
		}
		args = rest
		if strings.TrimSpace(name) == "" {
			return usageError("apikey create needs --name NAME")
		}
	}
	db, rest, err := m.openConfigured(ctx, "apikey", args)
	if err != nil {
		return err
	}
	defer db.Close()

	switch sub {
	case "create":
		secret, prefix, hash := api.GenerateKey()
		k, err := db.CreateAPIKey(ctx, name, prefix, hash)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "created API key %d %q; it is shown once, store it now:\n", k.ID, k.Name)
		fmt.Fprintln(m.Stdout, secret)
		return nil
	case "list":
		keys, err := db.ListAPIKeys(ctx)
		if err != nil {
			return err
		}
		tw := m.table("ID\tNAME\tPREFIX\tCREATED\tREVOKED")
		for _, k := range keys {
			fmt.Fprintf(tw, "%d\t%s\t%s…\t%s\t%s\n", k.ID, k.Name, k.Prefix, k.CreatedAt.Format(time.RFC3339), timeOrDash(k.RevokedAt))
		}
		return tw.Flush()
	case "revoke":
		if len(rest) != 1 {
			return usageError("apikey revoke needs one ID or NAME")
		}
		if err := db.RevokeAPIKey(ctx, rest[0]); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "revoked %s\n", rest[0])
		return nil
	}
	return usageError(fmt.Sprintf("unknown apikey subcommand %q: use create, list or revoke", sub))
}
