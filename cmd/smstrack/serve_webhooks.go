package main

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/notify"
	"github.com/smstrack/smstrack/internal/provider/twilio"
)

// The settings of outbound webhooks: whether they may reach private
// addresses, and how long the outbox keeps what is settled.
const (
	optWebhooksAllowPrivate = "webhooks-allow-private"
	optWebhookRetentionDays = "webhook-retention-days"
)

func init() {
	config.AddOptions(config.Option{Flag: optWebhooksAllowPrivate, Env: "SMSTRACK_WEBHOOKS_ALLOW_PRIVATE", Default: "false",
		Usage: "serve: let outbound webhooks reach private, loopback and link-local addresses (trusted networks only)"},
		config.Option{Flag: optWebhookRetentionDays, Env: "SMSTRACK_WEBHOOK_RETENTION_DAYS", Default: "30",
			Usage: "serve: remove delivered and dead webhook deliveries, attempt logs and their events after N days, hourly (0 keeps them)"})
	serveJobs = append(serveJobs, startWebhookWorker)
}

// startWebhookWorker delivers outbound webhooks and relayed status
// callbacks beside the server.
func startWebhookWorker(ctx context.Context, c *config.Config, db smstrack.Store, _ smstrack.Ingester, log *slog.Logger) error {
	allow, err := strconv.ParseBool(c.Get(optWebhooksAllowPrivate))
	if err != nil {
		return usageError("invalid value for --webhooks-allow-private (SMSTRACK_WEBHOOKS_ALLOW_PRIVATE): use true or false")
	}
	days, err := strconv.Atoi(c.Get(optWebhookRetentionDays))
	if err != nil || days < 0 {
		return usageError("invalid value for --webhook-retention-days (SMSTRACK_WEBHOOK_RETENTION_DAYS): use a whole number of days, 0 to keep everything")
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
	if days > 0 {
		go cleanOutbox(ctx, db, time.Duration(days)*24*time.Hour, log)
	}
	return nil
}

// cleanOutbox removes what the outbox keeps beyond the retention period,
// at start and then every retentionEvery, until ctx ends.
func cleanOutbox(ctx context.Context, db smstrack.OutboxStore, keep time.Duration, log *slog.Logger) {
	for {
		before := time.Now().Add(-keep)
		n, err := db.CleanOutbox(ctx, before)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("webhooks: outbox cleanup failed", "err", err)
		case n.Deliveries+n.Attempts+n.Events > 0:
			log.Info("webhooks: outbox cleaned", "deliveries", n.Deliveries, "attempts", n.Attempts, "events", n.Events,
				"before", before.Format(time.RFC3339))
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(retentionEvery):
		}
	}
}
