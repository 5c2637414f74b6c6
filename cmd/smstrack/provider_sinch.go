package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/provider/sinch"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Sinch's settings, by flag.
const (
	sinchPlanFlag      = "sinch-service-plan-id"
	sinchSecretFlag    = "sinch-secret"
	sinchUserFlag      = "sinch-username"
	sinchPassFlag      = "sinch-password"
	sinchToleranceFlag = "sinch-tolerance"
	sinchSkipFlag      = "sinch-skip-verification"
)

func init() {
	config.AddOptions(
		config.Option{Flag: sinchPlanFlag, Env: "SMSTRACK_SINCH_SERVICE_PLAN_ID", Usage: "Sinch SMS service plan id, recorded as the account of Sinch messages; empty refuses Sinch callbacks"},
		config.Option{Flag: sinchSecretFlag, Env: "SMSTRACK_SINCH_SECRET", Usage: "secret that signs Sinch callbacks (x-sinch-webhook-signature), as provisioned by Sinch"},
		config.Option{Flag: sinchUserFlag, Env: "SMSTRACK_SINCH_USERNAME", Usage: "HTTP Basic username Sinch callbacks must carry"},
		config.Option{Flag: sinchPassFlag, Env: "SMSTRACK_SINCH_PASSWORD", Usage: "HTTP Basic password Sinch callbacks must carry"},
		config.Option{Flag: sinchToleranceFlag, Env: "SMSTRACK_SINCH_TOLERANCE", Default: sinch.DefaultTolerance.String(), Usage: "how old a signed Sinch callback's timestamp may be, e.g. 5m"},
		config.Option{Flag: sinchSkipFlag, Env: "SMSTRACK_SINCH_SKIP_VERIFICATION", Default: "false", Usage: "accept Sinch callbacks without checking signature or credentials (local experiments only)"},
	)
	providerWirings = append(providerWirings, wireSinch)
	providerRoutes = append(providerRoutes, "POST "+sinch.Path)
}

// wireSinch mounts the Sinch callback route. It exists even when Sinch is
// not configured, answering 403, so a misdirected callback shows up as a
// refusal rather than a 404.
func wireSinch(c *config.Config, mux *http.ServeMux, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) error {
	cfg := sinch.Config{
		ServicePlanID: strings.TrimSpace(c.Get(sinchPlanFlag)),
		Secret:        strings.TrimSpace(c.Get(sinchSecretFlag)),
		Username:      c.Get(sinchUserFlag),
		Password:      c.Get(sinchPassFlag),
	}
	tolerance, err := toleranceSetting(c, "Sinch", sinchToleranceFlag, "SMSTRACK_SINCH_TOLERANCE")
	if err != nil {
		return err
	}
	cfg.Tolerance = tolerance
	if cfg.SkipVerification, err = skipSetting(c, "Sinch", sinchSkipFlag, "SMSTRACK_SINCH_SKIP_VERIFICATION"); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("%w (see SMSTRACK_SINCH_SERVICE_PLAN_ID, SMSTRACK_SINCH_SECRET, SMSTRACK_SINCH_USERNAME, SMSTRACK_SINCH_PASSWORD)", err)
	}
	if cfg.SkipVerification {
		log.Warn("Sinch callback verification is OFF: anyone who can reach this server can forge Sinch callbacks; use only for local experiments")
	}
	sinch.NewHandler(cfg, ing, rej, log).Register(mux)
	return nil
}
