// Command smstrack-bench measures smstrack the way it runs in production: it
// starts the real smstrack binary, drives it over loopback with signed
// Twilio status callbacks or API queries, and compares the figures with the
// project's targets. It is a tool for `make bench`, not part of the tests.
//
// It must not reach into the server it measures: everything goes through
// the binary's flags, environment, HTTP and /proc, so the figures are the
// product's own. The one exception is the query benchmark's bulk load, which
// calls the store package directly because loading a million messages over
// HTTP would take longer than the benchmark itself.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "smstrack-bench:", err)
		os.Exit(1)
	}
}

const usage = `smstrack-bench: load and query benchmarks for smstrack

Usage:
  smstrack-bench ingest [flags]       signed Twilio status callbacks against SQLite, PostgreSQL and a do-nothing handler
  smstrack-bench query [flags]        API query latency on 1,000,000 bulk-loaded messages (SQLite and PostgreSQL)
  smstrack-bench null-server [flags]  the do-nothing handler ingest compares against (started by ingest)
  smstrack-bench rollups [flags]      stats from rollups on 10,000,000 messages over 90 days, and ingest with rollups off vs on

Run "smstrack-bench COMMAND -h" for a command's flags.
`

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch args[0] {
	case "ingest":
		return runIngest(ctx, args[1:])
	case "query":
		return runQuery(ctx, args[1:])
	case "null-server":
		return runNullServer(ctx, args[1:])
	case "rollups":
		return runRollups(ctx, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(os.Stdout, usage)
		return nil
	}
	fmt.Fprint(os.Stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
