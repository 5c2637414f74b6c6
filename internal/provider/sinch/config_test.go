package sinch

import (
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{name: "not configured", cfg: Config{}},
		{name: "secret", cfg: Config{ServicePlanID: testPlan, Secret: "s"}},
		{name: "basic", cfg: Config{ServicePlanID: testPlan, Username: "u", Password: "p"}},
		{name: "both", cfg: Config{ServicePlanID: testPlan, Secret: "s", Username: "u", Password: "p"}},
		{name: "skip", cfg: Config{ServicePlanID: testPlan, SkipVerification: true}},
		{name: "plan alone", cfg: Config{ServicePlanID: testPlan}, wantErr: "needs a signing secret"},
		{name: "half basic", cfg: Config{ServicePlanID: testPlan, Username: "u"}, wantErr: "both"},
		{name: "secret without plan", cfg: Config{Secret: "s"}, wantErr: "without a service plan"},
		{name: "plan with spaces", cfg: Config{ServicePlanID: "a b", Secret: "s"}, wantErr: "letters and digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Validate = %v, want an error mentioning %q", err, tt.wantErr)
			}
		})
	}
}
