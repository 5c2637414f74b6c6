package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/importer"
	"github.com/smstrack/smstrack/internal/ingest"
)

const importUsage = `usage: smstrack import twilio-csv FILE [--account AC...] [--rejects FILE] [--json] [--batch N]
       smstrack import jsonl FILE [--rejects FILE] [--json] [--batch N]
FILE may be - for standard input. Database flags (--data, --db) and the
body policy settings apply as for serve.`

// maxPrintedRejections bounds the rejections listed in the summary; the
// --rejects file has them all.
const maxPrintedRejections = 20

// importCmd brings message history in from a file: `smstrack import
// twilio-csv FILE` or `smstrack import jsonl FILE`.
func (m *Main) importCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError(importUsage)
	}
	format, args := args[0], args[1:]
	if format != "twilio-csv" && format != "jsonl" {
		return usageError(fmt.Sprintf("unknown import format %q\n%s", format, importUsage))
	}
	own, rest, files := splitArgs(args, map[string]bool{"account": true, "rejects": true, "batch": true, "json": false})
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	account := fs.String("account", "", "AccountSid for rows without one")
	rejectsPath := fs.String("rejects", "", "write every rejected row's number and reason to this CSV file")
	batchSize := fs.Int("batch", importer.DefaultBatchSize, "events per transaction")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	if err := fs.Parse(own); err != nil {
		return usageError(err.Error() + "\n" + importUsage)
	}
	if len(files) != 1 {
		return usageError("import needs exactly one FILE\n" + importUsage)
	}
	if *account != "" && format != "twilio-csv" {
		return usageError("--account applies to twilio-csv only: message JSON names its account")
	}
	c, _, err := config.Parse("import", rest, m.Getenv)
	if err != nil {
		return err
	}
	preparer, err := preparerFor(c)
	if err != nil {
		return err
	}

	in, size, err := m.openInput(files[0])
	if err != nil {
		return err
	}
	defer in.Close()
	counted := &countingReader{r: in}
	now := time.Now().UTC()
	var parser importer.Parser
	if format == "twilio-csv" {
		parser, err = importer.NewTwilioCSV(counted, *account, now)
		if err != nil {
			return fmt.Errorf("import %s: %w", files[0], err)
		}
	} else {
		parser = importer.NewJSONL(counted, now)
	}

	var rejects *csv.Writer
	if *rejectsPath != "" {
		f, err := os.Create(*rejectsPath)
		if err != nil {
			return fmt.Errorf("import: rejects file: %w", err)
		}
		defer f.Close()
		rejects = csv.NewWriter(f)
		rejects.Write([]string{"row", "line", "reason"})
	}

	db, err := m.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()

	stats := &importer.Stats{}
	stop := m.showProgress(stats, counted, size)
	sum, err := importer.Run(ctx, parser, db.ApplyEvents, importer.Options{
		BatchSize: *batchSize,
		Prepare:   preparer.Prepare,
		Stats:     stats,
		OnReject: func(r importer.Rejection) {
			if rejects != nil {
				rejects.Write([]string{strconv.Itoa(r.Row), strconv.Itoa(r.Line), r.Reason})
			}
		},
	})
	stop()
	if rejects != nil {
		rejects.Flush()
		if ferr := rejects.Error(); ferr != nil && err == nil {
			err = fmt.Errorf("import: writing rejects: %w", ferr)
		}
	}
	if *asJSON {
		out := struct {
			Format string `json:"format"`
			File   string `json:"file"`
			importer.Summary
			Error string `json:"error,omitempty"`
		}{Format: format, File: files[0], Summary: sum}
		if err != nil {
			out.Error = err.Error()
		}
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		if eerr := enc.Encode(out); eerr != nil && err == nil {
			err = eerr
		}
	} else {
		printImportSummary(m.Stdout, format, files[0], sum, *rejectsPath)
	}
	if err != nil {
		return fmt.Errorf("import stopped after %d rows (re-running it is safe: rows already stored are skipped): %w", sum.Rows, err)
	}
	return nil
}

// preparerFor builds the same event preparation the server applies, so
// imported and synced bodies obey the configured body policies.
func preparerFor(c *config.Config) (*ingest.Preparer, error) {
	policies, err := ingest.ParsePolicies(c.BodyPolicy, c.AccountPolicies)
	if err != nil {
		return nil, fmt.Errorf("%w (set by --body-policy / --body-policy-accounts)", err)
	}
	return &ingest.Preparer{DefaultRegion: c.DefaultRegion, Policies: policies}, nil
}

