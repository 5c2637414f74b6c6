package metrics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/metrics/metricstest"
)

func newTestMetrics(t *testing.T) *Metrics {
	t.Helper()
	return New(Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// scrape fetches m's exposition over real HTTP, as Prometheus would.
func scrape(t *testing.T, m *Metrics) metricstest.Exposition {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: status %d: %s", resp.StatusCode, body)
	}
	return metricstest.Parse(t, body)
}

func event(provider string, status smstrack.Status) *smstrack.EventInput {
	ev := &smstrack.EventInput{}
	ev.Provider, ev.Status = provider, status
	return ev
}

func TestObserveEventCountsByProviderStatusAndResult(t *testing.T) {
	m := newTestMetrics(t)
	for range 3 {
		m.ObserveEvent(event("twilio", smstrack.StatusDelivered), smstrack.EventResult{Applied: true})
	}
	m.ObserveEvent(event("twilio", smstrack.StatusDelivered), smstrack.EventResult{Duplicate: true})
	m.ObserveEvent(event("twilio", smstrack.StatusSent), smstrack.EventResult{}) // late: kept, status unchanged
	m.ObserveEvent(event("vonage", ""), smstrack.EventResult{Applied: true})

	e := scrape(t, m)
	const name = "smstrack_ingest_events_total"
	for _, c := range []struct {
		labels []string
		want   float64
	}{
		{[]string{"provider", "twilio", "status", "delivered", "result", "applied"}, 3},
		{[]string{"provider", "twilio", "status", "delivered", "result", "duplicate"}, 1},
		{[]string{"provider", "twilio", "status", "sent", "result", "recorded"}, 1},
		{[]string{"provider", "vonage", "status", "none", "result", "applied"}, 1},
		{[]string{"provider", "twilio"}, 5},
	} {
		if got := e.Value(name, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", name, c.labels, got, c.want)
		}
	}
	// Only what happened is listed, not every status × result.
	if got := len(e.Samples(name)); got != 4 {
		t.Errorf("%d series, want 4 (one per combination seen)", got)
	}
}

func TestProviderLabelIsBounded(t *testing.T) {
	m := newTestMetrics(t)
	total := 0
	for i := range maxProviders + 10 {
		m.ObserveEvent(event(fmt.Sprintf("p%d", i), smstrack.StatusSent), smstrack.EventResult{Applied: true})
		total++
	}
	for _, name := range []string{"Twilio", "+447700900123", strings.Repeat("x", 40), "", "other"} {
		m.ObserveEvent(event(name, smstrack.StatusSent), smstrack.EventResult{Applied: true})
		total++
	}
	e := scrape(t, m)
	providers := e.LabelValues("smstrack_ingest_events_total", "provider")
	if len(providers) != maxProviders+1 {
		t.Errorf("%d provider label values, want %d and other", len(providers), maxProviders)
	}
	if !slices.Contains(providers, otherProvider) || slices.Contains(providers, "+447700900123") || slices.Contains(providers, "Twilio") {
		t.Errorf("provider labels %v: want other, and no number or unsafe name", providers)
	}
	if got := e.Value("smstrack_ingest_events_total"); got != float64(total) {
		t.Errorf("events counted %v, want %d", got, total)
	}
	if got := e.Value("smstrack_ingest_events_total", "provider", otherProvider); got != 15 {
		t.Errorf("other %v, want 15 (10 past the bound, 5 unsafe names)", got)
	}
}

func TestObserveEventAllocatesNothing(t *testing.T) {
	m := newTestMetrics(t)
	ev := event("twilio", smstrack.StatusDelivered)
	res := smstrack.EventResult{Applied: true}
	m.ObserveEvent(ev, res) // resolves the counter
	if n := testing.AllocsPerRun(1000, func() { m.ObserveEvent(ev, res) }); n != 0 {
		t.Errorf("ObserveEvent allocates %v times per event, want 0", n)
	}
}

func TestMiddlewareLabelsByRoutePattern(t *testing.T) {
	m := newTestMetrics(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.PathValue("id")) })
	mux.HandleFunc("POST /items", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) })
	mux.HandleFunc("GET /broken", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusBadGateway) })
	mux.HandleFunc("POST /panic", func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) })
	mux.HandleFunc("GET /silent", func(w http.ResponseWriter, r *http.Request) {})
	srv := httptest.NewServer(m.Middleware(mux))
	defer srv.Close()

	get := func(method, path string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			if path == "/panic" {
				return // the server drops the connection of a panicking handler
			}
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	for _, id := range []string{"1", "2", "+447700900123"} {
		get("GET", "/items/"+id)
	}
	get("POST", "/items")
	get("GET", "/broken")
	get("POST", "/panic") // not GET: the client would retry an idempotent request
	get("GET", "/silent")
	get("GET", "/no/such/page")
	get("DELETE", "/items") // the mux answers 405: no pattern matched this method

	e := scrape(t, m)
	const name = "smstrack_http_request_duration_seconds"
	for _, c := range []struct {
		route, code string
		want        float64
	}{
		{"GET /items/{id}", "2xx", 3},
		{"POST /items", "2xx", 1},
		{"GET /broken", "5xx", 1},
		{"POST /panic", "5xx", 1},
		{"GET /silent", "2xx", 1},
		{unmatchedRoute, "4xx", 2},
	} {
		if got := e.Value(name, "route", c.route, "code", c.code); got != c.want {
			t.Errorf("route %q code %s: %v requests, want %v", c.route, c.code, got, c.want)
		}
	}
	for _, route := range e.LabelValues(name, "route") {
		if strings.Contains(route, "+44") || strings.Contains(route, "/items/1") || strings.Contains(route, "/no/such") {
			t.Errorf("route label %q holds a raw path", route)
		}
	}
}

