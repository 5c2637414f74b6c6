package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/insight"
	"github.com/smstrack/smstrack/internal/store"
	"github.com/smstrack/smstrack/internal/testdb"
)

// chaos builds a stream of events for n messages the way real traffic
// arrives: the app's report before or after the callbacks (moving the
// message to another bucket when its creation time is corrected), statuses
// out of order, exact duplicates, per-part receipts of multipart messages,
// tags added late, inbound replies and STOPs, over recent minutes and
// older days.
type chaos struct {
	rng   *rand.Rand
	now   time.Time
	sends []*smstrack.EventInput // every event, in arrival order once shuffled
}

var (
	chaosCountries = []struct{ country, carrier string }{
		{"GB", "EE"}, {"GB", "Vodafone UK"}, {"US", "T-Mobile"}, {"US", "Verizon"}, {"DE", "Telekom"}, {"FR", ""},
	}
	chaosErrors = []string{"30003", "30005", "30007", "21610"}
	ourNumbers  = []string{"+14155550100", "+14155550101", "+447700900500"}
)

func (c *chaos) event(sid, provider, account string, st smstrack.Status, errCode string, at time.Time, source smstrack.Source, f smstrack.Facts, part smstrack.PartRef) *smstrack.EventInput {
	payload, _ := json.Marshal(map[string]any{"sid": sid, "status": st, "err": errCode, "at": at.UnixNano(), "part": part.ID})
	in := &smstrack.EventInput{
		Key:   smstrack.Key{Provider: provider, Account: account, ProviderID: sid},
		Event: smstrack.Event{Status: st, ErrorCode: errCode, Source: source, ReceivedAt: at, Payload: payload, Part: part},
		Facts: f,
	}
	in.ComputeDedupeKey()
	return in
}

// message adds the events of message i.
func (c *chaos) message(i int) {
	r := c.rng
	sid := fmt.Sprintf("SMchaos%05d", i)
	provider, account := "twilio", "AC1"
	if r.IntN(3) == 0 {
		provider, account = "plivo", "PL9"
	}
	var created time.Time
	if r.IntN(2) == 0 {
		created = c.now.Add(-time.Duration(r.IntN(6*3600)) * time.Second) // within minute retention
	} else {
		created = c.now.Add(-72*time.Hour - time.Duration(r.IntN(15*24*3600))*time.Second)
	}
	dest := chaosCountries[r.IntN(len(chaosCountries))]
	our := ourNumbers[r.IntN(len(ourNumbers))]
	their := fmt.Sprintf("+4477009%05d", r.IntN(25))
	facts := smstrack.Facts{Direction: smstrack.Outbound, From: our, To: their, Country: dest.country,
		Network: smstrack.Network{Carrier: dest.carrier}, Segments: 1 + r.IntN(3)}
	if r.IntN(2) == 0 {
		facts.Tags = map[string]string{"campaign": []string{"spring", "autumn"}[r.IntN(2)]}
	}
	if r.IntN(5) == 0 {
		facts.Price, facts.PriceUnit = []string{"-0.0079", "-0.04", "0.05"}[r.IntN(3)], "USD"
	}
	at := created
	next := func() time.Time { at = at.Add(time.Duration(200+r.IntN(20000)) * time.Millisecond); return at }

	if r.IntN(7) == 0 { // inbound: a reply or a STOP
		body := []string{"thanks", "STOP", "yes please"}[r.IntN(3)]
		in := smstrack.Facts{Direction: smstrack.Inbound, From: their, To: our, Country: dest.country, Body: &body,
			Network: facts.Network}
		if body == "STOP" {
			in.Content.Keyword = "opt_out"
		}
		c.sends = append(c.sends, c.event(sid, provider, account, smstrack.StatusReceived, "", created, smstrack.SourceWebhook, in, smstrack.PartRef{}))
		return
	}
	report := facts
	report.CreatedAt = created
	reportStatus := smstrack.StatusQueued
	if r.IntN(8) == 0 {
		reportStatus = smstrack.StatusCanceled
	}
	// Callbacks know less than the report: no tags, no price.
	cb := smstrack.Facts{Direction: smstrack.Outbound, From: our, To: their}
	var evs []*smstrack.EventInput
	evs = append(evs, c.event(sid, provider, account, reportStatus, "", created, smstrack.SourceAPI, report, smstrack.PartRef{}))
	evs = append(evs, c.event(sid, provider, account, smstrack.StatusQueued, "", next(), smstrack.SourceWebhook, cb, smstrack.PartRef{}))
	evs = append(evs, c.event(sid, provider, account, smstrack.StatusSent, "", next(), smstrack.SourceWebhook, cb, smstrack.PartRef{}))
	final, errCode := smstrack.StatusDelivered, ""
	switch x := r.IntN(10); {
	case x == 0:
		final, errCode = smstrack.StatusUndelivered, chaosErrors[r.IntN(len(chaosErrors))]
	case x == 1:
		final, errCode = smstrack.StatusFailed, chaosErrors[r.IntN(len(chaosErrors))]
	case x == 2:
		final = "" // still pending
	}
	if final != "" {
		if r.IntN(4) == 0 { // multipart, each part reported
			for p := 1; p <= 2; p++ {
				part := smstrack.PartRef{ID: fmt.Sprintf("%s-%d", sid, p), Index: p, Count: 2}
				evs = append(evs, c.event(sid, provider, account, final, errCode, next(), smstrack.SourceWebhook, cb, part))
			}
		} else {
			evs = append(evs, c.event(sid, provider, account, final, errCode, next(), smstrack.SourceWebhook, cb, smstrack.PartRef{}))
		}
	}
	if r.IntN(5) == 0 { // the app corrects the creation time: another bucket
		moved := report
		moved.CreatedAt = created.Add(-time.Duration(1+r.IntN(180)) * time.Minute)
		evs = append(evs, c.event(sid, provider, account, reportStatus, "", next(), smstrack.SourceAPI, moved, smstrack.PartRef{}))
	}
	if r.IntN(6) == 0 { // a tag set late, by the app
		late := report
		late.Tags = map[string]string{"campaign": "winter", "team": "growth"}
		evs = append(evs, c.event(sid, provider, account, reportStatus, "", next(), smstrack.SourceAPI, late, smstrack.PartRef{}))
	}
	if r.IntN(4) == 0 { // a duplicate of any of them
		evs = append(evs, evs[r.IntN(len(evs))])
	}
	c.sends = append(c.sends, evs...)
}

