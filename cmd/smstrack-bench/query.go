package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// targetQueryP99 is the latency every API query must stay under.
const targetQueryP99 = 20 * time.Millisecond

// queryRun is the latency of one query shape on one database.
type queryRun struct {
	db, name, example string
	latencies         []time.Duration // sorted
	errors            int
}

func runQuery(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("query", flag.ContinueOnError)
	sf := addServerFlags(fs, "directory for data and logs")
	bin, pgScript, work := sf.bin, sf.pgScript, sf.work
	n := fs.Int("messages", 1_000_000, "messages to bulk-load")
	iterations := fs.Int("n", 300, "timed requests per query")
	targets := fs.String("targets", "sqlite,postgres", "comma-separated databases: sqlite, postgres")
	cache := fs.String("cache", filepath.Join(os.TempDir(), "smstrack-bench-cache"), "where filled databases are kept between runs (empty: no cache)")
	deep := fs.Int("deep", 200, "pages walked through the cursor for the deep-page query")
	seed := fs.Uint64("seed", 1, "seed of the generated data")
	budget := fs.Duration("budget", 30*time.Second, "time bound of one query's timed requests; a slow query stops early")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := sf.makeWorkDir(); err != nil {
		return err
	}
	version, err := schemaVersion(ctx, *work)
	if err != nil {
		return err
	}
	fmt.Printf("machine: %s\n", machine())
	fmt.Printf("work directory: %s; schema version %d\n", *work, version)

	var runs []*queryRun
	for _, target := range strings.Split(*targets, ",") {
		target = strings.TrimSpace(target)
		key := fmt.Sprintf("%s-schema%d-messages%d-fill%d-seed%d", target, version, *n, fillVersion, *seed)
		rs, err := queryTarget(ctx, target, key, *bin, *pgScript, *work, *cache, *n, *iterations, *deep, *seed, *budget)
		if err != nil {
			return fmt.Errorf("%s: %w", target, err)
		}
		runs = append(runs, rs...)
	}
	fmt.Println()
	fmt.Printf("Queries: %d messages, %d timed requests per query, one keep-alive connection\n\n", *n, *iterations)
	fmt.Println("| database | query | requests | p50 | p99 | max | errors | verdict (p99 < 20ms) |")
	fmt.Println("|---|---|---:|---:|---:|---:|---:|---|")
	for _, r := range runs {
		q99 := percentile(r.latencies, 99)
		fmt.Printf("| %s | %s | %d | %s | %s | %s | %d | %s |\n", r.db, r.name, len(r.latencies), fmtDur(percentile(r.latencies, 50)), fmtDur(q99),
			fmtDur(percentile(r.latencies, 100)), r.errors, verdict(q99 < targetQueryP99 && r.errors == 0))
	}
	return nil
}

