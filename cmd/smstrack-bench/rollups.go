package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/smstrack/smstrack/internal/store"
)

// targetStatsLatency is the bound of each stats query at ten million
// messages; targetRollupIngestRatio the least ingest throughput with
// rollups on, relative to off.
const (
	targetStatsLatency      = 100 * time.Millisecond
	targetRollupIngestRatio = 0.85
)

// rollBackfillBatch is the roller batch of the fill: with no ingest waiting
// on the writer, larger batches write each cell once for more messages.
const rollBackfillBatch = 20_000

// rollupMeta is what a filled database records about itself, next to it.
type rollupMeta struct {
	Messages int       `json:"messages"`
	End      time.Time `json:"end"` // the newest message's time: queries are relative to it
	LoadTime string    `json:"load_time"`
	RollTime string    `json:"roll_time"`
	// VacuumTime is PostgreSQL's VACUUM (ANALYZE) after the fill: a served
	// database is vacuumed continuously, a bulk-loaded one not yet, and the
	// planner needs the tables' statistics.
	VacuumTime string `json:"vacuum_time,omitempty"`
	SizeBytes  int64  `json:"size_bytes"`
}

func runRollups(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("rollups", flag.ContinueOnError)
	sf := addServerFlags(fs, "directory for logs and ingest data")
	bin, pgScript, work := sf.bin, sf.pgScript, sf.work
	n := fs.Int("messages", 10_000_000, "messages of the generated history (90 days)")
	targets := fs.String("targets", "sqlite,postgres", "comma-separated databases: sqlite, postgres")
	phases := fs.String("phases", "fill,query,ingest", "comma-separated: fill (generate and roll up, cached), query (stats latency), ingest (throughput, rollups off vs on)")
	iterations := fs.Int("n", 100, "timed requests per stats query")
	rounds := fs.Int("rounds", 2, "ingest: runs with rollups off and on, alternated")
	duration := fs.Duration("duration", 20*time.Second, "ingest: how long each run drives the server")
	conns := fs.Int("conns", 64, "ingest: concurrent keep-alive connections")
	maxRequests := fs.Int("max-requests", 1_500_000, "ingest: bound on the requests of one run")
	cache := fs.String("cache", filepath.Join(os.TempDir(), "smstrack-bench-cache"), "where filled databases are kept (and served from) between runs")
	seed := fs.Uint64("seed", 1, "seed of the generated data")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the fill (load and roll-up) to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if err := sf.makeWorkDir(); err != nil {
		return err
	}
	version, err := schemaVersion(ctx, *work)
	if err != nil {
		return err
	}
	fmt.Printf("machine: %s\nwork directory: %s; schema version %d\n", machine(), *work, version)
	want := map[string]bool{}
	for _, p := range strings.Split(*phases, ",") {
		want[strings.TrimSpace(p)] = true
	}
	var report []string
	for _, target := range strings.Split(*targets, ",") {
		target = strings.TrimSpace(target)
		dir := filepath.Join(*cache, fmt.Sprintf("rollups-%s-schema%d-messages%d-fill%d-seed%d", target, version, *n, rollupFillVersion, *seed))
		if want["fill"] || want["query"] {
			meta, err := rollupFill(ctx, target, dir, *pgScript, *n, *seed)
			if err != nil {
				return fmt.Errorf("%s: fill: %w", target, err)
			}
			vacuum := ""
			if meta.VacuumTime != "" {
				vacuum = ", vacuumed in " + meta.VacuumTime
			}
			report = append(report, fmt.Sprintf("%s: %d messages over 90 days; loaded in %s, rolled up in %s%s; %.1f GB on disk",
				target, meta.Messages, meta.LoadTime, meta.RollTime, vacuum, float64(meta.SizeBytes)/1e9))
			if want["query"] {
				lines, err := rollupQueries(ctx, target, dir, *bin, *pgScript, *work, meta, *iterations)
				if err != nil {
					return fmt.Errorf("%s: query: %w", target, err)
				}
				report = append(report, lines...)
			}
		}
		if want["ingest"] {
			lines, err := rollupIngest(ctx, target, *bin, *pgScript, *work, *rounds, *conns, *maxRequests, *duration, *seed)
			if err != nil {
				return fmt.Errorf("%s: ingest: %w", target, err)
			}
			report = append(report, lines...)
		}
	}
	fmt.Println()
	for _, l := range report {
		fmt.Println(l)
	}
	return nil
}

