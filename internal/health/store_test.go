package health_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/health"
	_ "github.com/smstrack/smstrack/internal/provider/twilio" // Twilio's error catalogue: 30007 is carrier filtering
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
)

// storeRoute is a route of the end-to-end traffic.
type storeRoute struct {
	sender, to, country, carrier string
}

var storeRoutes = []storeRoute{
	{"+15550001", "+447700900", "GB", "EE"},
	{"+15550002", "+447700901", "GB", "EE"},
	{"+15550001", "+447400902", "GB", "Vodafone UK"},
	{"+15550001", "+12025550", "US", "AT&T"},
}

// trafficWriter sends messages of the routes through the store as a
// provider's callbacks would report them.
type trafficWriter struct {
	t        testing.TB
	db       *store.DB
	provider string // "" for twilio
	n        int
	events   []*smstrack.EventInput
}

// message adds one outbound message created at created: sent half a
// second later, then delivered after latency or undelivered with errCode.
func (w *trafficWriter) message(r storeRoute, created time.Time, latency time.Duration, errCode string) {
	w.n++
	sid := fmt.Sprintf("SM%032d", w.n)
	facts := smstrack.Facts{Direction: smstrack.Outbound, From: r.sender, To: fmt.Sprintf("%s%03d", r.to, w.n%1000),
		Country: r.country, Network: smstrack.Network{Carrier: r.carrier}, CreatedAt: created}
	sent := created.Add(500 * time.Millisecond)
	final, status := sent.Add(latency), smstrack.StatusDelivered
	if errCode != "" {
		status = smstrack.StatusUndelivered
	}
	for _, e := range []struct {
		status smstrack.Status
		code   string
		at     time.Time
	}{{smstrack.StatusSent, "", sent}, {status, errCode, final}} {
		payload, _ := json.Marshal(map[string]string{"MessageSid": sid, "MessageStatus": string(e.status), "ErrorCode": e.code})
		provider := cmp.Or(w.provider, "twilio")
		in := &smstrack.EventInput{Key: smstrack.Key{Provider: provider, Account: "AC1", ProviderID: sid}, Facts: facts,
			Event: smstrack.Event{Status: e.status, ErrorCode: e.code, Source: smstrack.SourceWebhook, ReceivedAt: e.at, Payload: payload}}
		in.ComputeDedupeKey()
		w.events = append(w.events, in)
	}
	if len(w.events) >= 1000 {
		w.flush()
	}
}

func (w *trafficWriter) flush() {
	w.t.Helper()
	if len(w.events) == 0 {
		return
	}
	if _, err := w.db.ApplyEvents(context.Background(), w.events); err != nil {
		w.t.Fatal(err)
	}
	w.events = w.events[:0]
}

// TestEvaluatorOnTheStore runs the evaluator on SQLite and PostgreSQL: a
// day of normal traffic on four routes as the baseline (read from the
// rollups), then ten minutes in which carrier EE delivers 60% with carrier
// filtering errors and five times the latency (read from the messages of
// the recent window). The EE alerts open within five evaluations, carry
// their evidence, reach a subscribed webhook endpoint, and resolve once
// the carrier recovers; nothing else alerts.
func TestEvaluatorOnTheStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx, db := context.Background(), openStore(t, dsn)
		hook, err := db.CreateEndpoint(ctx, smstrack.Endpoint{URL: "https://hooks.example/alerts", Secret: "whsec_dGVzdA==",
			EventTypes: []string{smstrack.EventAlertOpened, smstrack.EventAlertResolved}})
		if err != nil {
			t.Fatal(err)
		}

		// Yesterday at noon, so the baseline (whole days before the last
		// midnight an hour or more ago) is the day before, whatever the time.
		onset := time.Now().UTC().Truncate(24 * time.Hour).Add(-12 * time.Hour)
		recovery := onset.Add(10 * time.Minute)
		w := &trafficWriter{t: t, db: db}
		day := onset.Truncate(24 * time.Hour)
		for i, at := 0, day.Add(-24*time.Hour); at.Before(day); i, at = i+1, at.Add(2*time.Minute) {
			for _, r := range storeRoutes {
				code := ""
				if i%50 == 0 {
					code = "30003" // unreachable handset, 2% of messages
				}
				w.message(r, at, time.Duration(2000+300*(i%10))*time.Millisecond, code)
			}
		}
		for m := -15; m < 35; m++ {
			minute := onset.Add(time.Duration(m) * time.Minute)
			for i := range 6 {
				for _, r := range storeRoutes {
					at := minute.Add(time.Duration(i) * 10 * time.Second)
					latency, code := time.Duration(2000+300*((i+m)%10))*time.Millisecond, ""
					if (m*6+i)%50 == 0 {
						code = "30003"
					}
					if r.carrier == "EE" && !at.Before(onset) && at.Before(recovery) {
						latency *= 5
						if i%5 < 2 {
							code = "30007" // carrier filtering
						}
					}
					w.message(r, at, latency, code)
				}
			}
		}
		w.flush()
		if _, err := db.RollUp(ctx); err != nil {
			t.Fatal(err)
		}

		cfg := health.DefaultConfig()
		ev, err := health.NewEvaluator(health.RollupSource{Rollups: db}, db, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		opened := map[smstrack.AlertMetric]int{}
		resolved := map[smstrack.AlertMetric]int{}
		for k := -5; k <= 30; k++ {
			at := onset.Add(time.Duration(k) * time.Minute)
			rep, err := ev.Evaluate(ctx, at)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Tests == 0 {
				t.Fatalf("+%d: nothing tested", k)
			}
			for _, a := range rep.Opened {
				if a.Dimension != smstrack.DimensionCarrier || a.Key["carrier"] != "EE" || k < 0 {
					t.Errorf("+%d: unexpected alert: %s", k, a.Summary)
					continue
				}
				opened[a.Metric] = k
			}
			for _, a := range rep.Resolved {
				resolved[a.Metric] = k - 10
			}
		}
		for _, m := range []smstrack.AlertMetric{smstrack.MetricDeliveryRate, smstrack.ErrorRateMetric(smstrack.CategoryContentFiltered), smstrack.MetricLatencyP90} {
			if k, ok := opened[m]; !ok || k > 5 {
				t.Errorf("%s of EE: opened after %d evaluations (found: %v), want within 5", m, k, ok)
			}
			if k, ok := resolved[m]; !ok || k > int((cfg.Window+cfg.SettleLag)/cfg.Every)+cfg.ResolveAfter {
				t.Errorf("%s of EE: resolved %d evaluations after recovery (found: %v)", m, k, ok)
			}
		}

		alerts, _, err := db.ListAlerts(ctx, smstrack.AlertFilter{Metric: smstrack.MetricDeliveryRate})
		if err != nil || len(alerts) != 1 {
			t.Fatalf("delivery alerts: %v %v", alerts, err)
		}
		a := alerts[0]
		e := a.Evidence
		if a.State != smstrack.AlertResolved || e.Baseline < 0.97 || e.Recent > 0.95 || e.RecentN < 50 || e.BaselineN < 500 ||
			e.PValue >= e.Alpha || e.Affected < 1 || !e.WindowTo.After(e.WindowFrom) || a.Latest.Recent < 0.95 {
			t.Errorf("delivery alert: %+v", a)
		}
		t.Logf("%s; also affected: %v", a.Summary, e.AlsoAffected)
		t.Logf("opened after %v evaluations, resolved %v after recovery", opened, resolved)

		events := map[string]int{}
		ds, err := db.ClaimDue(ctx, 100, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.Endpoint.ID == hook.ID {
				events[d.Event.Type]++
			}
		}
		if events[smstrack.EventAlertOpened] != 3 || events[smstrack.EventAlertResolved] != 3 {
			t.Errorf("webhook events: %v, want 3 opened and 3 resolved", events)
		}
	})
}

