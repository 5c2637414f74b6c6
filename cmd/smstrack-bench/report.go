package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"
)

func numCPU() int { return runtime.NumCPU() }

// verdict is PASS or MISS.
func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}

// ratio formats a/b, or "-" without a baseline.
func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", a/b)
}

// printIngestReport writes the figures as a Markdown table, each with its
// ratio to the do-nothing handler, then the verdict on every target.
func printIngestReport(w io.Writer, runs []*ingestRun, conns int, duration time.Duration, bound int) {
	var null *ingestRun
	for _, r := range runs {
		if r.target == "null" {
			null = r
		}
	}
	base := func(f func(*ingestRun) float64) float64 {
		if null == nil {
			return 0
		}
		return f(null)
	}
	rate := func(r *ingestRun) float64 { return r.load.perSecond() }
	p50 := func(r *ingestRun) float64 { return float64(percentile(r.load.latencies, 50)) }
	p99 := func(r *ingestRun) float64 { return float64(percentile(r.load.latencies, 99)) }
	rss := func(r *ingestRun) float64 { return float64(r.peakRSS) }
	cpu := func(r *ingestRun) float64 { return r.cpuPerRequest() }

	fmt.Fprintf(w, "Ingest: signed Twilio status callbacks, %d keep-alive connections, %s per target (at most %d requests)\n\n", conns, duration, bound)
	fmt.Fprintln(w, "| target | acked/s | ×null | p50 | ×null | p99 | ×null | peak RSS | ×null | errors | requests | server CPU/req | client CPU/req | load avg |")
	fmt.Fprintln(w, "|---"+strings.Repeat("|---:", 13)+"|")
	for _, r := range runs {
		clientCPU := 0.0
		if r.load.sent > 0 {
			clientCPU = float64(r.clientCPU.Microseconds()) / float64(r.load.sent)
		}
		fmt.Fprintf(w, "| %s | %.0f | %s | %s | %s | %s | %s | %.1f MB | %s | %d | %d | %.0f µs | %.0f µs | %s |\n",
			r.target, rate(r), ratio(rate(r), base(rate)),
			fmtDur(percentile(r.load.latencies, 50)), ratio(p50(r), base(p50)),
			fmtDur(percentile(r.load.latencies, 99)), ratio(p99(r), base(p99)),
			rss(r)/(1<<20), ratio(rss(r), base(rss)), r.load.failed, r.load.sent,
			cpu(r), clientCPU, r.loadAvg)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| target | check | figure | verdict |")
	fmt.Fprintln(w, "|---|---|---:|---|")
	for _, r := range runs {
		if r.target == "null" {
			continue
		}
		switch r.target {
		case "sqlite":
			fmt.Fprintf(w, "| sqlite | acked/s >= %.0f | %.0f | %s |\n", targetSQLiteRate, rate(r), verdict(rate(r) >= targetSQLiteRate))
			if null != nil {
				fmt.Fprintf(w, "| sqlite | ratio to null >= %.2f | %s | %s |\n", targetSQLiteRatio, ratio(rate(r), rate(null)),
					verdict(rate(r)/rate(null) >= targetSQLiteRatio))
			}
		case "postgres":
			fmt.Fprintf(w, "| postgres | acked/s >= %.0f | %.0f | %s |\n", targetPostgresRate, rate(r), verdict(rate(r) >= targetPostgresRate))
		}
		q99 := percentile(r.load.latencies, 99)
		fmt.Fprintf(w, "| %s | p99 <= %s | %s | %s |\n", r.target, fmtDur(targetP99), fmtDur(q99), verdict(q99 <= targetP99))
		fmt.Fprintf(w, "| %s | peak RSS <= %d MB | %.1f MB | %s |\n", r.target, targetPeakRSS>>20, rss(r)/(1<<20), verdict(r.peakRSS <= targetPeakRSS))
		fmt.Fprintf(w, "| %s | no errors | %d | %s |\n", r.target, r.load.failed, verdict(r.load.failed == 0))
	}
}
