package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/metrics/metricstest"
	"github.com/smstrack/smstrack/internal/provider/twilio"
)

// scrape fetches /metrics with key as the bearer token ("" for none).
func (s *server) scrape(t *testing.T, key string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.base+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := s.do(req)
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	return res
}

// mustScrape scrapes with the server's key and parses the exposition.
func (s *server) mustScrape(t *testing.T) metricstest.Exposition {
	t.Helper()
	res := s.scrape(t, s.key)
	if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: status %d, %s: %s", res.status, res.header.Get("Content-Type"), res.body)
	}
	return metricstest.Parse(t, res.body)
}

// TestMetricsThroughTheBinary scrapes the real server as Prometheus would:
// only with a key; after signed Twilio callbacks the ingest counters match
// them by status, the request histogram counted them under the route
// pattern, and the outbox backlog holds the deliveries an endpoint that
// keeps failing has not taken.
func TestMetricsThroughTheBinary(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		var hits atomic.Int32
		receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			w.WriteHeader(http.StatusServiceUnavailable)
		}))
		defer receiver.Close()
		s := startServerEnv(t, db, twilioAccountsEnv, "SMSTRACK_WEBHOOKS_ALLOW_PRIVATE=true")

		for _, key := range []string{"", "smst_not-a-key"} {
			if res := s.scrape(t, key); res.status != http.StatusUnauthorized || res.header.Get("WWW-Authenticate") == "" {
				t.Errorf("GET /metrics with key %q: status %d (%s), want 401 with WWW-Authenticate", key, res.status, res.body)
			}
		}

		s.mustCall(t, "POST", "/api/v1/webhooks", map[string]any{"url": receiver.URL + "/hook", "event_types": []string{"message.failed"}}, nil, http.StatusCreated)
		callbacks := []callback{
			{Sid: "SMmetrics01", Status: "delivered"},
			{Sid: "SMmetrics02", Status: "delivered"},
			{Sid: "SMmetrics03", Status: "delivered"},
			{Sid: "SMmetrics04", Status: "failed", ErrorCode: "30008"},
			{Sid: "SMmetrics05", Status: "undelivered", ErrorCode: "30003"},
			{Sid: "SMmetrics06", Status: "sent"},
			{Sid: "SMmetrics06", Status: "sent"}, // Twilio's retry: a duplicate
			{Sid: "SMmetrics01", Status: "sent"}, // late: kept, the status stays delivered
		}
		for _, c := range callbacks {
			s.mustSend(t, c)
		}
		// Refused: unsigned, and signed but without a MessageSid.
		if res, err := s.postForm(twilio.StatusPath, callback{Sid: "SMmetrics07", Status: "sent"}.form(), ""); err != nil || res.status != http.StatusForbidden {
			t.Fatalf("unsigned callback: %v %d, want 403", err, res.status)
		}
		noSid := callback{Sid: "SMmetrics08", Status: "sent"}.form()
		noSid.Del("MessageSid")
		noSid.Del("SmsSid")
		if res, err := s.postForm(twilio.StatusPath, noSid, authToken); err != nil || res.status != http.StatusBadRequest {
			t.Fatalf("callback without MessageSid: %v %d, want 400", err, res.status)
		}

		e := s.mustScrape(t)
		const events = "smstrack_ingest_events_total"
		for _, c := range []struct {
			labels []string
			want   float64
		}{
			{[]string{"status", "delivered"}, 3},
			{[]string{"status", "failed"}, 1},
			{[]string{"status", "undelivered"}, 1},
			{[]string{"status", "sent"}, 3},
			{[]string{"status", "delivered", "result", "applied"}, 3},
			{[]string{"status", "sent", "result", "applied"}, 1},
			{[]string{"status", "sent", "result", "duplicate"}, 1},
			{[]string{"status", "sent", "result", "recorded"}, 1},
			{[]string{"provider", "twilio"}, float64(len(callbacks))},
			{nil, float64(len(callbacks))},
		} {
			if got := e.Value(events, c.labels...); got != c.want {
				t.Errorf("%s%v = %v, want %v", events, c.labels, got, c.want)
			}
		}

		const requests = "smstrack_http_request_duration_seconds"
		route := "POST " + twilio.StatusPath
		if got := e.Value(requests, "route", route, "code", "2xx"); got != float64(len(callbacks)) {
			t.Errorf("%s{route=%q,code=2xx} counted %v, want %d", requests, route, got, len(callbacks))
		}
		if got := e.Value(requests, "route", route, "code", "4xx"); got != 2 {
			t.Errorf("%s{route=%q,code=4xx} counted %v, want 2", requests, route, got)
		}
		if got := e.Value(requests, "route", "GET /metrics", "code", "4xx"); got != 2 {
			t.Errorf("unauthorized scrapes counted %v, want 2", got)
		}
		for _, r := range e.LabelValues(requests, "route") {
			if strings.Contains(r, "SMmetrics") || !strings.Contains(r, "/") {
				t.Errorf("route label %q is not a route pattern", r)
			}
		}
		const rejected = "smstrack_ingest_rejected_requests_total"
		if got := e.Value(rejected, "provider", "twilio", "reason", "forbidden"); got != 1 {
			t.Errorf("rejected forbidden %v, want 1", got)
		}
		if got := e.Value(rejected, "provider", "twilio", "reason", "invalid"); got != 1 {
			t.Errorf("rejected invalid %v, want 1", got)
		}

		// The endpoint answers 503, so its two message.failed deliveries
		// stay pending, retried later.
		if got := e.Value("smstrack_webhook_outbox_pending"); got != 2 {
			t.Errorf("outbox pending %v, want 2 (message.failed for SMmetrics04 and 05)", got)
		}
		if age := e.Value("smstrack_webhook_outbox_oldest_pending_age_seconds"); age < 0 || age > 60 {
			t.Errorf("oldest pending age %v s, want the seconds since the callbacks", age)
		}
		if e.Value("smstrack_ingest_batch_size") < 1 || e.Value("smstrack_ingest_commit_duration_seconds") < 1 ||
			e.Value("smstrack_db_commit_duration_seconds") < 1 || e["go_goroutines"] == nil || e["smstrack_rollup_lag_seconds"] == nil ||
			e["smstrack_rollup_queue_entries"] == nil {
			t.Error("batch, commit, database, rollup or runtime metrics are missing")
		}
		if db.kind == "sqlite" && e.Value("smstrack_db_wal_sync_duration_seconds") < 1 {
			t.Error("SQLite's write-ahead log syncs were not timed")
		}

		// The worker's attempts show once it has made them.
		deadline := time.Now().Add(15 * time.Second)
		for e.Value("smstrack_webhook_delivery_attempts_total", "result", "http_5xx") < 2 {
			if time.Now().After(deadline) {
				t.Fatalf("attempts by result after 15 s: %v 5xx (the receiver was hit %d times), want 2",
					e.Value("smstrack_webhook_delivery_attempts_total", "result", "http_5xx"), hits.Load())
			}
			time.Sleep(50 * time.Millisecond)
			e = s.mustScrape(t)
		}
		if got := e.Value("smstrack_webhook_delivery_attempts_total", "result", "delivered"); got != 0 {
			t.Errorf("delivered attempts %v, want 0", got)
		}
	})
}
