package main

import (
	"flag"
	"os"
)

// serverFlags are the flags of every benchmark that starts smstrack: the
// binary, the script that starts PostgreSQL and the work directory.
type serverFlags struct {
	bin, pgScript, work *string
}

// addServerFlags defines the server flags on fs; workUsage says what the
// benchmark keeps in its work directory.
func addServerFlags(fs *flag.FlagSet, workUsage string) serverFlags {
	return serverFlags{
		bin:      fs.String("smstrack", "bin/smstrack", "the smstrack binary to measure"),
		pgScript: fs.String("postgres-script", "scripts/postgres.sh", "script that starts a throwaway PostgreSQL"),
		work:     fs.String("work", "", workUsage+" (default: a new temporary directory)"),
	}
}

// makeWorkDir makes a new temporary work directory when none was given.
func (f serverFlags) makeWorkDir() error {
	if *f.work != "" {
		return nil
	}
	d, err := os.MkdirTemp("", "smstrack-bench-")
	if err != nil {
		return err
	}
	*f.work = d
	return nil
}

// freshDir empties dir for a run, creating it when absent.
func freshDir(dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.MkdirAll(dir, 0o755)
}
