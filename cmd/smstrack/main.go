// Command smstrack is the SMS tracker: one binary that serves the webhooks,
// the API and (later) the console, and administers its own database.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	if err := m.Run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "smstrack:", err)
		os.Exit(1)
	}
}

// Main runs one smstrack command with its own streams and environment, so
// tests can run commands in-process exactly as the binary does.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// usageError is a mistake in the command line: its message is the help.
type usageError string

func (e usageError) Error() string { return string(e) }

// Run dispatches args[0] to its command.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		m.help()
		return usageError("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return m.serve(ctx, rest)
	case "demo":
		return m.demo(ctx, rest)
	case "migrate":
		return m.migrate(ctx, rest)
	case "apikey":
		return m.apikey(ctx, rest)
	case "user":
		return m.user(ctx, rest)
	case "webhook":
		return m.webhook(ctx, rest)
	case "segments":
		return m.segments(rest)
	case "sync":
		return m.syncCmd(ctx, rest)
	case "import":
		return m.importCmd(ctx, rest)
	case "rollups":
		return m.rollups(ctx, rest)
	case "version", "--version", "-v":
		fmt.Fprintln(m.Stdout, "smstrack", Version())
		return nil
	case "help", "--help", "-h":
		m.help()
		return nil
	}
	m.help()
	return usageError(fmt.Sprintf("unknown command %q", cmd))
}