// shuffleLocally moves events within windows of w, so most of a message's
// events still arrive near each other but often out of order.
func (c *chaos) shuffleLocally(w int) {
	for i := range c.sends {
		j := min(len(c.sends)-1, i+c.rng.IntN(w))
		c.sends[i], c.sends[j] = c.sends[j], c.sends[i]
	}
}

func TestRollupsStayExactUnderChaos(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db := open(t, dsn)
		c := &chaos{rng: rand.New(rand.NewPCG(7, 11)), now: time.Now().UTC()}
		for i := range 400 {
			c.message(i)
		}
		c.shuffleLocally(60)
		var outbound []int64
		for start := 0; start < len(c.sends); {
			n := 1 + c.rng.IntN(40)
			batch := c.sends[start:min(start+n, len(c.sends))]
			start += n
			res := apply(t, db, batch...)
			for i, r := range res {
				if batch[i].Facts.Direction == smstrack.Outbound && c.rng.IntN(10) == 0 {
					outbound = append(outbound, r.MessageID)
				}
			}
			// Conversions (and non-conversions) recorded as they happen.
			if len(outbound) > 0 && c.rng.IntN(3) == 0 {
				id := outbound[c.rng.IntN(len(outbound))]
				typ := []smstrack.ActionType{smstrack.ActionConfirmed, smstrack.ActionClicked, smstrack.ActionUnconfirmed}[c.rng.IntN(3)]
				at := c.now.Add(-time.Duration(c.rng.IntN(100*3600)) * time.Second)
				if _, err := db.RecordAction(ctx, smstrack.Action{MessageID: id, Type: typ, At: at, Source: "api"}); err != nil {
					t.Fatalf("record action: %v", err)
				}
			}
			if c.rng.IntN(4) == 0 { // the roller runs at arbitrary points of the stream
				if _, err := db.RollUp(ctx); err != nil {
					t.Fatalf("roll up: %v", err)
				}
			}
		}
		if lag, err := db.RollupLag(ctx); err != nil {
			t.Fatalf("lag: %v", err)
		} else if n, _ := db.RollupQueueLength(ctx); n > 0 && lag <= 0 {
			t.Errorf("lag with %d queued = %v, want > 0", n, lag)
		}
		// The backlog's span counts the queue exactly here: the roller
		// deletes a prefix and no transaction in this test rolls back.
		if b, err := db.RollupBacklog(ctx); err != nil {
			t.Fatalf("backlog: %v", err)
		} else if n, _ := db.RollupQueueLength(ctx); b.Entries != n || (n > 0) != !b.Oldest.IsZero() {
			t.Errorf("backlog %+v with %d queued", b, n)
		}
		if _, err := db.RollUp(ctx); err != nil {
			t.Fatalf("roll up: %v", err)
		}
		if lag, err := db.RollupLag(ctx); err != nil || lag != 0 {
			t.Errorf("lag after draining = %v, %v; want 0", lag, err)
		}
		if b, err := db.RollupBacklog(ctx); err != nil || b.Entries != 0 || !b.Oldest.IsZero() {
			t.Errorf("backlog after draining = %+v, %v; want none", b, err)
		}
		diffs, err := db.VerifyRollups(ctx, 20)
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
		for _, d := range diffs {
			t.Error(d)
		}
		checkAgainstSQL(t, db, dsn, c.now)
	})
}

