package main

import (
	"context"
	"log/slog"
	"strconv"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/notify"
	"github.com/smstrack/smstrack/internal/provider/twilio"
)

// optWebhooksAllowPrivate lets outbound webhooks reach private addresses.
const optWebhooksAllowPrivate = "webhooks-allow-private"

func init() {
	config.AddOptions(config.Option{Flag: optWebhooksAllowPrivate, Env: "SMSTRACK_WEBHOOKS_ALLOW_PRIVATE", Default: "false",
		Usage: "serve: let outbound webhooks reach private, loopback and link-local addresses (trusted networks only)"})
	serveJobs = append(serveJobs, startWebhookWorker)
}

// startWebhookWorker delivers outbound webhooks and relayed status
// callbacks beside the server.
func startWebhookWorker(ctx context.Context, c *config.Config, db smstrack.Store, _ smstrack.Ingester, log *slog.Logger) error {
	allow, err := strconv.ParseBool(c.Get(optWebhooksAllowPrivate))
	if err != nil {
		return usageError("invalid value for --webhooks-allow-private (SMSTRACK_WEBHOOKS_ALLOW_PRIVATE): use true or false")
	}
	accounts, err := twilio.ParseAccounts(c.TwilioAccounts)
	if err != nil {
		return err
	}
	opts := notify.Options{Guard: notify.Guard{AllowPrivate: allow},
		Relays: map[string]notify.RelaySigner{twilio.Provider: twilio.RelaySigner(accounts)}}
	if m := metricsFrom(ctx); m != nil {
		opts.OnAttempt = m.ObserveAttempt
	}
	w := notify.NewWorker(db, log.With("job", "webhooks"), opts)
	// Deliveries in flight at shutdown finish and are recorded, so none is
	// made again after a restart.
	serveJobsRunning.Add(1)
	go func() {
		defer serveJobsRunning.Done()
		w.Run(ctx)
	}()
	return nil
}