// countingSource counts the evaluations that read it.
type countingSource struct {
	health.Source
	reads chan struct{}
}

func (s countingSource) RouteFigures(ctx context.Context, from, to time.Time) (map[health.Key]health.Figures, error) {
	select {
	case s.reads <- struct{}{}:
	default:
	}
	return s.Source.RouteFigures(ctx, from, to)
}

// watchedLeaser tells each claim of the lease and its outcome.
type watchedLeaser struct {
	health.Leaser
	claims chan bool
}

func (l watchedLeaser) ClaimLease(ctx context.Context, name, holder string, until time.Time) (bool, error) {
	ok, err := l.Leaser.ClaimLease(ctx, name, holder, until)
	select {
	case l.claims <- ok:
	default:
	}
	return ok, err
}

// TestOneEvaluatorAtATime runs two evaluators on one database, as two
// instances would: while the first holds the lease the second only stands
// by; once the first stops and gives the lease up, the second takes over.
func TestOneEvaluatorAtATime(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx, db := context.Background(), openStore(t, dsn)
		cfg := health.DefaultConfig()
		cfg.Every = 50 * time.Millisecond
		cfg.Lease = time.Minute // longer than any stall of a loaded machine: a stops and gives it up
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		start := func(name string) (reads chan struct{}, claims chan bool, stop func()) {
			reads, claims = make(chan struct{}, 1000), make(chan bool, 1000)
			ev, err := health.NewEvaluator(countingSource{health.RollupSource{Rollups: db}, reads}, db, cfg, log)
			if err != nil {
				t.Fatal(err)
			}
			runCtx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { defer close(done); ev.Run(runCtx, watchedLeaser{db, claims}, name) }()
			return reads, claims, func() { cancel(); <-done }
		}
		wait := func(what string, c <-chan bool, want bool) {
			t.Helper()
			timeout := time.After(10 * time.Second)
			for {
				select {
				case got := <-c:
					if got == want {
						return
					}
				case <-timeout:
					t.Fatalf("timed out waiting for %s", what)
				}
			}
		}
		readsA, claimsA, stopA := start("a")
		wait("a to hold the lease", claimsA, true)
		<-readsA
		readsB, claimsB, stopB := start("b")
		defer stopB()
		for range 3 {
			wait("b to be refused", claimsB, false)
		}
		if n := len(readsB); n != 0 {
			t.Fatalf("b evaluated %d times while a held the lease", n)
		}
		stopA()
		wait("b to take over", claimsB, true)
		select {
		case <-readsB:
		case <-time.After(10 * time.Second):
			t.Fatal("b holds the lease but does not evaluate")
		}
	})
}

// openStore opens the database for the test, closed when it ends.
func openStore(t testing.TB, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
