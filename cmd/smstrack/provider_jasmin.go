package main

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/provider/jasmin"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Jasmin's settings, documented in docs/providers/jasmin.md.
const (
	jasminTokenFlag    = "jasmin-token"
	jasminAccountFlag  = "jasmin-account"
	jasminTimeZoneFlag = "jasmin-smsc-timezone"
)

func init() {
	config.AddOptions(
		config.Option{Flag: jasminTokenFlag, Env: "SMSTRACK_JASMIN_TOKEN", Default: "",
			Usage: "shared secret Jasmin's dlr-url and HTTP connector URL carry as ?token= (at least 16 characters); empty refuses Jasmin callbacks"},
		config.Option{Flag: jasminAccountFlag, Env: "SMSTRACK_JASMIN_ACCOUNT", Default: jasmin.DefaultAccount,
			Usage: "account label of Jasmin messages whose URL has no account parameter"},
		config.Option{Flag: jasminTimeZoneFlag, Env: "SMSTRACK_JASMIN_SMSC_TIMEZONE", Default: "UTC",
			Usage: "time zone of the SMSC's receipt dates relayed by Jasmin (IANA name, e.g. Europe/Berlin)"},
	)
	providerWirings = append(providerWirings, wireJasmin)
	providerRoutes = append(providerRoutes,
		"GET "+jasmin.StatusPath, "POST "+jasmin.StatusPath, "GET "+jasmin.InboundPath, "POST "+jasmin.InboundPath)
}

// wireJasmin mounts the Jasmin webhooks. They exist even without a token,
// answering 403 "not configured" (which Jasmin retries a few times and
// drops), so a misdirected callback says what is wrong instead of 404.
func wireJasmin(c *config.Config, mux *http.ServeMux, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) error {
	token := c.Get(jasminTokenFlag)
	if token != "" && len(token) < minSharedToken {
		return fmt.Errorf("--%s (SMSTRACK_JASMIN_TOKEN) is too short: use at least %d random characters", jasminTokenFlag, minSharedToken)
	}
	loc, err := loadZone(c.Get(jasminTimeZoneFlag))
	if err != nil {
		return fmt.Errorf("invalid --%s (SMSTRACK_JASMIN_SMSC_TIMEZONE): %w", jasminTimeZoneFlag, err)
	}
	if token == "" {
		log.Debug("no Jasmin token configured (SMSTRACK_JASMIN_TOKEN): Jasmin callbacks will be refused with 403")
	}
	jasmin.NewHandler(jasmin.Config{Token: token, Account: c.Get(jasminAccountFlag), Location: loc}, ing, rej, log).Register(mux)
	return nil
}
