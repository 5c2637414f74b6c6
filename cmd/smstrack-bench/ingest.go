package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// ingestRun is one target's measurement: the client's view plus what /proc
// told of the server.
type ingestRun struct {
	target    string
	load      *loadResult
	peakRSS   int64
	cpu       time.Duration // the server's user+system CPU during the run
	clientCPU time.Duration
	warnings  int64
	logPath   string
	loadAvg   string // the machine's 1-minute load average at the end of the run
}

// The ingest targets the project holds smstrack to.
const (
	targetSQLiteRate   = 25_000.0
	targetSQLiteRatio  = 0.35
	targetPostgresRate = 8_000.0
	targetP99          = 25 * time.Millisecond
	targetPeakRSS      = 150 << 20
)

func runIngest(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	sf := addServerFlags(fs, "directory for data and logs")
	bin, pgScript, work := sf.bin, sf.pgScript, sf.work
	duration := fs.Duration("duration", 20*time.Second, "how long each target is driven")
	conns := fs.Int("conns", 64, "concurrent keep-alive connections")
	maxRequests := fs.Int("max-requests", 1_500_000, "bound on the requests of one run (all are precomputed)")
	targets := fs.String("targets", "null,sqlite,postgres", "comma-separated targets: null, sqlite, postgres")
	perfDir := fs.String("perf", "", "record each server with `perf record -g` into this directory and print its hottest symbols")
	seed := fs.Uint64("seed", 1, "seed of the generated callbacks")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := sf.makeWorkDir(); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}

	fmt.Printf("machine: %s\n", machine())
	fmt.Printf("work directory: %s\n", *work)
	t0, cpu0 := time.Now(), cpuTime(os.Getpid())
	requests, st := generateCallbacks(*maxRequests, defaultMix, *seed)
	var bytes int
	for _, r := range requests {
		bytes += len(r)
	}
	fmt.Printf("precomputed %d signed callbacks for %d messages in %s, %s CPU (%.0f MB; %d duplicates, %d out of order, %d undelivered/failed)\n",
		st.requests, st.messages, time.Since(t0).Round(time.Millisecond), cpuTime(os.Getpid())-cpu0, float64(bytes)/1e6, st.duplicates, st.outOfOrder, st.failed)
	runtime.GC()

	var runs []*ingestRun
	for _, target := range strings.Split(*targets, ",") {
		target = strings.TrimSpace(target)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		r, err := ingestTarget(ctx, target, *bin, self, *pgScript, *work, *perfDir, requests, *conns, *duration)
		if err != nil {
			return fmt.Errorf("%s: %w", target, err)
		}
		runs = append(runs, r)
		fmt.Printf("  %-9s %9.0f acked/s  p50 %-8s p99 %-8s peak RSS %5.1f MB  errors %d  server CPU %.1f µs/req  load avg %s (log %s)\n",
			target, r.load.perSecond(), fmtDur(percentile(r.load.latencies, 50)), fmtDur(percentile(r.load.latencies, 99)),
			float64(r.peakRSS)/(1<<20), r.load.failed, r.cpuPerRequest(), r.loadAvg, r.logPath)
	}
	fmt.Println()
	printIngestReport(os.Stdout, runs, *conns, *duration, len(requests))
	return nil
}

func (r *ingestRun) cpuPerRequest() float64 {
	if r.load.sent == 0 {
		return 0
	}
	return float64(r.cpu.Microseconds()) / float64(r.load.sent)
}

// ingestTarget starts one server, drives it and stops it.
func ingestTarget(ctx context.Context, target, bin, self, pgScript, work, perfDir string, requests [][]byte, conns int, duration time.Duration) (*ingestRun, error) {
	dir := filepath.Join(work, "ingest-"+target)
	if err := freshDir(dir); err != nil {
		return nil, err
	}
	env := []string{
		"SMSTRACK_ADDR=127.0.0.1:0",
		"SMSTRACK_TWILIO_ACCOUNTS=" + benchAccount + ":" + benchToken,
		"SMSTRACK_PUBLIC_URL=" + benchPublicURL,
		"SMSTRACK_LOG_LEVEL=info",
		"SMSTRACK_DATA=" + filepath.Join(dir, "data"),
		"SMSTRACK_DB=",
	}
	name, args := bin, []string{"serve"}
	switch target {
	case "null":
		name, args = self, []string{"null-server", "-addr", "127.0.0.1:0"}
	case "sqlite":
	case "postgres":
		pg, err := startPostgres(ctx, pgScript, filepath.Join(dir, "pg"))
		if err != nil {
			return nil, err
		}
		defer pg.stop()
		env = append(env, "SMSTRACK_DB="+pg.dsn)
	default:
		return nil, fmt.Errorf("unknown target (want null, sqlite or postgres)")
	}
	logPath := filepath.Join(dir, "server.log")
	srv, err := startServer(ctx, target, name, args, env, logPath)
	if err != nil {
		return nil, err
	}
	pid := srv.cmd.Process.Pid
	var perf *exec.Cmd
	if perfDir != "" {
		if err := os.MkdirAll(perfDir, 0o755); err != nil {
			return nil, err
		}
		perf = exec.Command("perf", "record", "-F", "499", "--call-graph", "dwarf,32768", "-p", fmt.Sprint(pid), "-o", filepath.Join(perfDir, target+".perf.data"))
		perf.Stdout, perf.Stderr = os.Stderr, os.Stderr
		if err := perf.Start(); err != nil {
			return nil, fmt.Errorf("perf: %w", err)
		}
		time.Sleep(500 * time.Millisecond)
	}
	cpu0, self0 := cpuTime(pid), cpuTime(os.Getpid())
	load := drive(srv.addr, requests, conns, duration)
	cpu1, self1 := cpuTime(pid), cpuTime(os.Getpid())
	if perf != nil {
		_ = perf.Process.Signal(os.Interrupt)
		_ = perf.Wait()
	}
	rss, rssErr := peakRSS(pid)
	stopErr := srv.stop()
	if perf != nil {
		if err := perfReport(filepath.Join(perfDir, target+".perf.data"), filepath.Join(perfDir, target+".txt")); err != nil {
			fmt.Fprintln(os.Stderr, "perf report:", err)
		}
	}
	if err := errors.Join(rssErr, stopErr); err != nil {
		return nil, err
	}
	if load.firstError != "" {
		fmt.Fprintf(os.Stderr, "%s: first error: %s (statuses %v)\n", target, load.firstError, load.statuses)
	}
	return &ingestRun{target: target, load: load, peakRSS: rss, cpu: cpu1 - cpu0, clientCPU: self1 - self0,
		warnings: srv.warnings.Load(), logPath: logPath, loadAvg: loadAverage()}, nil
}

// perfReport writes the hottest symbols of a perf recording, self time
// first, then with callees.
func perfReport(data, out string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, mode := range [][]string{{"--no-children"}, {"--children"}} {
		args := append([]string{"report", "-i", data, "--stdio", "--sort", "symbol", "-g", "none", "--percent-limit", "0.7"}, mode...)
		cmd := exec.Command("perf", args...)
		cmd.Stdout, cmd.Stderr = f, f
		if err := cmd.Run(); err != nil {
			return err
		}
	}
	fmt.Printf("  perf profile: %s\n", out)
	return nil
}

func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.2fms", float64(d)/1e6)
	}
}

// loadAverage is the 1-minute load average: how busy the machine was with
// anything, the benchmark included, while a figure was taken.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}
