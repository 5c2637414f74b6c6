package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/provider/bird"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Bird's settings, by flag.
const (
	birdKeyFlag       = "bird-signing-key"
	birdAccountFlag   = "bird-account"
	birdToleranceFlag = "bird-tolerance"
	birdSkipFlag      = "bird-skip-verification"
)

func init() {
	config.AddOptions(
		config.Option{Flag: birdKeyFlag, Env: "SMSTRACK_BIRD_SIGNING_KEY", Usage: "Bird (MessageBird) signing key that signs its webhooks; empty refuses Bird webhooks"},
		config.Option{Flag: birdAccountFlag, Env: "SMSTRACK_BIRD_ACCOUNT", Default: bird.DefaultAccount, Usage: "account recorded for Bird webhooks that name no channel (all legacy status reports)"},
		config.Option{Flag: birdToleranceFlag, Env: "SMSTRACK_BIRD_TOLERANCE", Default: bird.DefaultTolerance.String(), Usage: "how old a legacy MessageBird-Signature timestamp may be, e.g. 5m"},
		config.Option{Flag: birdSkipFlag, Env: "SMSTRACK_BIRD_SKIP_VERIFICATION", Default: "false", Usage: "accept Bird webhooks without checking signatures (local experiments only)"},
	)
	providerWirings = append(providerWirings, wireBird)
	providerRoutes = append(providerRoutes, "GET "+bird.StatusPath, "POST "+bird.StatusPath, "POST "+bird.EventsPath)
}

// wireBird mounts the Bird webhooks. Their routes exist even when Bird is
// not configured, answering 403, so a misdirected webhook shows up as a
// refusal rather than a 404.
func wireBird(c *config.Config, mux *http.ServeMux, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) error {
	cfg := bird.Config{
		SigningKey: strings.TrimSpace(c.Get(birdKeyFlag)),
		PublicURL:  c.PublicURL,
		Account:    strings.TrimSpace(c.Get(birdAccountFlag)),
	}
	tolerance, err := toleranceSetting(c, "Bird", birdToleranceFlag, "SMSTRACK_BIRD_TOLERANCE")
	if err != nil {
		return err
	}
	cfg.Tolerance = tolerance
	if cfg.SkipVerification, err = skipSetting(c, "Bird", birdSkipFlag, "SMSTRACK_BIRD_SKIP_VERIFICATION"); err != nil {
		return err
	}
	if cfg.Account != "" && strings.ContainsAny(cfg.Account, " \t\r\n") {
		return fmt.Errorf("invalid Bird account %q: no spaces (set by --%s or SMSTRACK_BIRD_ACCOUNT)", cfg.Account, birdAccountFlag)
	}
	if cfg.SkipVerification {
		log.Warn("Bird signature verification is OFF: anyone who can reach this server can forge Bird webhooks; use only for local experiments")
	}
	bird.NewHandler(cfg, ing, rej, log).Register(mux)
	return nil
}