// checkAgainstSQL compares rollup answers with counts computed by SQL over
// the messages table, independently of the roller's own bookkeeping.
func checkAgainstSQL(t *testing.T, db *store.DB, dsn string, now time.Time) {
	t.Helper()
	ctx := context.Background()
	raw := rawDB(t, dsn)
	from, to := now.Add(-30*24*time.Hour), now.Add(time.Hour)
	groups, err := db.Rollup(ctx, insight.Query{From: from, To: to, GroupBy: []insight.Dimension{insight.DimCountry, "tag:campaign"},
		Filter: insight.Filter{Direction: "outbound"}})
	if err != nil {
		t.Fatalf("rollup: %v", err)
	}
	got := map[string]string{}
	for _, g := range groups {
		got[g.Key["country"]+"/"+g.Key["tag:campaign"]] = fmt.Sprintf("%d %d %d %d %d", g.Messages, g.Delivered(), g.Failed(), g.Segments, len(g.Errors))
	}
	q := `SELECT m.country, COALESCE(t.value, ''), COUNT(*),
		SUM(CASE WHEN m.status IN ('delivered', 'read') THEN 1 ELSE 0 END),
		SUM(CASE WHEN m.status = 'failed' THEN 1 ELSE 0 END), SUM(m.segments),
		COUNT(DISTINCT NULLIF(m.error_code, ''))
		FROM messages m LEFT JOIN message_tags t ON t.message_id = m.id AND t.key = 'campaign'
		WHERE m.direction = 'outbound' GROUP BY m.country, COALESCE(t.value, '')`
	rows, err := raw.QueryContext(ctx, q)
	if err != nil {
		t.Fatalf("sql: %v", err)
	}
	defer rows.Close()
	want := map[string]string{}
	for rows.Next() {
		var country, campaign string
		var n, delivered, failed, segments, errs int64
		if err := rows.Scan(&country, &campaign, &n, &delivered, &failed, &segments, &errs); err != nil {
			t.Fatal(err)
		}
		want[country+"/"+campaign] = fmt.Sprintf("%d %d %d %d %d", n, delivered, failed, segments, errs)
	}
	if len(want) < 8 {
		t.Fatalf("only %d groups in SQL: the stream is too small to test grouping", len(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("group %s: rollup %q, SQL %q (messages delivered failed segments distinct-errors)", k, got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("group %s only in rollups: %s", k, g)
		}
	}
}

func TestRollupQueries(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db := open(t, dsn)
		now := time.Now().UTC()
		base := insight.Hour.Floor(now).Add(-2 * time.Hour)
		send := func(sid, country, carrier string, final smstrack.Status, errCode string, latency time.Duration, tags map[string]string) {
			f := smstrack.Facts{Direction: smstrack.Outbound, From: "+14155550100", To: "+447700900001", Country: country,
				Network: smstrack.Network{Carrier: carrier}, CreatedAt: base.Add(time.Minute), Tags: tags, Segments: 2, Price: "-0.0079"}
			c := &chaos{}
			sent := base.Add(2 * time.Minute)
			apply(t, db,
				c.event(sid, "twilio", "AC1", smstrack.StatusQueued, "", base.Add(time.Minute), smstrack.SourceAPI, f, smstrack.PartRef{}),
				c.event(sid, "twilio", "AC1", smstrack.StatusSent, "", sent, smstrack.SourceWebhook, f, smstrack.PartRef{}))
			if final != "" {
				apply(t, db, c.event(sid, "twilio", "AC1", final, errCode, sent.Add(latency), smstrack.SourceWebhook, f, smstrack.PartRef{}))
			}
		}
		for i := range 90 {
			send(fmt.Sprintf("SMgb%d", i), "GB", "EE", smstrack.StatusDelivered, "", time.Duration(i+1)*time.Second, map[string]string{"campaign": "spring"})
		}
		for i := range 10 {
			send(fmt.Sprintf("SMgbx%d", i), "GB", "EE", smstrack.StatusUndelivered, "30003", 0, nil)
		}
		send("SMus1", "US", "Verizon", smstrack.StatusFailed, "30007", 0, nil)
		send("SMus2", "US", "Verizon", "", "", 0, nil)
		if n, err := db.RollUp(ctx); err != nil || n == 0 {
			t.Fatalf("roll up: %d, %v", n, err)
		}

		// Totals over a range that is not aligned: minutes at the edges.
		groups, err := db.Rollup(ctx, insight.Query{From: base.Add(-90 * time.Minute), To: now})
		if err != nil || len(groups) != 1 {
			t.Fatalf("totals: %v %v", groups, err)
		}
		g := groups[0]
		if len(g.Key) != 0 || g.Messages != 102 || g.Delivered() != 90 || g.Undelivered() != 10 || g.Failed() != 1 ||
			g.Pending() != 1 || g.Segments != 204 || g.CostMicros != 102*7900 || g.Errors["30003"] != 10 || g.Errors["30007"] != 1 {
			t.Errorf("totals: got %+v", g.Figures)
		}
		rate, lo, hi, ok := g.DeliveryRate()
		if !ok || rate != 90.0/101 || lo >= rate || hi <= rate {
			t.Errorf("delivery rate %v [%v, %v] %v", rate, lo, hi, ok)
		}
		// Latencies 1..90 s: p50 is 45.5 s by rank (n-1)*q, within 1%.
		p50, _ := g.SentToDelivered.Quantile(0.5)
		if p50 < 45000*0.99 || p50 > 46000*1.01 {
			t.Errorf("p50 sent->delivered = %v ms, want about 45000-46000", p50)
		}

		// By country and carrier, hourly.
		groups, err = db.Rollup(ctx, insight.Query{From: base, To: base.Add(time.Hour), Interval: insight.Hour,
			GroupBy: []insight.Dimension{insight.DimCountry, insight.DimCarrier}})
		if err != nil || len(groups) != 2 {
			t.Fatalf("by carrier: %v %v", groups, err)
		}
		if k := groups[0].Key; k["country"] != "GB" || k["carrier"] != "EE" || groups[0].Messages != 100 || !groups[0].Bucket.Equal(base) {
			t.Errorf("first group %v at %v with %d messages", k, groups[0].Bucket, groups[0].Messages)
		}

		// By tag: the messages without the tag are a group of their own.
		groups, err = db.Rollup(ctx, insight.Query{From: base, To: now, GroupBy: []insight.Dimension{"tag:campaign"}})
		if err != nil || len(groups) != 2 {
			t.Fatalf("by tag: %v %v", groups, err)
		}
		if groups[0].Key["tag:campaign"] != "spring" || groups[0].Messages != 90 || groups[1].Key["tag:campaign"] != "" || groups[1].Messages != 12 {
			t.Errorf("by tag: %v %d, %v %d", groups[0].Key, groups[0].Messages, groups[1].Key, groups[1].Messages)
		}
		if n := groups[1].SentToDelivered.Count(); n != 0 {
			t.Errorf("untagged group has %d delivery latencies, want 0 (tagged ones subtracted exactly)", n)
		}

		// A filter and a sender-level grouping.
		groups, err = db.Rollup(ctx, insight.Query{From: base, To: now, GroupBy: []insight.Dimension{insight.DimSender},
			Filter: insight.Filter{Country: "US"}})
		if err != nil || len(groups) != 1 || groups[0].Key["sender"] != "+14155550100" || groups[0].Messages != 2 {
			t.Fatalf("US by sender: %+v %v", groups, err)
		}

		for name, q := range map[string]insight.Query{
			"from after to":    {From: now, To: base},
			"two tags":         {From: base, To: now, GroupBy: []insight.Dimension{"tag:a", "tag:b"}},
			"tag and sender":   {From: base, To: now, GroupBy: []insight.Dimension{insight.DimSender}, Filter: insight.Filter{TagKey: "campaign", TagValue: "x"}},
			"old minutes":      {From: now.Add(-72 * time.Hour), To: now, Interval: insight.Minute},
			"too many buckets": {From: now.Add(-3000 * time.Hour), To: now, Interval: insight.Hour},
			"unknown":          {From: base, To: now, GroupBy: []insight.Dimension{"colour"}},
		} {
			if _, err := db.Rollup(ctx, q); smstrack.ErrorCode(err) != smstrack.EINVALID {
				t.Errorf("%s: got %v, want an invalid-query error", name, err)
			}
		}
	})
}

