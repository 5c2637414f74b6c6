package main

import (
	"os"
	"strings"
	"testing"

	"github.com/smstrack/smstrack/internal/config"
)

// TestREADMEListsEverySetting keeps the README's configuration table whole.
func TestREADMEListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range config.EnvNames() {
		if !strings.Contains(string(readme), "`"+env+"`") {
			t.Errorf("README.md does not document %s", env)
		}
	}
	ci, err := os.ReadFile("../../.ci/run")
	if err != nil || !strings.Contains(string(ci), "scripts/test.sh") || !strings.Contains(string(readme), "    scripts/test.sh\n") {
		t.Errorf(".ci/run must call the README's test command scripts/test.sh (err %v)", err)
	}
}