// queryTarget prepares a filled database (from the cache when it holds
// one), serves it with smstrack and times the queries.
func queryTarget(ctx context.Context, target, key, bin, pgScript, work, cache string, n, iterations, deep int, seed uint64, budget time.Duration) ([]*queryRun, error) {
	dir := filepath.Join(work, "query-"+target)
	if err := freshDir(dir); err != nil {
		return nil, err
	}
	env := []string{
		"SMSTRACK_ADDR=127.0.0.1:0",
		"SMSTRACK_DATA=" + filepath.Join(dir, "data"),
		"SMSTRACK_DB=",
		"SMSTRACK_LOG_LEVEL=info",
	}
	cached := ""
	if cache != "" {
		cached = filepath.Join(cache, key)
	}
	progress := func(what string) func(int) {
		t0, last := time.Now(), time.Now()
		return func(done int) {
			if time.Since(last) > 5*time.Second {
				last = time.Now()
				fmt.Printf("  %s: %d events loaded in %s\n", what, done, time.Since(t0).Round(time.Second))
			}
		}
	}
	switch target {
	case "sqlite":
		dbPath := filepath.Join(dir, "data", "smstrack.db")
		if err := os.MkdirAll(filepath.Dir(dbPath), 0o700); err != nil {
			return nil, err
		}
		if exists(cached) {
			fmt.Printf("sqlite: reusing %s\n", cached)
			if err := copyTree(cached, dbPath); err != nil {
				return nil, err
			}
		} else {
			t0 := time.Now()
			if err := fill(ctx, dbPath, n, 1, seed, progress("sqlite")); err != nil {
				return nil, err
			}
			fmt.Printf("sqlite: loaded %d messages in %s\n", n, time.Since(t0).Round(time.Second))
			if cached != "" {
				if err := cacheCopy(dbPath, cached); err != nil {
					return nil, err
				}
			}
		}
	case "postgres":
		pgDir := filepath.Join(dir, "pg")
		if exists(cached) {
			fmt.Printf("postgres: reusing %s\n", cached)
			if err := copyTree(cached, pgDir); err != nil {
				return nil, err
			}
		}
		pg, err := startPostgres(ctx, pgScript, pgDir)
		if err != nil {
			return nil, err
		}
		defer func() { pg.stop() }()
		if !exists(cached) {
			t0 := time.Now()
			if err := fill(ctx, pg.dsn, n, 4, seed, progress("postgres")); err != nil {
				return nil, err
			}
			fmt.Printf("postgres: loaded %d messages in %s\n", n, time.Since(t0).Round(time.Second))
			if cached != "" {
				pg.stop()
				if err := cacheCopy(pgDir, cached); err != nil {
					return nil, err
				}
				if pg, err = startPostgres(ctx, pgScript, pgDir); err != nil {
					return nil, err
				}
			}
		}
		env = append(env, "SMSTRACK_DB="+pg.dsn)
	default:
		return nil, fmt.Errorf("unknown target (want sqlite or postgres)")
	}

	apiKey, err := createAPIKey(bin, env)
	if err != nil {
		return nil, err
	}
	srv, err := startServer(ctx, target, bin, []string{"serve"}, env, filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	c := &apiClient{base: "http://" + srv.addr, key: apiKey, http: &http.Client{Timeout: 30 * time.Second}}
	return timeQueries(c, target, n, iterations, deep, seed, budget)
}

// createAPIKey runs `smstrack apikey create`, whose last stdout line is the key.
func createAPIKey(bin string, env []string) (string, error) {
	cmd := exec.Command(bin, "apikey", "create", "--name", "bench")
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("apikey create: %v: %s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(lines[len(lines)-1]), nil
}

// apiClient calls the JSON API with a key over one keep-alive connection.
type apiClient struct {
	base, key string
	http      *http.Client
}

// get fetches path, returning the body and how long the request took.
func (c *apiClient) get(path string) ([]byte, time.Duration, error) {
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	t0 := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(t0)
	if err != nil {
		return nil, d, err
	}
	if resp.StatusCode != http.StatusOK {
		return body, d, fmt.Errorf("GET %s: HTTP %d: %s", path, resp.StatusCode, body)
	}
	return body, d, nil
}

// page is what GET /api/v1/messages answers, as far as the benchmark reads it.
type page struct {
	Messages []struct {
		ID int64  `json:"id"`
		To string `json:"to"`
	} `json:"messages"`
	NextCursor string `json:"next_cursor"`
}

// timeQueries times each query shape. Parameters vary between requests
// (numbers, ids, cursors) so no single row stays hot in a cache.
func timeQueries(c *apiClient, db string, n, iterations, deep int, seed uint64, budget time.Duration) ([]*queryRun, error) {
	rng := rand.New(rand.NewPCG(seed, 0x9e77))
	// Cursors from deep in the list, found by walking it as a client would.
	var cursors []string
	cursor := ""
	t0 := time.Now()
	for i := 0; i < deep; i++ {
		path := "/api/v1/messages"
		if cursor != "" {
			path += "?cursor=" + url.QueryEscape(cursor)
		}
		body, _, err := c.get(path)
		if err != nil {
			return nil, err
		}
		var p page
		if err := json.Unmarshal(body, &p); err != nil {
			return nil, fmt.Errorf("decode page: %w", err)
		}
		if p.NextCursor == "" {
			break
		}
		cursor = p.NextCursor
		if i >= deep/2 {
			cursors = append(cursors, cursor)
		}
	}
	fmt.Printf("%s: walked %d pages through the cursor in %s\n", db, deep, time.Since(t0).Round(time.Millisecond))
	if len(cursors) == 0 {
		return nil, fmt.Errorf("the message list has no second page")
	}
	// Cursors from the middle of the 30 days, hundreds of thousands of rows
	// deep: the next_cursor of a page that starts 1 to 29 days back.
	var deepCursors []string
	for range 50 {
		before := time.Now().UTC().Add(-time.Duration(1+rng.IntN(28)) * 24 * time.Hour).Add(-time.Duration(rng.IntN(86400)) * time.Second)
		body, _, err := c.get("/api/v1/messages?created_before=" + url.QueryEscape(before.Format(time.RFC3339)))
		if err != nil {
			return nil, err
		}
		var p page
		if err := json.Unmarshal(body, &p); err != nil {
			return nil, fmt.Errorf("decode page: %w", err)
		}
		if p.NextCursor != "" {
			deepCursors = append(deepCursors, p.NextCursor)
		}
	}
	if len(deepCursors) == 0 {
		return nil, fmt.Errorf("no page found days back")
	}
	shapes := []struct {
		name, example string
		path          func(i int) string
	}{
		{"status=failed&limit=50", "/api/v1/messages?status=failed&limit=50",
			func(int) string { return "/api/v1/messages?status=failed&limit=50" }},
		{"to=<number>", "/api/v1/messages?to=%2B12000000037",
			func(int) string { return "/api/v1/messages?to=" + url.QueryEscape(recipient(rng.IntN(recipients))) }},
		{"list, first page", "/api/v1/messages",
			func(int) string { return "/api/v1/messages" }},
		{fmt.Sprintf("list, page %d-%d via cursor", deep/2+2, deep+1), "/api/v1/messages?cursor=...",
			func(i int) string { return "/api/v1/messages?cursor=" + url.QueryEscape(cursors[i%len(cursors)]) }},
		{"list, page 1-29 days deep via cursor", "/api/v1/messages?cursor=...",
			func(i int) string {
				return "/api/v1/messages?cursor=" + url.QueryEscape(deepCursors[i%len(deepCursors)])
			}},
		{"messages/{id}", "/api/v1/messages/123456",
			func(int) string { return "/api/v1/messages/" + strconv.Itoa(1+rng.IntN(n)) }},
	}
	var out []*queryRun
	for _, s := range shapes {
		r := &queryRun{db: db, name: s.name, example: s.example}
		start := time.Now()
		for i := -10; i < iterations; i++ { // up to ten untimed warm-ups, within a third of the budget
			if i < 0 && time.Since(start) > budget/3 {
				i = -1
				continue
			}
			if i == 0 {
				start = time.Now()
			} else if i > 0 && time.Since(start) > budget {
				fmt.Printf("  %-9s %-38s stopped after %d requests: over the %s budget\n", db, s.name, i, budget)
				break
			}
			_, d, err := c.get(s.path(i + 10))
			if i < 0 {
				continue
			}
			if err != nil {
				if r.errors == 0 {
					fmt.Fprintf(os.Stderr, "%s %s: %v\n", db, s.name, err)
				}
				r.errors++
				continue
			}
			r.latencies = append(r.latencies, d)
		}
		slices.Sort(r.latencies)
		fmt.Printf("  %-9s %-38s p50 %-8s p99 %-8s errors %d\n", db, s.name, fmtDur(percentile(r.latencies, 50)),
			fmtDur(percentile(r.latencies, 99)), r.errors)
		out = append(out, r)
	}
	return out, nil
}

func exists(path string) bool {
	if path == "" {
		return false
	}
	_, err := os.Stat(path)
	return err == nil
}

// copyTree copies a file or directory with cp -a, keeping the owners a
// PostgreSQL data directory needs.
func copyTree(from, to string) error {
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	if out, err := exec.Command("cp", "-a", from, to).CombinedOutput(); err != nil {
		return fmt.Errorf("cp -a %s %s: %v: %s", from, to, err, out)
	}
	return nil
}

// cacheCopy stores a filled database under the cache key, atomically.
func cacheCopy(from, cached string) error {
	tmp := cached + ".tmp"
	_ = os.RemoveAll(tmp)
	if err := copyTree(from, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, cached); err != nil {
		return err
	}
	fmt.Printf("cached %s\n", cached)
	return nil
}
