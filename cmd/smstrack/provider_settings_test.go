package main

import (
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/config"
)

// The shared setting readers: unset means the default, a usable value is
// taken, and anything else stops the server naming the setting.
func TestProviderSettings(t *testing.T) {
	settings := func(v string) *config.Config {
		return &config.Config{Values: map[string]string{"tolerance": v, "skip": v}}
	}
	for _, tt := range []struct {
		in            string
		tolerance     time.Duration
		toleranceErr  string
		skip, skipRaw bool
		skipErr       string
		skipRawErr    string
	}{
		{in: ""},
		{in: " 5m ", tolerance: 5 * time.Minute,
			skipErr:    `invalid X skip-verification "5m": want true or false (set by --skip or SMSTRACK_X_SKIP)`,
			skipRawErr: `invalid value " 5m " for --skip (SMSTRACK_X_SKIP): want true or false`},
		{in: "true", skip: true, skipRaw: true,
			toleranceErr: `invalid X tolerance "true": want a positive duration such as 5m (set by --tolerance or SMSTRACK_X_TOLERANCE)`},
		{in: " true ", skip: true,
			toleranceErr: `invalid X tolerance "true": want a positive duration such as 5m (set by --tolerance or SMSTRACK_X_TOLERANCE)`,
			skipRawErr:   `invalid value " true " for --skip (SMSTRACK_X_SKIP): want true or false`},
		{in: "-1s",
			toleranceErr: `invalid X tolerance "-1s": want a positive duration such as 5m (set by --tolerance or SMSTRACK_X_TOLERANCE)`,
			skipErr:      `invalid X skip-verification "-1s": want true or false (set by --skip or SMSTRACK_X_SKIP)`,
			skipRawErr:   `invalid value "-1s" for --skip (SMSTRACK_X_SKIP): want true or false`},
	} {
		c := settings(tt.in)
		d, err := toleranceSetting(c, "X", "tolerance", "SMSTRACK_X_TOLERANCE")
		if d != tt.tolerance || errText(err) != tt.toleranceErr {
			t.Errorf("toleranceSetting(%q) = %v, %q; want %v, %q", tt.in, d, errText(err), tt.tolerance, tt.toleranceErr)
		}
		skip, err := skipSetting(c, "X", "skip", "SMSTRACK_X_SKIP")
		if skip != tt.skip || errText(err) != tt.skipErr {
			t.Errorf("skipSetting(%q) = %v, %q; want %v, %q", tt.in, skip, errText(err), tt.skip, tt.skipErr)
		}
		skip, err = skipFlag(c, "skip", "SMSTRACK_X_SKIP")
		if skip != tt.skipRaw || errText(err) != tt.skipRawErr {
			t.Errorf("skipFlag(%q) = %v, %q; want %v, %q", tt.in, skip, errText(err), tt.skipRaw, tt.skipRawErr)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
