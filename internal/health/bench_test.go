package health_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"syscall"
	"testing"
	"time"

	"github.com/smstrack/smstrack/internal/health"
	"github.com/smstrack/smstrack/internal/insight"
	"github.com/smstrack/smstrack/internal/routing"
	"github.com/smstrack/smstrack/internal/testdb"
)

// The benchmark's traffic has the cardinality and recent volume of the
// 10,000,000-message benchmark (90 days, about 111,000 messages a day):
// 900 routes (3 providers, 10 senders, 30 carriers in 10 countries), every
// route active every hour of the week-long baseline, and 77 messages a
// minute in the last hour (the short and the long recent windows). An
// evaluation reads rollup cells (one per series and day, however many
// messages each holds) and the recent windows' messages, so one message per
// route and hour fills the baseline with exactly the cells a full-volume
// week would have.
const (
	benchProviders = 3
	benchSenders   = 10
	benchCountries = 10
	benchCarriers  = 3  // per country
	benchPerMinute = 77 // 10M messages over 90 days
)

func benchRoutes() []storeRoute {
	var out []storeRoute
	for c := range benchCountries {
		for k := range benchCarriers {
			for s := range benchSenders {
				out = append(out, storeRoute{sender: fmt.Sprintf("+1555000%02d", s), to: fmt.Sprintf("+4477%02d%d", c, k),
					country: fmt.Sprintf("C%d", c), carrier: fmt.Sprintf("Carrier %d-%d", c, k)})
			}
		}
	}
	return out
}

// BenchmarkEvaluate times one evaluation: "baseline" when the hour turned
// and the baseline is read again from the rollups, "minute" for the other
// 59 evaluations of the hour (the recent window only), and the routing
// advice for one country over the same week.
//
//	go test -run '^$' -bench Evaluate -benchtime 20x ./internal/health/
func BenchmarkEvaluate(b *testing.B) {
	for _, kind := range testdb.Kinds {
		b.Run(kind, func(b *testing.B) {
			ctx, db := context.Background(), openStore(b, testdb.DSN(b, kind))
			at := time.Now().UTC().Truncate(24 * time.Hour).Add(-12 * time.Hour) // yesterday noon: the baseline is the week before
			day := at.Truncate(24 * time.Hour)
			routes := benchRoutes()
			w := &trafficWriter{t: b, db: db}
			providers := []string{"twilio", "vonage", "sinch"}
			start := time.Now()
			for h := day.Add(-7 * 24 * time.Hour); h.Before(day); h = h.Add(time.Hour) {
				for i, r := range routes {
					for p, provider := range providers {
						code := ""
						if (i+p)%40 == int(h.Unix()/3600)%40 {
							code = "30003"
						}
						w.provider = provider
						w.message(r, h.Add(time.Duration(i)*time.Second), 3*time.Second, code)
					}
				}
			}
			for m := 62 * benchPerMinute; m > 0; m-- { // the long window and its minute of lag
				w.provider = providers[m%benchProviders]
				w.message(routes[(m*7919)%len(routes)], at.Add(-time.Duration(m)*time.Minute/benchPerMinute), 3*time.Second, "")
			}
			w.flush()
			if _, err := db.RollUp(ctx); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: %d messages, %d routes, loaded and rolled up in %s", kind, w.n, len(routes)*len(providers), time.Since(start).Round(time.Second))

			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			src := health.RollupSource{Rollups: db}
			b.Run("baseline", func(b *testing.B) {
				defer cpuPerOp(b)()
				for b.Loop() {
					ev, err := health.NewEvaluator(src, db, health.DefaultConfig(), log)
					if err != nil {
						b.Fatal(err)
					}
					if rep, err := ev.Evaluate(ctx, at); err != nil || rep.Tests == 0 {
						b.Fatalf("%v, %+v", err, rep)
					}
				}
			})
			b.Run("minute", func(b *testing.B) {
				ev, err := health.NewEvaluator(src, db, health.DefaultConfig(), log)
				if err != nil {
					b.Fatal(err)
				}
				rep, err := ev.Evaluate(ctx, at)
				if err != nil {
					b.Fatal(err)
				}
				b.Logf("%d tests", rep.Tests)
				defer cpuPerOp(b)()
				for b.Loop() {
					if rep, err := ev.Evaluate(ctx, at); err != nil || rep.Tests == 0 {
						b.Fatalf("%v, %+v", err, rep)
					}
				}
			})
			b.Run("routing-advice", func(b *testing.B) {
				defer cpuPerOp(b)()
				for b.Loop() {
					groups, err := db.Rollup(ctx, insight.Query{From: at.Add(-7 * 24 * time.Hour), To: at,
						GroupBy: []insight.Dimension{insight.DimProvider, insight.DimSender, insight.DimCarrier},
						Filter:  insight.Filter{Direction: "outbound", Country: "C3"}})
					if err != nil {
						b.Fatal(err)
					}
					if a := routing.Advise(routing.Destination{Country: "C3"}, at.Add(-7*24*time.Hour), at, groups); len(a.Routes) == 0 {
						b.Fatal("no routes")
					}
				}
			})
		})
	}
}

// cpuPerOp reports the CPU time this process spent per operation (user and
// system), a figure a busy machine disturbs less than the elapsed time. The
// PostgreSQL server's own CPU is not in it.
func cpuPerOp(b *testing.B) func() {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	return func() {
		b.ReportMetric(float64(cpu()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	}
}
