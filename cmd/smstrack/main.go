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

// commands are the commands Run dispatches to by name.
var commands = map[string]func(m *Main, ctx context.Context, args []string) error{
	"serve":   (*Main).serve,
	"demo":    (*Main).demo,
	"migrate": (*Main).migrate,
	"apikey":  (*Main).apikey,
	"user":    (*Main).user,
	"webhook": (*Main).webhook,
	"segments": func(m *Main, _ context.Context, args []string) error {
		return m.segments(args)
	},
	"sync":    (*Main).syncCmd,
	"import":  (*Main).importCmd,
	"rollups": (*Main).rollups,
}

// Run dispatches args[0] to its command.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		m.help()
		return usageError("no command given")
	}
	cmd, rest := args[0], args[1:]
	if run, ok := commands[cmd]; ok {
		return run(m, ctx, rest)
	}
	switch cmd {
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
