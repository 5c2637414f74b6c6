package main

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/provider/vonage"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Vonage's settings, documented in docs/providers/vonage.md.
const (
	vonageAccountsFlag = "vonage-accounts"
	vonageSkipFlag     = "vonage-skip-verification"
)

func init() {
	config.AddOptions(
		config.Option{Flag: vonageAccountsFlag, Env: "SMSTRACK_VONAGE_ACCOUNTS", Default: "",
			Usage: "Vonage API keys as apikey:signature_secret[:md5hash|md5|sha1|sha256|sha512],... (apikey alone accepts unsigned webhooks)"},
		config.Option{Flag: vonageSkipFlag, Env: "SMSTRACK_VONAGE_SKIP_VERIFICATION", Default: "false",
			Usage: "accept Vonage webhooks without checking signatures (local experiments only)"},
	)
	providerWirings = append(providerWirings, wireVonage)
	providerRoutes = append(providerRoutes, vonage.Routes...)
}

// wireVonage mounts the Vonage webhooks. They exist even when no account is
// configured, answering 403 "not configured", so a misdirected webhook says
// what is wrong instead of 404.
func wireVonage(c *config.Config, mux *http.ServeMux, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) error {
	accounts, err := vonage.ParseAccounts(c.Get(vonageAccountsFlag))
	if err != nil {
		return fmt.Errorf("%w (set by --%s or SMSTRACK_VONAGE_ACCOUNTS)", err, vonageAccountsFlag)
	}
	skip, err := skipFlag(c, vonageSkipFlag, "SMSTRACK_VONAGE_SKIP_VERIFICATION")
	if err != nil {
		return err
	}
	switch {
	case skip:
		log.Warn("Vonage signature verification is OFF: anyone who can reach this server can forge webhooks; use only for local experiments")
	case len(accounts) == 0:
		log.Debug("no Vonage accounts configured (SMSTRACK_VONAGE_ACCOUNTS): Vonage webhooks will be refused with 403")
	}
	for key, acc := range accounts {
		if acc.SignatureSecret == "" && !skip {
			log.Warn("Vonage account has no signature secret: its webhooks are accepted unsigned", "api_key", key)
		}
	}
	vonage.NewHandler(vonage.Config{Accounts: accounts, SkipVerification: skip}, ing, rej, log).Register(mux)
	return nil
}
