package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/notify"
)

// webhook manages outbound webhook endpoints: create and rotate-secret
// print the signing secret once, as the last line of stdout.
func (m *Main) webhook(ctx context.Context, args []string) error {
	const usage = "webhook needs a subcommand: create, list, enable, disable, replay or rotate-secret"
	if len(args) == 0 {
		return usageError(usage)
	}
	sub, args := args[0], args[1:]
	own, args := splitOwnFlags(args, "url", "events", "event", "from", "to", "grace")
	fs := flag.NewFlagSet("webhook "+sub, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	url := fs.String("url", "", "where to deliver")
	events := fs.String("events", "", "comma-separated event types (default: all)")
	event := fs.Int64("event", 0, "the event to replay")
	from := fs.String("from", "", "replay events created from this time (RFC 3339)")
	to := fs.String("to", "", "replay events created before this time (RFC 3339)")
	grace := fs.Duration("grace", smstrack.DefaultSecretGrace, "how long the old secret keeps signing after a rotation")
	if err := fs.Parse(own); err != nil {
		return usageError(err.Error())
	}
	c, rest, err := config.Parse("webhook", args, m.Getenv)
	if err != nil {
		return err
	}
	idArg := func() (int64, error) {
		if len(rest) != 1 {
			return 0, usageError(fmt.Sprintf("webhook %s needs one endpoint ID", sub))
		}
		id, err := strconv.ParseInt(rest[0], 10, 64)
		if err != nil || id <= 0 {
			return 0, usageError(fmt.Sprintf("webhook %s: %q is not an endpoint ID", sub, rest[0]))
		}
		return id, nil
	}
	switch sub {
	case "create":
		if strings.TrimSpace(*url) == "" {
			return usageError("webhook create needs --url URL")
		}
	case "list":
	case "enable", "disable", "replay", "rotate-secret":
		if _, err := idArg(); err != nil {
			return err
		}
		if *grace < 0 || *grace > smstrack.MaxSecretGrace {
			return usageError(fmt.Sprintf("webhook rotate-secret: --grace must be between 0 and %s", smstrack.MaxSecretGrace))
		}
	default:
		return usageError(fmt.Sprintf("unknown webhook subcommand %q: use create, list, enable, disable, replay or rotate-secret", sub))
	}
	var replay smstrack.Replay
	if sub == "replay" {
		switch {
		case *event > 0 && *from == "" && *to == "":
			replay.EventID = *event
		case *event == 0 && *from != "" && *to != "":
			if replay.From, err = time.Parse(time.RFC3339, *from); err != nil {
				return usageError("webhook replay: --from must be an RFC 3339 time")
			}
			if replay.To, err = time.Parse(time.RFC3339, *to); err != nil {
				return usageError("webhook replay: --to must be an RFC 3339 time")
			}
		default:
			return usageError("webhook replay needs --event N, or --from T --to T")
		}
	}
	db, err := m.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()

	switch sub {
	case "create":
		var types []string
		for _, t := range strings.Split(*events, ",") {
			if t = strings.TrimSpace(t); t != "" {
				types = append(types, t)
			}
		}
		e, err := db.CreateEndpoint(ctx, smstrack.Endpoint{URL: strings.TrimSpace(*url), EventTypes: types, Secret: notify.GenerateSecret()})
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "created webhook endpoint %d for %s; its signing secret is shown once, store it now:\n", e.ID, e.URL)
		fmt.Fprintln(m.Stdout, e.Secret)
		return nil
	case "list":
		list, err := db.ListEndpoints(ctx)
		if err != nil {
			return err
		}
		tw := m.table("ID\tURL\tEVENTS\tENABLED\tCREATED\tDISABLED REASON")
		for _, e := range list {
			types := strings.Join(e.EventTypes, ",")
			if types == "" {
				types = "all"
			}
			reason := e.DisabledReason
			if reason == "" {
				reason = "-"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%t\t%s\t%s\n", e.ID, e.URL, types, e.Enabled, e.CreatedAt.Format(time.RFC3339), reason)
		}
		return tw.Flush()
	case "enable", "disable":
		id, _ := idArg()
		e, err := db.SetEndpointEnabled(ctx, id, sub == "enable", "disabled from the command line")
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "webhook endpoint %d %sd\n", e.ID, sub)
		return nil
	case "rotate-secret":
		id, _ := idArg()
		e, err := db.RotateEndpointSecret(ctx, id, notify.GenerateSecret(), time.Now().Add(*grace))
		if err != nil {
			return err
		}
		if e.PreviousSecretExpiresAt != nil {
			fmt.Fprintf(m.Stderr, "new signing secret for webhook endpoint %d; the old one keeps signing beside it until %s. Shown once, store it now:\n",
				e.ID, e.PreviousSecretExpiresAt.Format(time.RFC3339))
		} else {
			fmt.Fprintf(m.Stderr, "new signing secret for webhook endpoint %d, in force now. Shown once, store it now:\n", e.ID)
		}
		fmt.Fprintln(m.Stdout, e.Secret)
		return nil
	default: // replay
		id, _ := idArg()
		n, err := db.ReplayDeliveries(ctx, id, replay)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "queued %d deliveries to webhook endpoint %d\n", n, id)
		return nil
	}
}