// rollupFill generates the history into dir (once: a filled dir is reused)
// through store.BulkInsert, then runs the roller over it.
func rollupFill(ctx context.Context, target, dir, pgScript string, n int, seed uint64) (*rollupMeta, error) {
	metaPath, loadedPath := filepath.Join(dir, "meta.json"), filepath.Join(dir, "loaded.json")
	if b, err := os.ReadFile(metaPath); err == nil {
		var meta rollupMeta
		if err := json.Unmarshal(b, &meta); err == nil {
			fmt.Printf("%s: reusing %s\n", target, dir)
			if target == "postgres" && meta.VacuumTime == "" {
				return &meta, vacuumFilled(ctx, dir, pgScript, metaPath, &meta)
			}
			return &meta, nil
		}
	}
	// A database loaded by an interrupted run is rolled up, not loaded again.
	var meta *rollupMeta
	if b, err := os.ReadFile(loadedPath); err == nil {
		meta = &rollupMeta{}
		if err := json.Unmarshal(b, meta); err != nil {
			return nil, fmt.Errorf("%s: %w", loadedPath, err)
		}
		fmt.Printf("%s: resuming the roll-up of %s\n", target, dir)
	} else {
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	dsn, workers := filepath.Join(dir, "data", "smstrack.db"), 1
	if target == "postgres" {
		pg, err := startPostgres(ctx, pgScript, filepath.Join(dir, "pg"))
		if err != nil {
			return nil, err
		}
		defer pg.stop()
		dsn, workers = pg.dsn, 4
	} else if target != "sqlite" {
		return nil, fmt.Errorf("unknown target (want sqlite or postgres)")
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	// A bulk load writes without pause, so the store's passive checkpoints
	// never catch up and SQLite's log would grow by the whole load: every
	// few transactions the (single) writer truncates it, between them.
	checkpoint := func() error { return nil }
	if target == "sqlite" {
		raw, err := sql.Open("sqlite3", "file:"+dsn+"?_busy_timeout=60000")
		if err != nil {
			return nil, err
		}
		defer raw.Close()
		var writes int
		checkpoint = func() error {
			if writes++; writes%20 != 0 {
				return nil
			}
			_, err := raw.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
			return err
		}
	}
	if meta == nil {
		if meta, err = rollupLoad(ctx, target, db, workers, n, seed, checkpoint); err != nil {
			return nil, err
		}
		b, _ := json.MarshalIndent(meta, "", "  ")
		if err := os.WriteFile(loadedPath, b, 0o644); err != nil {
			return nil, err
		}
	}

	t1 := time.Now()
	stopProgress := progressEvery(10*time.Second, func() {
		q, _ := db.RollupQueueLength(ctx)
		fmt.Printf("  %s: rolling up, %d queued, %s\n", target, q, time.Since(t1).Round(time.Second))
	})
	for {
		n, err := db.RollUpBatch(ctx, rollBackfillBatch)
		if err == nil {
			err = checkpoint()
		}
		if err != nil {
			stopProgress()
			return nil, err
		}
		if n < rollBackfillBatch {
			break
		}
	}
	stopProgress()
	meta.RollTime = time.Since(t1).Round(time.Second).String()
	fmt.Printf("%s: rolled up in %s (%.0f messages/s)\n", target, meta.RollTime, float64(meta.Messages)/time.Since(t1).Seconds())
	db.Close() // the size without the log
	meta.SizeBytes = dirSize(dir)
	if target == "postgres" {
		return meta, vacuumFilled(ctx, dir, pgScript, metaPath, meta)
	}
	b, _ := json.MarshalIndent(meta, "", "  ")
	return meta, os.WriteFile(metaPath, b, 0o644)
}

// vacuumFilled runs VACUUM (ANALYZE) on a filled PostgreSQL database, as
// autovacuum would have over the 90 days, and records it in its meta.
func vacuumFilled(ctx context.Context, dir, pgScript, metaPath string, meta *rollupMeta) error {
	pg, err := startPostgres(ctx, pgScript, filepath.Join(dir, "pg"))
	if err != nil {
		return err
	}
	defer pg.stop()
	db, err := sql.Open("pgx", pg.dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	t0 := time.Now()
	fmt.Println("postgres: VACUUM (ANALYZE) of the filled database")
	if _, err := db.ExecContext(ctx, "VACUUM (ANALYZE)"); err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	meta.VacuumTime = time.Since(t0).Round(time.Second).String()
	fmt.Printf("postgres: vacuumed in %s\n", meta.VacuumTime)
	b, _ := json.MarshalIndent(meta, "", "  ")
	return os.WriteFile(metaPath, b, 0o644)
}

// rollupLoad generates n messages over the 90 days before now into db
// through store.BulkInsert, with workers transactions in flight.
func rollupLoad(ctx context.Context, target string, db *store.DB, workers, n int, seed uint64, checkpoint func() error) (*rollupMeta, error) {
	end := time.Now().UTC().Truncate(time.Minute)
	t0 := time.Now()
	var loaded atomic.Int64
	stopProgress := progressEvery(10*time.Second, func() {
		fmt.Printf("  %s: %d messages loaded in %s\n", target, loaded.Load(), time.Since(t0).Round(time.Second))
	})
	g := newRollupGenerator(seed, end, n)
	const batchSize = 5000
	err := inParallel(ctx, workers, func(yield func([]*store.BulkMessage) bool) {
		for start := 0; start < n; start += batchSize {
			batch := make([]*store.BulkMessage, 0, batchSize)
			for i := start; i < min(start+batchSize, n); i++ {
				batch = append(batch, g.message(i))
			}
			if !yield(batch) {
				return
			}
		}
	}, func(b []*store.BulkMessage) error {
		if err := db.BulkInsert(ctx, b); err != nil {
			return err
		}
		loaded.Add(int64(len(b)))
		if workers == 1 {
			return checkpoint()
		}
		return nil
	})
	stopProgress()
	if err != nil {
		return nil, err
	}
	meta := &rollupMeta{Messages: n, End: end, LoadTime: time.Since(t0).Round(time.Second).String()}
	fmt.Printf("%s: loaded %d messages in %s\n", target, n, meta.LoadTime)
	return meta, nil

}

// progressEvery calls fn every d until the returned stop is called.
func progressEvery(d time.Duration, fn func()) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				fn()
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func dirSize(dir string) int64 {
	var total int64
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			total += info.Size()
		}
		return nil
	})
	return total
}

