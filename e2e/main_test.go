// Package e2e drives the real smstrack binary from the outside: it builds the
// binary once, starts it as a separate process on SQLite or PostgreSQL, and
// speaks to it over loopback HTTP exactly as Twilio and an app would.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// binary is the smstrack executable under test, built once by TestMain.
var binary string

// TestMain builds cmd/smstrack once for the whole run. SMSTRACK_E2E_BINARY
// names an already built binary to use instead, skipping the build.
func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if b := os.Getenv("SMSTRACK_E2E_BINARY"); b != "" {
		binary = b
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "smstrack-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "smstrack")
	build := exec.Command("go", "build", "-o", binary, "github.com/smstrack/smstrack/cmd/smstrack")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building smstrack:", err)
		return 1
	}
	return m.Run()
}
