package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

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
	if v := strings.TrimSpace(c.Get(sinchToleranceFlag)); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("invalid Sinch tolerance %q: want a positive duration such as 5m (set by --%s or SMSTRACK_SINCH_TOLERANCE)", v, sinchToleranceFlag)
		}
		cfg.Tolerance = d
	}
	if v := strings.TrimSpace(c.Get(sinchSkipFlag)); v != "" {
		skip, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("invalid Sinch skip-verification %q: want true or false (set by --%s or SMSTRACK_SINCH_SKIP_VERIFICATION)", v, sinchSkipFlag)
		}
		cfg.SkipVerification = skip
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