// rollupQueries serves the filled database with the real binary and times
// the three questions of the issue over HTTP.
func rollupQueries(ctx context.Context, target, dir, bin, pgScript, work string, meta *rollupMeta, iterations int) ([]string, error) {
	env := []string{"SMSTRACK_ADDR=127.0.0.1:0", "SMSTRACK_LOG_LEVEL=info", "SMSTRACK_DB=", "SMSTRACK_DATA=" + filepath.Join(dir, "data")}
	if target == "postgres" {
		pg, err := startPostgres(ctx, pgScript, filepath.Join(dir, "pg"))
		if err != nil {
			return nil, err
		}
		defer pg.stop()
		env = append(env, "SMSTRACK_DB="+pg.dsn)
	}
	key, err := createAPIKey(bin, env)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return nil, err
	}
	srv, err := startServer(ctx, target, bin, []string{"serve"}, env, filepath.Join(work, "rollups-query-"+target+".log"))
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	c := &apiClient{base: "http://" + srv.addr, key: key, http: &http.Client{Timeout: time.Minute}}
	end := meta.End
	queries := []struct{ name, path string }{
		{"delivery rate by country, 30 days", "/api/v1/stats/delivery?group_by=country&from=%s&to=%s"},
		{"p99 latency by carrier, 24 h", "/api/v1/stats/delivery?group_by=country,carrier&from=%s&to=%s"},
		{"top errors, 7 days", "/api/v1/stats/errors?from=%s&to=%s"},
	}
	spans := []time.Duration{30 * 24 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour}
	lines := []string{fmt.Sprintf("| database | query | requests | p50 | p99 | max | server CPU/request | rows | verdict (p99 < %s) |", targetStatsLatency),
		"|---|---|---:|---:|---:|---:|---:|---:|---|"}
	pid := srv.cmd.Process.Pid
	for qi, q := range queries {
		var lat []time.Duration
		var cpu time.Duration
		groups := 0
		for i := -5; i < iterations; i++ { // 5 warm-ups
			if i == 0 {
				cpu = cpuTime(pid)
			}
			// A different end each time (whole minutes back), so no two
			// requests are the same.
			to := end.Add(-time.Duration(max(i, 0)) * time.Minute)
			path := fmt.Sprintf(q.path, url.QueryEscape(to.Add(-spans[qi]).Format(time.RFC3339)), url.QueryEscape(to.Format(time.RFC3339)))
			body, d, err := c.get(path)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			var out struct {
				Groups []struct {
					Errors []json.RawMessage `json:"errors"`
				} `json:"groups"`
			}
			if err := json.Unmarshal(body, &out); err != nil || len(out.Groups) == 0 {
				return nil, fmt.Errorf("%s: unexpected answer %.300s", path, body)
			}
			if i >= 0 {
				lat = append(lat, d)
				// The rows answered: groups, or the one group's top errors.
				groups = len(out.Groups)
				if len(out.Groups) == 1 && len(out.Groups[0].Errors) > 0 {
					groups = len(out.Groups[0].Errors)
				}
			}
		}
		cpu = (cpuTime(pid) - cpu) / time.Duration(len(lat))
		slices.Sort(lat)
		p99 := percentile(lat, 99)
		line := fmt.Sprintf("| %s | %s | %d | %s | %s | %s | %s | %d | %s |", target, q.name, len(lat), fmtDur(percentile(lat, 50)),
			fmtDur(p99), fmtDur(percentile(lat, 100)), fmtDur(cpu), groups, verdict(p99 < targetStatsLatency))
		fmt.Println(line)
		lines = append(lines, line)
	}
	example, _, err := c.get(fmt.Sprintf(queries[0].path, url.QueryEscape(end.Add(-spans[0]).Format(time.RFC3339)), url.QueryEscape(end.Format(time.RFC3339))))
	if err == nil {
		fmt.Printf("  example answer: %.600s\n", example)
	}
	return lines, nil
}

