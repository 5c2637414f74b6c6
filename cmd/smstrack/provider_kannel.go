package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/provider/kannel"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Kannel's settings, documented in docs/providers/kannel.md.
const (
	kannelTokenFlag    = "kannel-token"
	kannelAccountFlag  = "kannel-account"
	kannelTimeZoneFlag = "kannel-smsc-timezone"
)

func init() {
	config.AddOptions(
		config.Option{Flag: kannelTokenFlag, Env: "SMSTRACK_KANNEL_TOKEN", Default: "",
			Usage: "shared secret Kannel's dlr-url carries as ?token= (at least 16 characters); empty refuses Kannel callbacks"},
		config.Option{Flag: kannelAccountFlag, Env: "SMSTRACK_KANNEL_ACCOUNT", Default: kannel.DefaultAccount,
			Usage: "account label of Kannel messages whose dlr-url has no account parameter"},
		config.Option{Flag: kannelTimeZoneFlag, Env: "SMSTRACK_KANNEL_SMSC_TIMEZONE", Default: "UTC",
			Usage: "time zone of the SMSC's receipt dates relayed by Kannel (IANA name, e.g. Europe/Berlin)"},
	)
	providerWirings = append(providerWirings, wireKannel)
	providerRoutes = append(providerRoutes, "GET "+kannel.StatusPath, "POST "+kannel.StatusPath)
}

// minSharedToken is the shortest shared secret we accept in a URL: a token
// is the only thing that stands between the webhook and a forger.
const minSharedToken = 16

// wireKannel mounts the Kannel webhook. It exists even without a token,
// answering 403 "not configured", so a misdirected report says what is
// wrong instead of 404.
func wireKannel(c *config.Config, mux *http.ServeMux, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) error {
	token := c.Get(kannelTokenFlag)
	if token != "" && len(token) < minSharedToken {
		return fmt.Errorf("--%s (SMSTRACK_KANNEL_TOKEN) is too short: use at least %d random characters", kannelTokenFlag, minSharedToken)
	}
	loc, err := loadZone(c.Get(kannelTimeZoneFlag))
	if err != nil {
		return fmt.Errorf("invalid --%s (SMSTRACK_KANNEL_SMSC_TIMEZONE): %w", kannelTimeZoneFlag, err)
	}
	if token == "" {
		log.Debug("no Kannel token configured (SMSTRACK_KANNEL_TOKEN): Kannel callbacks will be refused with 403")
	}
	kannel.NewHandler(kannel.Config{Token: token, Account: c.Get(kannelAccountFlag), Location: loc}, ing, rej, log).Register(mux)
	return nil
}

// loadZone reads a time zone setting; empty means UTC.
func loadZone(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	return time.LoadLocation(name)
}
