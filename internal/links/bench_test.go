package links_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/links"
)

// BenchmarkRedirect serves clicks on one link from many goroutines against
// a real SQLite store (each click a visit row and a clicked action written,
// a new visitor every time) and reports the latency percentiles of the
// answers, each of which waits for its visit to be written.
//
//	go test ./internal/links -run '^$' -bench Redirect -benchtime 20000x -cpu 8
func BenchmarkRedirect(b *testing.B) {
	f := newFixture(b, links.Options{})
	var (
		mu   sync.Mutex
		all  []time.Duration
		next atomic.Int64
	)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		local := make([]time.Duration, 0, 1024)
		for pb.Next() {
			n := next.Add(1)
			req := httptest.NewRequest("GET", "/l/"+f.code, nil)
			req.Header.Set("User-Agent", iPhone)
			req.RemoteAddr = "198.51." + strconv.Itoa(int(n/256%256)) + "." + strconv.Itoa(int(n%256)) + ":40000"
			rec := httptest.NewRecorder()
			start := time.Now()
			f.mux.ServeHTTP(rec, req)
			local = append(local, time.Since(start))
			if rec.Code != http.StatusFound {
				b.Errorf("got %d, want 302", rec.Code)
			}
		}
		mu.Lock()
		all = append(all, local...)
		mu.Unlock()
	})
	b.StopTimer()
	slices.Sort(all)
	pct := func(p float64) float64 {
		return float64(all[min(len(all)-1, int(float64(len(all))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(pct(0.999), "p99.9-ms")
}
