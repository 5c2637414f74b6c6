package main

import (
	"strings"
	"testing"

	"github.com/smstrack/smstrack/internal/config"
)

// TestConsoleSettingsShowEverySettingMasked: the console's configuration
// page lists every setting (retention has its own section) with its value,
// and no secret.
func TestConsoleSettingsShowEverySettingMasked(t *testing.T) {
	env := map[string]string{
		"SMSTRACK_TWILIO_ACCOUNTS": "AC0123:twilio-token-secret",
		"SMSTRACK_KANNEL_TOKEN":    "kannel-token-secret",
		"SMSTRACK_DB":              "postgres://app:db-password-secret@db.internal/smstrack",
		"SMSTRACK_DEFAULT_REGION":  "GB",
	}
	c, _, err := config.Parse("serve", nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	groups := map[string]string{}
	for _, s := range consoleSettings(c) {
		got[s.Env], groups[s.Env] = s.Value, s.Group
		if strings.Contains(s.Value, "secret") {
			t.Errorf("%s shows a secret: %q", s.Env, s.Value)
		}
	}
	for _, name := range config.EnvNames() {
		if _, ok := got[name]; !ok && !strings.HasPrefix(name, "SMSTRACK_RETENTION_") {
			t.Errorf("the console does not show %s", name)
		}
	}
	if !strings.HasPrefix(got["SMSTRACK_TWILIO_ACCOUNTS"], "AC0123:") || got["SMSTRACK_DEFAULT_REGION"] != "GB" || got["SMSTRACK_ADDR"] != "127.0.0.1:8080" {
		t.Errorf("values: %v", got)
	}
	if groups["SMSTRACK_KANNEL_TOKEN"] != "provider" || groups["SMSTRACK_ADDR"] != "server" {
		t.Errorf("groups: %v", groups)
	}
	// Settings added by provider files resolve by their flag's name.
	if got["SMSTRACK_KANNEL_TOKEN"] == "" {
		t.Error("SMSTRACK_KANNEL_TOKEN is set but shown as not set")
	}
}
