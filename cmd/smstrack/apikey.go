package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/smstrack/smstrack/internal/api"
	"github.com/smstrack/smstrack/internal/config"
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
		var own, rest []string
		for i := 0; i < len(args); i++ {
			if a := args[i]; a == "--name" || a == "-name" {
				own = append(own, a)
				if i+1 < len(args) {
					own = append(own, args[i+1])
					i++
				}
			} else if strings.HasPrefix(a, "--name=") || strings.HasPrefix(a, "-name=") {
				own = append(own, a)
			} else {
				rest = append(rest, a)
			}
		}
		if err := fs.Parse(own); err != nil {
			return usageError(err.Error())
		}
		args = rest
		if strings.TrimSpace(name) == "" {
			return usageError("apikey create needs --name NAME")
		}
	}
	c, rest, err := config.Parse("apikey", args, m.Getenv)
	if err != nil {
		return err
	}
	db, err := m.openStore(ctx, c)
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
		tw := tabwriter.NewWriter(m.Stdout, 2, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tPREFIX\tCREATED\tREVOKED")
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
