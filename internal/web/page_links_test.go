package web

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/links"
	"github.com/smstrack/smstrack/internal/testdb"
)

func TestLinksPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		c := newConsole(t, dsn, Options{})
		ids := seed(t, c, traffic(c.clock())...)
		ctx := t.Context()
		l, err := links.Create(ctx, c.db, "https://shop.example.com/spring?utm=sms", ids["SMotp"], 1)
		if err != nil {
			t.Fatal(err)
		}
		click := &smstrack.Action{MessageID: ids["SMotp"], Type: smstrack.ActionClicked, At: c.clock().Add(-100 * time.Minute), Source: "link"}
		for i, v := range []links.Visit{{IPHash: "a", UserAgent: "phone", Click: click}, {IPHash: "a", UserAgent: "phone"}, {IPHash: "b", UserAgent: "bot", Preview: true}} {
			v.LinkID, v.At = l.ID, c.clock().Add(time.Duration(i-100)*time.Minute)
			if _, err := c.db.RecordVisit(ctx, v); err != nil {
				t.Fatal(err)
			}
		}
		for i := range linksPerPage {
			if _, err := links.Create(ctx, c.db, fmt.Sprintf("https://example.com/%d", i), 0, 0); err != nil {
				t.Fatal(err)
			}
		}
		b, _ := c.signedIn(t, smstrack.RoleViewer)

		p := b.get("/links")
		wantStatus(t, "links", p, http.StatusOK)
		wantText(t, "links", p, "Converted", `<span class="value">1</span><span class="sub">33.3 % of sent`, "By provider", "By sender", "By country",
			"https://example.com/49", `rel="next"`)
		wantNoText(t, "links", p, "shop.example.com") // on the second page
		p = b.get(regexpHref(t, p.body, `rel="next"`))
		wantStatus(t, "second page", p, http.StatusOK)
		wantText(t, "second page", p, "https://shop.example.com/spring?utm=sms", fmt.Sprintf(`href="/messages/%d"`, ids["SMotp"]),
			`<td class="num">2</td><td class="num">1</td><td class="num">1</td>`, "« Newest")

		for _, q := range []string{"before=x", "before=-4", "range=1y", "colour=red"} {
			wantStatus(t, q, b.get("/links?"+q), http.StatusBadRequest)
		}
	})
}

func TestAlertsPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		c := newConsole(t, dsn, Options{})
		ctx := t.Context()
		now := c.clock()
		ev := smstrack.AlertEvidence{EvaluatedAt: now, WindowFrom: now.Add(-10 * time.Minute), WindowTo: now, BaselineFrom: now.Add(-7 * 24 * time.Hour),
			BaselineTo: now.Add(-10 * time.Minute), Baseline: 0.97, Recent: 0.61, BaselineN: 50000, RecentN: 400, Affected: 144, Z: -9.1, PValue: 1e-12,
			Alpha: 0.0001, Tests: 120, AlsoAffected: []string{"provider twilio", "sender +14155550100"}}
		open, err := c.db.OpenAlert(ctx, smstrack.Alert{Dimension: smstrack.DimensionCarrier, Key: map[string]string{"country": "GB", "carrier": "EE"},
			Metric: smstrack.MetricDeliveryRate, State: smstrack.AlertOpen, Summary: "Delivery to EE (GB) dropped to 61%", Evidence: ev, Latest: ev, OpenedAt: now, UpdatedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		lat := ev
		lat.Baseline, lat.Recent = 4200, 95000
		old, err := c.db.OpenAlert(ctx, smstrack.Alert{Dimension: smstrack.DimensionProvider, Key: map[string]string{"provider": "twilio"},
			Metric: smstrack.MetricLatencyP90, State: smstrack.AlertOpen, Summary: "twilio is slow", Evidence: lat, Latest: lat, OpenedAt: now.Add(-time.Hour), UpdatedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.db.ResolveAlert(ctx, old.ID, now, lat); err != nil {
			t.Fatal(err)
		}
		b, _ := c.signedIn(t, smstrack.RoleViewer)

		p := b.get("/alerts")
		wantStatus(t, "alerts", p, http.StatusOK)
		wantText(t, "alerts", p, "Delivery to EE (GB) dropped to 61%", "97.0 %", "61.0 %", "twilio is slow", "4.2 s", "1 min 35 s", "resolved")
		p = b.get("/alerts?state=open&dimension=carrier")
		wantText(t, "open", p, "Delivery to EE (GB) dropped")
		wantNoText(t, "open", p, "twilio is slow")
		wantText(t, "none", b.get("/alerts?dimension=route"), "No alerts match.")
		for _, q := range []string{"state=maybe", "dimension=planet", "colour=red", "cursor=%21"} {
			wantStatus(t, q, b.get("/alerts?"+q), http.StatusBadRequest)
		}

		p = b.get(fmt.Sprintf("/alerts/%d", open.ID))
		wantStatus(t, "alert", p, http.StatusOK)
		wantText(t, "alert", p, "Evidence", "z = -9.10", "of 50,000", "144", "Explained by this alert", "sender +14155550100",
			"/routing?country=GB&carrier=EE", "carrier=EE&country=GB", "Its messages since the window began")
		wantStatus(t, "missing alert", b.get("/alerts/9999"), http.StatusNotFound)
	})
}

func TestRoutingPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		c := newConsole(t, dsn, Options{DefaultRegion: "GB"})
		seed(t, c, traffic(c.clock())...)
		b, _ := c.signedIn(t, smstrack.RoleViewer)

		wantText(t, "empty form", b.get("/routing"), "Enter a number, or a country")
		p := b.get("/routing?country=gb&days=3")
		wantStatus(t, "country", p, http.StatusOK)
		wantText(t, "country", p, "Routes", "Providers", "Senders", "provider: twilio", "sender: +14155550100", "carrier: EE",
			"Conversions are too few to compare")
		p = b.get("/routing?country=GB&carrier=Three")
		wantText(t, "unknown carrier", p, `no outbound messages to carrier "Three" in GB recorded`)
		p = b.get("/routing?to=07700+900123")
		wantStatus(t, "number", p, http.StatusOK)
		wantText(t, "number", p, "+447700900123")
		for _, q := range []string{"to=12", "country=England", "to=%2B447700900123&country=GB", "days=0", "days=91", "colour=red"} {
			p := b.get("/routing?" + q)
			wantStatus(t, q, p, http.StatusBadRequest)
			wantText(t, q, p, `role="alert"`)
		}
	})
}
