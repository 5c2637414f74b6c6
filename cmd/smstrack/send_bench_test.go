package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/api"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/ingest"
	"github.com/smstrack/smstrack/internal/sim"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/webhook"
)

// BenchmarkSendThroughSimulator drives the Twilio-compatible send API of
// the real server stack (router, send handler, ingest with group commit, a
// SQLite store on disk) with the simulated carrier network as its upstream,
// from many concurrent clients over loopback HTTP; each message's callbacks
// come back through the real status webhook meanwhile. It reports messages
// sent per second and the latency percentiles of the answers.
//
//	go test ./cmd/smstrack -run '^$' -bench SendThroughSimulator -benchtime 20000x -cpu 64
func BenchmarkSendThroughSimulator(b *testing.B) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "smstrack.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	sid, token := "AC0123456789abcdef0123456789abcdef", "bench-token"
	accounts := map[string]string{sid: token}

	network := sim.New(sim.Config{Accounts: accounts, Speed: 1000, Seed: 1})
	defer network.Close()
	upstream := httptest.NewServer(network)
	defer upstream.Close()

	c, _, err := config.Parse("serve", []string{"--twilio-api-url", upstream.URL}, func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	preparer := &ingest.Preparer{DefaultRegion: "US"}
	committer := ingest.NewCommitter(db, log, ingest.Options{Workers: 2, Prepare: preparer.Prepare})
	defer committer.Close()
	mux, err := newMux(c, accounts, api.Options{DefaultRegion: "US"}, db, committer, webhook.NewRejector(db, log), log)
	if err != nil {
		b.Fatal(err)
	}
	server := httptest.NewServer(mux)
	defer server.Close()
	endpoint := server.URL + "/2010-04-01/Accounts/" + sid + "/Messages.json"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}

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
			form := url.Values{"To": {"+1415555" + strconv.FormatInt(1000+n%9000, 10)}, "From": {"+14155550100"},
				"Body": {"Your code is " + strconv.FormatInt(100000+n%900000, 10)}}
			req, _ := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(form.Encode()))
			req.SetBasicAuth(sid, token)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			start := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			local = append(local, time.Since(start))
			if resp.StatusCode != http.StatusCreated {
				b.Errorf("status %d", resp.StatusCode)
				return
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
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
