package main

import (
	"context"
	"log/slog"
	"strconv"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/notify"
)

// optWebhooksAllowPrivate lets outbound webhooks reach private addresses.
const optWebhooksAllowPrivate = "webhooks-allow-private"

func init() {
	config.AddOptions(config.Option{Flag: optWebhooksAllowPrivate, Env: "SMSTRACK_WEBHOOKS_ALLOW_PRIVATE", Default: "false",
		Usage: "serve: let outbound webhooks reach private, loopback and link-local addresses (trusted networks only)"})
	serveJobs = append(serveJobs, startWebhookWorker)
}

// startWebhookWorker delivers outbound webhooks beside the server.
func startWebhookWorker(ctx context.Context, c *config.Config, db smstrack.Store, _ smstrack.Ingester, log *slog.Logger) error {
	allow, err := strconv.ParseBool(c.Get(optWebhooksAllowPrivate))
	if err != nil {
		return usageError("invalid value for --webhooks-allow-private (SMSTRACK_WEBHOOKS_ALLOW_PRIVATE): use true or false")
	}
	w := notify.NewWorker(db, log.With("job", "webhooks"), notify.Options{Guard: notify.Guard{AllowPrivate: allow}})
	go w.Run(ctx)
	return nil
}
