package main

import (
	"net/http"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// BenchmarkSendThroughSimulator drives the Twilio-compatible send API of
// the real server stack (router, send handler, ingest with group commit, a
// SQLite store on disk) with the simulated carrier network as its upstream,
// from many concurrent clients over loopback HTTP; each message's callbacks
// come back through the real status webhook meanwhile. It reports messages
// sent per second (answers of the send API), messages settled per second
// (until every record and callback is stored), the latency percentiles of
// the answers and the process's CPU time per message.
//
//	go test ./cmd/smstrack -run '^$' -bench SendThroughSimulator -benchtime 20000x -cpu 64
func BenchmarkSendThroughSimulator(b *testing.B) {
	s := newSimStack(b, filepath.Join(b.TempDir(), "smstrack.db"), nil)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}

	var (
		mu   sync.Mutex
		all  []time.Duration
		next atomic.Int64
	)
	defer debug.SetGCPercent(debug.SetGCPercent(300)) // as serve sets it
	cpu0 := processCPU()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		local := make([]time.Duration, 0, 1024)
		for pb.Next() {
			n := next.Add(1)
			start := time.Now()
			status, _, err := s.send(client, "+1415555"+strconv.FormatInt(1000+n%9000, 10), "Your code is "+strconv.FormatInt(100000+n%900000, 10))
			if err != nil {
				b.Error(err)
				return
			}
			local = append(local, time.Since(start))
			if status != http.StatusCreated {
				b.Errorf("status %d", status)
				return
			}
		}
		mu.Lock()
		all = append(all, local...)
		mu.Unlock()
	})
	b.StopTimer()
	elapsed, drainStart := b.Elapsed(), time.Now()
	// The records and callbacks still under way are part of the work.
	s.network.Wait()
	serveJobsRunning.Wait()
	drained := elapsed + time.Since(drainStart)
	cpu := processCPU() - cpu0
	slices.Sort(all)
	pct := func(p float64) float64 {
		return float64(all[min(len(all)-1, int(float64(len(all))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")    // answered by the send API
	b.ReportMetric(float64(b.N)/drained.Seconds(), "settled/s") // recorded, every callback stored
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	// CPU of the whole process (server, simulator and clients) per message,
	// every callback included: steadier than the rate on a machine shared
	// with other work.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/msg")
}

// processCPU is the CPU time (user and system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
