package web

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/testdb"
)

func TestOverviewPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		c := newConsole(t, dsn, Options{})
		seed(t, c, traffic(c.clock())...)
		b, _ := c.signedIn(t, smstrack.RoleViewer)

		p := b.get("/")
		wantStatus(t, "overview", p, http.StatusOK)
		// Three outbound messages: one delivered, one undelivered, one
		// awaiting its receipt; one inbound.
		wantText(t, "overview", p, `data-kpi="sent">3<`, `data-kpi="delivery_rate">50.0 %<`, `data-kpi="failed">1<`,
			`data-kpi="pending">1<`, `data-kpi="received">1<`, `data-kpi="p50_ms">7.0 s<`,
			`id="overview-data"`, `"codes":["30003"]`, `"explain":["30003 Unreachable destination handset"]`,
			"By provider", "By sender", "By country", "By carrier", "Vodafone UK", `href="/?carrier=EE"`,
			`href="/errors?code=30003"`, `aria-current="true">24 hours`, `id="live"`, "uplot.min.js")

		p = b.get("/?range=6h&carrier=EE")
		wantStatus(t, "filtered", p, http.StatusOK)
		wantText(t, "filtered", p, `data-kpi="sent">2<`, `aria-current="true">6 hours`, `"grain":"minute"`, `href="/?carrier=EE&range=1h"`)
		wantNoText(t, "filtered", p, "Vodafone UK")

		// Minutes are not kept by sender: the hour's figures come by hour.
		p = b.get("/?range=1h&sender=%2B14155550100")
		wantStatus(t, "by sender", p, http.StatusOK)
		wantText(t, "by sender", p, `"grain":"hour"`)

		p = b.get("/?from=" + c.clock().Add(-3*time.Hour).Format(localTimeLayout) + "&to=" + c.clock().Add(-110*time.Minute).Format(localTimeLayout))
		wantStatus(t, "custom range", p, http.StatusOK)
		wantText(t, "custom range", p, `data-kpi="sent">2<`)
		wantNoText(t, "custom range", p, `id="live"`)

		for _, q := range []string{"range=2y", "country=GBR", "from=yesterday", "colour=red",
			"from=" + c.clock().Format(localTimeLayout) + "&to=" + c.clock().Add(-time.Hour).Format(localTimeLayout)} {
			p := b.get("/?" + q)
			wantStatus(t, q, p, http.StatusBadRequest)
			wantText(t, q, p, `role="alert"`)
		}

		// The live updates: the same figures as JSON, behind the session.
		p = b.get("/console/data/overview?range=24h")
		wantStatus(t, "data", p, http.StatusOK)
		var o overview
		if err := json.Unmarshal([]byte(p.body), &o); err != nil {
			t.Fatalf("data: %v\n%s", err, p.body)
		}
		if o.Totals.Sent != 3 || o.Totals.Received != 1 || len(o.Series.Time) != len(o.Series.Sent) || len(o.Tables) != 4 || o.Grain != "hour" {
			t.Errorf("data: %+v", o)
		}
		var sent int64
		for _, n := range o.Series.Sent {
			sent += n
		}
		if sent != 3 {
			t.Errorf("the series add up to %d sent, want 3", sent)
		}
		p = b.get("/console/data/overview?range=2y")
		wantStatus(t, "bad data query", p, http.StatusBadRequest)
		wantBody(t, "bad data query", p, `"field":"range"`)
		signedOut := c.browser(t)
		wantStatus(t, "signed out", signedOut.get("/console/data/overview"), http.StatusUnauthorized)
	})
}

func TestOverviewRollupsOff(t *testing.T) {
	c := newConsole(t, testdb.DSN(t, "sqlite"), Options{})
	c.db.SetRollups(false)
	b, _ := c.signedIn(t, smstrack.RoleViewer)
	p := b.get("/")
	wantStatus(t, "rollups off", p, http.StatusOK)
	wantText(t, "rollups off", p, "Nothing to show: the rollups are off")
	wantStatus(t, "data", b.get("/console/data/overview"), http.StatusServiceUnavailable)
}
