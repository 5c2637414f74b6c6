package main

import (
	"os"
	"path/filepath"
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
	// Provider settings may be documented in the provider's own page.
	docs := string(readme)
	pages, _ := filepath.Glob("../../docs/providers/*.md")
	for _, p := range pages {
		b, _ := os.ReadFile(p)
		docs += string(b)
	}
	for _, env := range config.EnvNames() {
		if !strings.Contains(docs, "`"+env+"`") {
			t.Errorf("neither README.md nor docs/providers/*.md documents %s", env)
		}
	}
	ci, err := os.ReadFile("../../.ci/run")
	if err != nil || !strings.Contains(string(ci), "scripts/test.sh") || !strings.Contains(string(readme), "    scripts/test.sh\n") {
		t.Errorf(".ci/run must call the README's test command scripts/test.sh (err %v)", err)
	}
}