func TestRollupsOff(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db := open(t, dsn)
		db.SetRollups(false)
		apply(t, db, callback("SMoff", smstrack.StatusSent, "", t0))
		if n, err := db.RollupQueueLength(ctx); err != nil || n != 0 {
			t.Fatalf("queued with rollups off: %d, %v", n, err)
		}
		db.SetRollups(true)
		if n, err := db.RebuildRollups(ctx); err != nil || n != 1 {
			t.Fatalf("rebuild queued %d, %v; want 1", n, err)
		}
		if _, err := db.RollUp(ctx); err != nil {
			t.Fatal(err)
		}
		g, err := db.Rollup(ctx, insight.Query{From: t0.Add(-time.Hour), To: t0.Add(time.Hour)})
		if err != nil || g[0].Messages != 1 {
			t.Errorf("after rebuild: %+v %v", g, err)
		}
		// Rolling the same message again changes nothing.
		db.RebuildRollups(ctx)
		db.RollUp(ctx)
		if diffs, err := db.VerifyRollups(ctx, 5); err != nil || len(diffs) > 0 {
			t.Errorf("verify: %v %v", diffs, err)
		}
	})
}

// rawDB opens the test database directly, for SQL that checks the store.
func rawDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	driver := "sqlite3"
	if store.IsPostgres(dsn) {
		driver = "pgx"
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// TestRollupsWithTwoInstances runs two stores on one database, as two
// servers would: each ingests half of a chaotic stream and runs its roller
// at random points, concurrently. One roller is active at a time, nothing
// is applied twice, and the cells end exact.
func TestRollupsWithTwoInstances(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		dbs := []*store.DB{open(t, dsn), open(t, dsn)}
		c := &chaos{rng: rand.New(rand.NewPCG(3, 5)), now: time.Now().UTC()}
		for i := range 200 {
			c.message(i)
		}
		c.shuffleLocally(30)
		errs := make(chan error, 2)
		for w, db := range dbs {
			go func() {
				rng := rand.New(rand.NewPCG(uint64(w), 9))
				for start := w * 10; start < len(c.sends); start += 20 {
					batch := c.sends[start:min(start+10, len(c.sends))]
					if _, err := db.ApplyEvents(ctx, batch); err != nil {
						errs <- err
						return
					}
					if rng.IntN(3) == 0 {
						if _, err := db.RollUp(ctx); err != nil {
							errs <- err
							return
						}
					}
				}
				errs <- nil
			}()
		}
		for range dbs {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		for _, db := range dbs {
			if _, err := db.RollUp(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := dbs[0].RollupQueueLength(ctx); err != nil || n != 0 {
			t.Fatalf("queue after both rollers: %d, %v", n, err)
		}
		diffs, err := dbs[1].VerifyRollups(ctx, 20)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range diffs {
			t.Error(d)
		}
	})
}

// TestRunRollerDrainsABacklog starts the server's roller behind a queue of
// several SQLite batches: paced or not, it drains the queue without waiting
// for its next interval, leaves the cells exact, and stops with its context.
func TestRunRollerDrainsABacklog(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		db := open(t, dsn)
		batch := make([]*smstrack.EventInput, 64)
		for i := range 24 { // 1,536 changes: four SQLite roller batches
			applySendBatch(ctx, t, db, batch, i)
		}
		var drained atomic.Int64
		stopped := make(chan struct{})
		go func() {
			defer close(stopped)
			db.RunRoller(ctx, time.Hour, func(n int, _ time.Duration, err error) {
				if err != nil {
					t.Errorf("roller: %v", err)
				}
				drained.Add(int64(n))
			})
		}()
		deadline := time.Now().Add(30 * time.Second)
		for {
			n, err := db.RollupQueueLength(ctx)
			if err != nil {
				t.Fatalf("queue: %v", err)
			}
			if n == 0 && drained.Load() > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d changes still queued after 30 s", n)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if got := drained.Load(); got != 24*64 {
			t.Errorf("the roller reported %d changes, want %d", got, 24*64)
		}
		diffs, err := db.VerifyRollups(ctx, 20)
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
		for _, d := range diffs {
			t.Error(d)
		}
		cancel()
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			t.Fatal("the roller did not stop with its context")
		}
	})
}