// openInput opens FILE, or standard input for "-"; size is -1 when unknown.
func (m *Main) openInput(name string) (io.ReadCloser, int64, error) {
	if name == "-" {
		return io.NopCloser(m.Stdin), -1, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, fmt.Errorf("import: %w", err)
	}
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return f, size, nil
}

// countingReader counts the bytes read through it, for progress.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// isTerminal reports whether w is a terminal (a character device), where a
// progress bar may redraw itself; elsewhere progress is plain lines.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Progress cadence: a terminal bar redraws often; a log gets a line now
// and then.
const (
	barEvery  = 200 * time.Millisecond
	lineEvery = 5 * time.Second
)

// showProgress reports progress on stderr until the returned stop is called.
func (m *Main) showProgress(stats *importer.Stats, counted *countingReader, size int64) (stop func()) {
	tty := isTerminal(m.Stderr)
	every := lineEvery
	if tty {
		every = barEvery
	}
	start := time.Now()
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				if tty {
					fmt.Fprintf(m.Stderr, "\r%s\n", progressText(stats, counted.n.Load(), size, time.Since(start), true))
				}
				return
			case <-t.C:
				text := progressText(stats, counted.n.Load(), size, time.Since(start), tty)
				if tty {
					fmt.Fprintf(m.Stderr, "\r%s", text)
				} else {
					fmt.Fprintln(m.Stderr, text)
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}

// progressText is one progress report: a bar on a terminal, and rows, rate
// and estimated time left. The estimate is by bytes read, the one measure
// known in advance.
func progressText(stats *importer.Stats, read, size int64, elapsed time.Duration, bar bool) string {
	rows := stats.Rows.Load()
	rate := float64(rows) / max(elapsed.Seconds(), 0.001)
	var b strings.Builder
	if size > 0 {
		frac := min(float64(read)/float64(size), 1)
		if bar {
			const width = 30
			filled := int(frac * width)
			b.WriteString("[" + strings.Repeat("#", filled) + strings.Repeat(".", width-filled) + "] ")
		}
		fmt.Fprintf(&b, "%3.0f%% ", frac*100)
	}
	fmt.Fprintf(&b, "%d rows, %d rejected, %.0f rows/s", rows, stats.Rejected.Load(), rate)
	if size > 0 && read > 0 && read < size {
		left := time.Duration(float64(elapsed) * float64(size-read) / float64(read))
		fmt.Fprintf(&b, ", ETA %s", left.Round(time.Second))
	}
	if bar {
		b.WriteString("   ") // wipe what a longer previous line left
	}
	return b.String()
}

func printImportSummary(w io.Writer, format, file string, s importer.Summary, rejectsPath string) {
	rate := float64(s.Rows) / max(s.Elapsed.Seconds(), 0.001)
	fmt.Fprintf(w, "Imported %s %s in %s (%.0f rows/s)\n", format, file, s.Elapsed.Round(time.Millisecond), rate)
	fmt.Fprintf(w, "  rows:      %d\n", s.Rows)
	fmt.Fprintf(w, "  accepted:  %d (events: %d new, %d already stored)\n", s.Accepted, s.New, s.Duplicates)
	fmt.Fprintf(w, "  rejected:  %d\n", s.Rejected)
	for i, r := range s.Rejections {
		if i == maxPrintedRejections {
			break
		}
		fmt.Fprintf(w, "    %s\n", r)
	}
	if more := s.Rejected - min(len(s.Rejections), maxPrintedRejections); more > 0 {
		if rejectsPath != "" {
			fmt.Fprintf(w, "    … and %d more, all listed in %s\n", more, rejectsPath)
		} else {
			fmt.Fprintf(w, "    … and %d more (--rejects FILE lists them all)\n", more)
		}
	}
}

// splitArgs separates a command's own flags (own maps each name to whether
// it takes a value) from the settings flags, which all take a value, and
// from positional arguments, which may come anywhere: config.Parse stops
// at the first positional argument, so they must not reach it.
func splitArgs(args []string, own map[string]bool) (ownArgs, settings, positional []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			positional = append(positional, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		takesValue, isOwn := own[name]
		if !isOwn {
			takesValue = true
		}
		dst := &settings
		if isOwn {
			dst = &ownArgs
		}
		*dst = append(*dst, a)
		if takesValue && !hasValue && i+1 < len(args) {
			*dst = append(*dst, args[i+1])
			i++
		}
	}
	return ownArgs, settings, positional
}
