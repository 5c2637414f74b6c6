package main

import (
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/config"
)

func TestHealthSettings(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	c, _, err := config.Parse("serve", nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	cfg, on, err := healthConfig(c)
	if err != nil || !on || cfg.Every != time.Minute || cfg.Window != 10*time.Minute || cfg.LongWindow != time.Hour || cfg.Baseline != 7*24*time.Hour {
		t.Errorf("defaults: %+v %v %v", cfg, on, err)
	}
	c, _, _ = config.Parse("serve", []string{"--health-interval", "30s", "--health-window", "15m"}, env(map[string]string{"SMSTRACK_HEALTH_BASELINE": "72h"}))
	if cfg, _, err := healthConfig(c); err != nil || cfg.Every != 30*time.Second || cfg.Window != 15*time.Minute || cfg.Baseline != 72*time.Hour {
		t.Errorf("set: %+v %v", cfg, err)
	}
	c, _, _ = config.Parse("serve", []string{"--health-window", "1h"}, env(nil))
	if cfg, _, err := healthConfig(c); err != nil || cfg.Window != time.Hour || cfg.LongWindow != 0 {
		t.Errorf("an hour's window: %+v %v", cfg, err)
	}
	c, _, _ = config.Parse("serve", nil, env(map[string]string{"SMSTRACK_HEALTH": "off"}))
	if _, on, err := healthConfig(c); on || err != nil {
		t.Errorf("off: %v %v", on, err)
	}
	for env0, name := range map[string]string{"SMSTRACK_HEALTH": "--health", "SMSTRACK_HEALTH_INTERVAL": "--health-interval",
		"SMSTRACK_HEALTH_WINDOW": "--health-window", "SMSTRACK_HEALTH_BASELINE": "--health-baseline"} {
		for _, bad := range []string{"sometimes", "2h0m0s0", "-1m", "10000h"} {
			c, _, err := config.Parse("serve", nil, env(map[string]string{env0: bad}))
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := healthConfig(c); err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), env0) {
				t.Errorf("%s=%s: %v, want an error naming %s and %s", env0, bad, err, name, env0)
			}
		}
	}
}
