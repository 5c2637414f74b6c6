package main

import (
	"strconv"
	"strings"

	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/content"
	"github.com/smstrack/smstrack/internal/web"
)

// consoleOptions are the console's settings: the public URL for its
// cookies, and the configuration it shows read-only, secrets masked.
func consoleOptions(c *config.Config, prices content.PriceTable) web.Options {
	return web.Options{
		PublicURL:     c.PublicURL,
		DefaultRegion: c.DefaultRegion,
		Prices:        prices,
		Settings:      consoleSettings(c),
		Retention:     web.Retention{Days: c.RetentionDays, DeleteMessages: c.RetentionDelete},
	}
}

// providerPrefixes tell the settings of provider accounts from the server's own.
var providerPrefixes = []string{"TWILIO_", "VONAGE_", "PLIVO_", "TELNYX_", "SINCH_", "BIRD_", "AWS_", "KANNEL_", "JASMIN_"}

// consoleSettings lists every setting with the value the server runs
// with, masked, except the retention ones, which have their own section.
func consoleSettings(c *config.Config) []web.Setting {
	core := map[string]string{
		"SMSTRACK_ADDR":                     c.Addr,
		"SMSTRACK_DATA":                     c.Data,
		"SMSTRACK_DB":                       c.DB,
		"SMSTRACK_PUBLIC_URL":               c.PublicURL,
		"SMSTRACK_TWILIO_ACCOUNTS":          c.TwilioAccounts,
		"SMSTRACK_TWILIO_SKIP_VERIFICATION": strconv.FormatBool(c.SkipVerification),
		"SMSTRACK_LOG_LEVEL":                c.LogLevel,
		"SMSTRACK_LOG_FORMAT":               c.LogFormat,
		"SMSTRACK_DEFAULT_REGION":           c.DefaultRegion,
		"SMSTRACK_BODY_POLICY":              c.BodyPolicy,
		"SMSTRACK_BODY_POLICY_ACCOUNTS":     c.AccountPolicies,
		"SMSTRACK_PRICES":                   c.Prices,
		"SMSTRACK_MEDIA_ARCHIVE":            c.MediaArchive,
		"SMSTRACK_MEDIA_MAX_BYTES":          strconv.FormatInt(c.MediaMaxBytes, 10),
		"SMSTRACK_DEBUG_ADDR":               c.DebugAddr,
		"SMSTRACK_REPLY_WINDOW":             c.ReplyWindow.String(),
	}
	var out []web.Setting
	for _, env := range config.EnvNames() {
		if strings.HasPrefix(env, "SMSTRACK_RETENTION_") {
			continue
		}
		value, ok := core[env]
		if !ok {
			// Settings added with config.AddOptions, by their flag: the
			// environment name is the flag's, upper case, "-" as "_".
			value = c.Get(strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(env, "SMSTRACK_")), "_", "-"))
		}
		group := "server"
		for _, p := range providerPrefixes {
			if strings.HasPrefix(env, "SMSTRACK_"+p) {
				group = "provider"
			}
		}
		out = append(out, web.Setting{Env: env, Value: web.MaskSetting(env, value), Group: group})
	}
	return out
}