// rollupIngest runs the ingest benchmark's target with rollups off and on,
// alternated, and compares their throughput.
func rollupIngest(ctx context.Context, target, bin, pgScript, work string, rounds, conns, maxRequests int, duration time.Duration, seed uint64) ([]string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	requests, _ := generateCallbacks(maxRequests, defaultMix, seed)
	rates := map[string][]float64{}
	var lines []string
	for round := range rounds {
		for _, mode := range []string{"off", "on"} {
			os.Setenv("SMSTRACK_ROLLUPS", mode) // the server inherits the environment
			dbPath := filepath.Join(work, "ingest-sqlite", "data", "smstrack.db")
			stopSampling := func() int64 { return -1 }
			if target == "sqlite" && mode == "on" {
				os.RemoveAll(filepath.Dir(filepath.Dir(dbPath))) // not the previous run's file
				stopSampling = sampleQueue(ctx, dbPath)
			}
			r, err := ingestTarget(ctx, target, bin, self, pgScript, work, "", requests, conns, duration)
			peak := stopSampling()
			os.Unsetenv("SMSTRACK_ROLLUPS")
			if err != nil {
				return nil, err
			}
			rates[mode] = append(rates[mode], r.load.perSecond())
			left := ""
			if target == "sqlite" && mode == "on" {
				left = fmt.Sprintf(", queue peak %d (%.1f s of traffic)", peak, float64(peak)/r.load.perSecond()) + drainAfter(ctx, dbPath, duration)
			}
			line := fmt.Sprintf("  %s round %d rollups %-3s: %8.0f acked/s, p99 %s, server CPU %.1f µs/req%s",
				target, round+1, mode, r.load.perSecond(), fmtDur(percentile(r.load.latencies, 99)), r.cpuPerRequest(), left)
			fmt.Println(line)
			lines = append(lines, line)
		}
	}
	mean := func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s / float64(len(xs))
	}
	ratio := mean(rates["on"]) / mean(rates["off"])
	lines = append(lines, fmt.Sprintf("%s ingest: rollups off %.0f/s, on %.0f/s (mean of %d runs each): ratio %.3f, %s (≥ %.2f)",
		target, mean(rates["off"]), mean(rates["on"]), rounds, ratio, verdict(ratio >= targetRollupIngestRatio), targetRollupIngestRatio))
	return lines, nil
}

