package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/provider/telnyx"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Telnyx's settings, by flag.
const (
	telnyxKeyFlag       = "telnyx-public-key"
	telnyxToleranceFlag = "telnyx-tolerance"
	telnyxAccountFlag   = "telnyx-account"
	telnyxSkipFlag      = "telnyx-skip-verification"
)

func init() {
	config.AddOptions(
		config.Option{Flag: telnyxKeyFlag, Env: "SMSTRACK_TELNYX_PUBLIC_KEY", Usage: "Telnyx public key (base64, from Mission Control) that signs Telnyx webhooks; empty refuses Telnyx webhooks"},
		config.Option{Flag: telnyxToleranceFlag, Env: "SMSTRACK_TELNYX_TOLERANCE", Default: telnyx.DefaultTolerance.String(), Usage: "how old a Telnyx webhook's signed timestamp may be, e.g. 5m"},
		config.Option{Flag: telnyxAccountFlag, Env: "SMSTRACK_TELNYX_ACCOUNT", Default: telnyx.DefaultAccount, Usage: "account recorded for Telnyx webhooks that name no messaging profile"},
		config.Option{Flag: telnyxSkipFlag, Env: "SMSTRACK_TELNYX_SKIP_VERIFICATION", Default: "false", Usage: "accept Telnyx webhooks without checking signatures (local experiments only)"},
	)
	providerWirings = append(providerWirings, wireTelnyx)
	providerRoutes = append(providerRoutes, "POST "+telnyx.Path)
}

// wireTelnyx mounts the Telnyx webhook. Its route exists even when Telnyx is
// not configured, answering 403, so a misconfigured profile shows up as
// refusals rather than as 404s.
func wireTelnyx(c *config.Config, mux *http.ServeMux, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) error {
	cfg, err := telnyxConfig(c)
	if err != nil {
		return err
	}
	if cfg.SkipVerification {
		log.Warn("Telnyx signature verification is OFF: anyone who can reach this server can forge Telnyx webhooks; use only for local experiments")
	}
	telnyx.NewHandler(cfg, ing, rej, log).Register(mux)
	return nil
}

// telnyxConfig reads and checks the Telnyx settings.
func telnyxConfig(c *config.Config) (telnyx.Config, error) {
	var cfg telnyx.Config
	key, err := telnyx.ParsePublicKey(c.Get(telnyxKeyFlag))
	if err != nil {
		return cfg, fmt.Errorf("%w (set by --%s or SMSTRACK_TELNYX_PUBLIC_KEY)", err, telnyxKeyFlag)
	}
	cfg.PublicKey = key
	tolerance, err := toleranceSetting(c, "Telnyx", telnyxToleranceFlag, "SMSTRACK_TELNYX_TOLERANCE")
	if err != nil {
		return cfg, err
	}
	cfg.Tolerance = tolerance
	cfg.Account = strings.TrimSpace(c.Get(telnyxAccountFlag))
	if cfg.SkipVerification, err = skipSetting(c, "Telnyx", telnyxSkipFlag, "SMSTRACK_TELNYX_SKIP_VERIFICATION"); err != nil {
		return cfg, err
	}
	return cfg, nil
}
