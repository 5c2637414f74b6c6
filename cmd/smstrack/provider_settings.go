package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/smstrack/smstrack/internal/config"
)

// The settings several providers have, read the same way for each: the
// provider's name, the setting's flag and its environment variable make
// the message when a value cannot be used.

// toleranceSetting reads how old a provider's signed timestamp may be:
// zero (the provider's default) when unset.
func toleranceSetting(c *config.Config, name, flag, env string) (time.Duration, error) {
	v := strings.TrimSpace(c.Get(flag))
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("invalid %s tolerance %q: want a positive duration such as 5m (set by --%s or %s)", name, v, flag, env)
	}
	return d, nil
}

// skipSetting reads whether a provider's signature checks are off; false
// when unset.
func skipSetting(c *config.Config, name, flag, env string) (bool, error) {
	v := strings.TrimSpace(c.Get(flag))
	if v == "" {
		return false, nil
	}
	skip, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("invalid %s skip-verification %q: want true or false (set by --%s or %s)", name, v, flag, env)
	}
	return skip, nil
}

// skipFlag reads a skip-verification flag given as is, for the providers
// whose settings name the flag first in their messages.
func skipFlag(c *config.Config, flag, env string) (bool, error) {
	skip, err := strconv.ParseBool(c.Get(flag))
	if err != nil && c.Get(flag) != "" {
		return false, fmt.Errorf("invalid value %q for --%s (%s): want true or false", c.Get(flag), flag, env)
	}
	return skip, nil
}