// sampleQueue reads the roller's queue length in the SQLite file at path
// every 500 ms, read-only, until the returned stop, which answers the
// longest seen (-1: never read). The file may not exist yet at the start.
func sampleQueue(ctx context.Context, path string) (stop func() int64) {
	done := make(chan struct{})
	peak := make(chan int64, 1)
	go func() {
		best := int64(-1)
		defer func() { peak <- best }()
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		var db *sql.DB
		defer func() {
			if db != nil {
				db.Close()
			}
		}()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			if db == nil {
				if _, err := os.Stat(path); err != nil {
					continue
				}
				var err error
				if db, err = sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000"); err != nil {
					continue
				}
			}
			var n int64
			if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM rollup_queue").Scan(&n); err == nil {
				best = max(best, n)
			}
		}
	}()
	return func() int64 { close(done); return <-peak }
}

// drainAfter reads how many changes a stopped server left for its roller,
// then times the roller draining them: the backlog against one roller
// interval of traffic, and the roller's pace against the ingest's, tell
// whether it kept up.
func drainAfter(ctx context.Context, path string, ran time.Duration) string {
	db, err := store.OpenNoMigrate(ctx, path)
	if err != nil {
		return ", queue unreadable: " + err.Error()
	}
	defer db.Close()
	n, err := db.RollupQueueLength(ctx)
	if err != nil {
		return ", queue unreadable: " + err.Error()
	}
	t0 := time.Now()
	if _, err := db.RollUp(ctx); err != nil {
		return fmt.Sprintf(", %d changes queued at shutdown; draining failed: %v", n, err)
	}
	took := time.Since(t0)
	return fmt.Sprintf(", %d changes queued at shutdown (after %s), drained alone in %s (%.0f changes/s)",
		n, ran, took.Round(time.Millisecond), float64(n)/took.Seconds())
}

// inParallel hands what produce yields to workers running consume, and
// returns the first error (after which production stops) or ctx's.
func inParallel[T any](ctx context.Context, workers int, produce func(yield func(T) bool), consume func(T) error) error {
	work := make(chan T, workers)
	var first error
	var once sync.Once
	failed := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for item := range work {
				select {
				case <-failed:
					continue // drain: the producer is stopping
				default:
				}
				if err := consume(item); err != nil {
					once.Do(func() { first = err; close(failed) })
				}
			}
		}()
	}
	produce(func(item T) bool {
		select {
		case work <- item:
			return ctx.Err() == nil
		case <-failed:
			return false
		}
	})
	close(work)
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}
