package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/health"
	"github.com/smstrack/smstrack/internal/store"
)

// The settings of the health evaluator.
const (
	optHealth         = "health"
	optHealthInterval = "health-interval"
	optHealthWindow   = "health-window"
	optHealthBaseline = "health-baseline"
)

func init() {
	def := health.DefaultConfig()
	config.AddOptions(
		config.Option{Flag: optHealth, Env: "SMSTRACK_HEALTH", Default: "on",
			Usage: "serve: watch delivery, errors and latency by provider, sender, country, carrier and route, and raise alerts (on or off)"},
		config.Option{Flag: optHealthInterval, Env: "SMSTRACK_HEALTH_INTERVAL", Default: def.Every.String(),
			Usage: "serve: how often health is evaluated"},
		config.Option{Flag: optHealthWindow, Env: "SMSTRACK_HEALTH_WINDOW", Default: "10m",
			Usage: "serve: the recent window tested against the baseline, at most 1h (values with too little traffic in it are tested on the last hour)"},
		config.Option{Flag: optHealthBaseline, Env: "SMSTRACK_HEALTH_BASELINE", Default: "168h",
			Usage: "serve: how far back the baseline each dimension is compared with reaches, from the last midnight (UTC) an hour or more ago"},
	)
	serveJobs = append(serveJobs, startHealth)
}

// healthConfig reads the evaluator's settings.
func healthConfig(c *config.Config) (health.Config, bool, error) {
	cfg := health.DefaultConfig()
	switch c.Get(optHealth) {
	case "on", "true", "1":
	case "off", "false", "0":
		return cfg, false, nil
	default:
		return cfg, false, usageError("invalid value for --health (SMSTRACK_HEALTH): use on or off")
	}
	for _, s := range []struct {
		flag, env string
		dst       *time.Duration
		min, max  time.Duration
	}{
		{optHealthInterval, "SMSTRACK_HEALTH_INTERVAL", &cfg.Every, 5 * time.Second, time.Hour},
		{optHealthWindow, "SMSTRACK_HEALTH_WINDOW", &cfg.Window, time.Minute, health.RecentLimit},
		{optHealthBaseline, "SMSTRACK_HEALTH_BASELINE", &cfg.Baseline, 24 * time.Hour, 90 * 24 * time.Hour},
	} {
		v := strings.TrimSpace(c.Get(s.flag))
		d, err := time.ParseDuration(v)
		if err != nil || d < s.min || d > s.max {
			return cfg, false, usageError(fmt.Sprintf("invalid value %q for --%s (%s): want a duration from %s to %s", v, s.flag, s.env, s.min, s.max))
		}
		*s.dst = d
	}
	if cfg.Window >= cfg.LongWindow {
		cfg.LongWindow = 0 // the window is already as long as the long one
	}
	return cfg, true, cfg.Validate()
}

// startHealth runs the health evaluator beside the server. Every instance
// runs one; the lease in the database lets one of them evaluate at a time.
func startHealth(ctx context.Context, c *config.Config, db smstrack.Store, _ smstrack.Ingester, log *slog.Logger) error {
	cfg, on, err := healthConfig(c)
	if err != nil || !on {
		return err
	}
	sdb, ok := db.(*store.DB)
	if !ok {
		return nil
	}
	if rollups, err := rollupsSetting(c); err == nil && !rollups {
		log.Warn("health alerts are off: they compare with baselines from the rollups, and SMSTRACK_ROLLUPS is off")
		return nil
	}
	log = log.With("job", "health")
	ev, err := health.NewEvaluator(health.RollupSource{Rollups: sdb}, sdb, cfg, log)
	if err != nil {
		return err
	}
	serveJobsRunning.Add(1)
	go func() {
		defer serveJobsRunning.Done()
		ev.Run(ctx, sdb, leaseHolder())
	}()
	return nil
}

// leaseHolder names this instance in the evaluator's lease: the host, the
// process and a random suffix, so two instances never share a name.
func leaseHolder() string {
	host, _ := os.Hostname()
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
