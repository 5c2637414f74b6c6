package main

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/provider/plivo"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Plivo's settings, documented in docs/providers/plivo.md.
const (
	plivoAccountsFlag = "plivo-accounts"
	plivoSkipFlag     = "plivo-skip-verification"
)

func init() {
	config.AddOptions(
		config.Option{Flag: plivoAccountsFlag, Env: "SMSTRACK_PLIVO_ACCOUNTS", Default: "",
			Usage: "Plivo accounts as authid:authtoken,authid2:authtoken2"},
		config.Option{Flag: plivoSkipFlag, Env: "SMSTRACK_PLIVO_SKIP_VERIFICATION", Default: "false",
			Usage: "accept Plivo webhooks without checking signatures (local experiments only)"},
	)
	providerWirings = append(providerWirings, wirePlivo)
	providerRoutes = append(providerRoutes, plivo.Routes...)
}

// wirePlivo mounts the Plivo webhooks. They exist even when no account is
// configured, answering 403 "not configured", so a misdirected callback
// says what is wrong instead of 404.
func wirePlivo(c *config.Config, mux *http.ServeMux, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) error {
	accounts, err := plivo.ParseAccounts(c.Get(plivoAccountsFlag))
	if err != nil {
		return fmt.Errorf("%w (set by --%s or SMSTRACK_PLIVO_ACCOUNTS)", err, plivoAccountsFlag)
	}
	skip, err := skipFlag(c, plivoSkipFlag, "SMSTRACK_PLIVO_SKIP_VERIFICATION")
	if err != nil {
		return err
	}
	switch {
	case skip:
		log.Warn("Plivo signature verification is OFF: anyone who can reach this server can forge callbacks; use only for local experiments")
	case len(accounts) == 0:
		log.Debug("no Plivo accounts configured (SMSTRACK_PLIVO_ACCOUNTS): Plivo callbacks will be refused with 403")
	}
	plivo.NewHandler(plivo.Config{Accounts: accounts, PublicURL: c.PublicURL, SkipVerification: skip}, ing, rej, log).Register(mux)
	return nil
}