func TestObserveRejectedByProviderAndReason(t *testing.T) {
	m := newTestMetrics(t)
	mux := http.NewServeMux()
	refuse := func(err error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			m.ObserveRejected(r, err)
			w.WriteHeader(webhookStatus(err))
		}
	}
	mux.HandleFunc("POST /webhooks/twilio/status", refuse(smstrack.FieldError("MessageSid", "missing message id")))
	mux.HandleFunc("POST /webhooks/aws", refuse(&smstrack.Error{Code: smstrack.EFORBIDDEN, Message: "bad signature"}))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, path := range []string{"/webhooks/twilio/status", "/webhooks/twilio/status", "/webhooks/aws"} {
		resp, err := http.Post(srv.URL+path, "text/plain", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	e := scrape(t, m)
	const name = "smstrack_ingest_rejected_requests_total"
	if got := e.Value(name, "provider", "twilio", "reason", smstrack.EINVALID); got != 2 {
		t.Errorf("twilio invalid: %v, want 2", got)
	}
	if got := e.Value(name, "provider", "aws", "reason", smstrack.EFORBIDDEN); got != 1 {
		t.Errorf("aws forbidden: %v, want 1", got)
	}
}

// webhookStatus is a stand-in for the handlers' status mapping.
func webhookStatus(err error) int {
	if smstrack.ErrorCode(err) == smstrack.EFORBIDDEN {
		return http.StatusForbidden
	}
	return http.StatusBadRequest
}

func TestWebhookProvider(t *testing.T) {
	for pattern, want := range map[string]string{
		"POST /webhooks/twilio/status":    "twilio",
		"GET /webhooks/vonage/inbound":    "vonage",
		"POST /webhooks/aws":              "aws",
		"/webhooks/kannel/status":         "kannel",
		"POST example.com/webhooks/sinch": "sinch",
		"POST /api/v1/messages":           otherProvider,
		"POST /webhooks/Bad Name/x":       otherProvider,
		"":                                otherProvider,
	} {
		if got := webhookProvider(pattern); got != want {
			t.Errorf("webhookProvider(%q) = %q, want %q", pattern, got, want)
		}
	}
}

func TestObserveAttemptByResult(t *testing.T) {
	m := newTestMetrics(t)
	for _, a := range []smstrack.DeliveryAttempt{
		{Status: 200, LatencyMs: 12},
		{Status: 204, LatencyMs: 8},
		{Status: 410, LatencyMs: 5},
		{Status: 503, LatencyMs: 30},
		{Status: 302, LatencyMs: 4},
		{Error: "dial tcp 10.0.0.1:443: destination not allowed", LatencyMs: 1},
		{Status: 200, Error: "reading the answer: unexpected EOF"},
	} {
		m.ObserveAttempt(a)
	}
	e := scrape(t, m)
	for result, want := range map[string]float64{"delivered": 2, "http_4xx": 1, "http_5xx": 1, "http_other": 1, "error": 2} {
		if got := e.Value("smstrack_webhook_delivery_attempts_total", "result", result); got != want {
			t.Errorf("result %s: %v, want %v", result, got, want)
		}
	}
	if got := e.Value("smstrack_webhook_delivery_duration_seconds"); got != 7 {
		t.Errorf("durations observed: %v, want 7", got)
	}
}

func TestBatchQueueAndDatabaseMetrics(t *testing.T) {
	m := newTestMetrics(t)
	m.ObserveBatch(64, 3*time.Millisecond, nil)
	m.ObserveBatch(1, time.Millisecond, errors.New("disk full"))
	depth := 7
	m.WatchQueue(func() int { return depth }, 2048)
	m.ObserveDBCommit(400 * time.Microsecond)
	m.ObserveWALSync(2 * time.Millisecond)
	m.ObserveWALSync(9 * time.Millisecond)

	e := scrape(t, m)
	for _, c := range []struct {
		name string
		want float64
	}{
		{"smstrack_ingest_batch_size", 2},
		{"smstrack_ingest_commit_duration_seconds", 2},
		{"smstrack_ingest_commit_failures_total", 1},
		{"smstrack_ingest_queue_depth", 7},
		{"smstrack_ingest_queue_capacity", 2048},
		{"smstrack_db_commit_duration_seconds", 1},
		{"smstrack_db_wal_sync_duration_seconds", 2},
	} {
		if got := e.Value(c.name); got != c.want {
			t.Errorf("%s = %v, want %v", c.name, got, c.want)
		}
	}
	if got := e.Samples("smstrack_ingest_batch_size")[0].Histogram.GetSampleSum(); got != 65 {
		t.Errorf("batch sizes add up to %v, want 65", got)
	}
	if e["go_goroutines"] == nil || e["process_cpu_seconds_total"] == nil {
		t.Error("the Go runtime and process collectors are missing")
	}
}

func TestWatchOutboxCachesTheQuery(t *testing.T) {
	m := newTestMetrics(t)
	var queries atomic.Int32
	oldest := time.Now().Add(-90 * time.Second)
	m.WatchOutbox(func(context.Context) (int64, time.Time, error) {
		queries.Add(1)
		return 12, oldest, nil
	})
	e := scrape(t, m)
	scrape(t, m)
	scrape(t, m)
	if got := queries.Load(); got != 1 {
		t.Errorf("three scrapes within the cache period ran %d queries, want 1", got)
	}
	if got := e.Value("smstrack_webhook_outbox_pending"); got != 12 {
		t.Errorf("pending %v, want 12", got)
	}
	if got := e.Value("smstrack_webhook_outbox_oldest_pending_age_seconds"); got < 90 || got > 120 {
		t.Errorf("oldest pending age %v s, want about 90", got)
	}
}

func TestCachedRefreshesAndKeepsFailures(t *testing.T) {
	m := newTestMetrics(t)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	answer, fail := 1, false
	c := newCached(m, "test_gauge", func(ctx context.Context) (int, error) {
		if _, ok := ctx.Deadline(); !ok {
			t.Error("the query has no deadline")
		}
		if fail {
			return 0, errors.New("database is gone")
		}
		return answer, nil
	})
	c.now = func() time.Time { return now }

	if v, err := c.get(); v != 1 || err != nil {
		t.Fatalf("get = %v, %v; want 1", v, err)
	}
	answer = 2
	now = now.Add(m.opts.CacheFor - time.Millisecond)
	if v, _ := c.get(); v != 1 {
		t.Errorf("within the period: %v, want the kept 1", v)
	}
	now = now.Add(time.Millisecond)
	if v, _ := c.get(); v != 2 {
		t.Errorf("after the period: %v, want 2", v)
	}
	fail = true
	now = now.Add(m.opts.CacheFor)
	if _, err := c.get(); err == nil {
		t.Error("a failed query answered no error")
	}
	if _, err := c.get(); err == nil || c.queries != 3 {
		t.Errorf("a failure is kept for the period too: err %v, %d queries, want 3", err, c.queries)
	}
	if got := scrape(t, m).Value("smstrack_metrics_query_failures_total", "gauge", "test_gauge"); got != 1 {
		t.Errorf("query failures %v, want 1", got)
	}
}

func TestWatchRollups(t *testing.T) {
	m := newTestMetrics(t)
	m.WatchRollups(func(context.Context) (RollupBacklog, error) {
		return RollupBacklog{Entries: 4200, Lag: 1500 * time.Millisecond}, nil
	})
	got := scrape(t, m)
	if v := got.Value("smstrack_rollup_lag_seconds"); v != 1.5 {
		t.Errorf("rollup lag %v, want 1.5", v)
	}
	if v := got.Value("smstrack_rollup_queue_entries"); v != 4200 {
		t.Errorf("rollup queue %v, want 4200", v)
	}
	failing := newTestMetrics(t)
	failing.WatchRollups(func(context.Context) (RollupBacklog, error) { return RollupBacklog{}, errors.New("no rollups") })
	if got := scrape(t, failing); got["smstrack_rollup_lag_seconds"] != nil || got["smstrack_rollup_queue_entries"] != nil {
		t.Error("a failed backlog query still exported a value")
	}
	// The failure counter is collected beside the gauges, so the next scrape shows it.
	if got := scrape(t, failing).Value("smstrack_metrics_query_failures_total", "gauge", "rollup_backlog"); got != 1 {
		t.Errorf("query failures %v, want 1", got)
	}
}

func BenchmarkObserveEvent(b *testing.B) {
	m := New(Options{})
	ev := event("twilio", smstrack.StatusDelivered)
	res := smstrack.EventResult{Applied: true}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.ObserveEvent(ev, res)
		}
	})
}

func BenchmarkMiddleware(b *testing.B) {
	m := New(Options{})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /webhooks/twilio/status", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	h := m.Middleware(mux)
	req := httptest.NewRequest("POST", "/webhooks/twilio/status", nil)
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
}
