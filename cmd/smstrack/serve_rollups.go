package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/store"
)

// optRollups turns the maintenance of rollups on or off.
const optRollups = "rollups"

// rollerInterval is how often the roller drains the queue: how stale the
// rollups may be (a stats request applies a short queue itself). Waiting a
// few seconds lets one pass apply a message's queued, sent and delivered
// together, which under load is a third of the work of one pass each.
const rollerInterval = 5 * time.Second

func init() {
	config.AddOptions(config.Option{Flag: optRollups, Env: "SMSTRACK_ROLLUPS", Default: "on",
		Usage: "serve: keep the rollups behind /api/v1/stats current (on), or not (off: for measuring their cost; stats go stale until `smstrack rollups rebuild`)"})
	serveJobs = append(serveJobs, startRoller)
}

// startRoller keeps the rollups current beside the server. Several
// instances may all run it: one at a time is active (store.RollUp).
func startRoller(ctx context.Context, c *config.Config, db smstrack.Store, _ smstrack.Ingester, log *slog.Logger) error {
	on, err := rollupsSetting(c)
	if err != nil {
		return err
	}
	sdb, ok := db.(*store.DB)
	if !ok {
		return nil
	}
	sdb.SetRollups(on)
	if !on {
		log.Warn("rollups are off (SMSTRACK_ROLLUPS=off): stats answer 503 until they are on and rebuilt")
		return nil
	}
	log = log.With("job", "rollups")
	go sdb.RunRoller(ctx, rollerInterval, func(n int, took time.Duration, err error) {
		if err != nil {
			log.Error("roll up failed", "err", err)
			return
		}
		log.Debug("rolled up", "changes", n, "took", took)
	})
	return nil
}

// rollupsSetting reads SMSTRACK_ROLLUPS.
func rollupsSetting(c *config.Config) (bool, error) {
	switch c.Get(optRollups) {
	case "on", "true", "1":
		return true, nil
	case "off", "false", "0":
		return false, nil
	}
	return false, usageError("invalid value for --rollups (SMSTRACK_ROLLUPS): use on or off")
}
