package web

import (
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	_ "github.com/smstrack/smstrack/internal/provider/twilio" // its error catalogue explains the codes
	"github.com/smstrack/smstrack/internal/testdb"
)

// Numbers and sids of the traffic the data pages' tests seed.
const (
	testAccount = "AC00000000000000000000000000000001"
	ourNumber   = "+14155550100"
	alice       = "+447700900123"
	bob         = "+447700900456"
)

// sent describes one message to seed: its facts and its timeline.
type sent struct {
	sid    string
	facts  smstrack.Facts
	events []seedEvent
}

// seedEvent is one callback of a seeded message, at an offset from its creation.
type seedEvent struct {
	status    smstrack.Status
	code      string
	after     time.Duration
	carrier   time.Duration // the provider's own time, as an offset; 0: none
	payload   string
	duplicate bool
}

// seed stores messages through ApplyEvents, as the ingest path does, and
// returns their ids by sid.
func seed(t testing.TB, c *console, msgs ...sent) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	for _, m := range msgs {
		var batch []*smstrack.EventInput
		for _, e := range m.events {
			payload := e.payload
			if payload == "" {
				payload = fmt.Sprintf(`{"MessageSid":%q,"MessageStatus":%q,"ErrorCode":%q}`, m.sid, e.status, e.code)
			}
			in := &smstrack.EventInput{
				Key: smstrack.Key{Provider: "twilio", Account: testAccount, ProviderID: m.sid},
				Event: smstrack.Event{Status: e.status, ErrorCode: e.code, Source: smstrack.SourceWebhook,
					ReceivedAt: m.facts.CreatedAt.Add(e.after), Payload: []byte(payload)},
				Facts: m.facts,
			}
			if e.carrier != 0 {
				in.ProviderTime = m.facts.CreatedAt.Add(e.carrier)
			}
			in.ComputeDedupeKey()
			batch = append(batch, in)
		}
		res, err := c.db.ApplyEvents(t.Context(), batch)
		if err != nil {
			t.Fatal(err)
		}
		ids[m.sid] = res[0].MessageID
	}
	return ids
}

func body(s string) *string { return &s }

// wantText requires texts in the page as a person reads it: html/template
// writes "+" and quotes as character references.
func wantText(t testing.TB, what string, p answer, texts ...string) {
	t.Helper()
	page := html.UnescapeString(p.body)
	for _, s := range texts {
		if !strings.Contains(page, s) {
			t.Errorf("%s: the page lacks %q\n%.3000s", what, s, p.body)
		}
	}
}

// wantNoText requires that none of texts is in the page.
func wantNoText(t testing.TB, what string, p answer, texts ...string) {
	t.Helper()
	page := html.UnescapeString(p.body)
	for _, s := range texts {
		if strings.Contains(page, s) {
			t.Errorf("%s: the page shows %q", what, s)
		}
	}
}

// traffic is a small, varied day of messages ending at now: a delivered
// OTP, a slow undelivered UCS-2 promotion, a reply that opts out, and a
// message without a known body.
func traffic(now time.Time) []sent {
	t0 := now.Add(-2 * time.Hour).Truncate(time.Second)
	out := smstrack.Facts{Direction: smstrack.Outbound, From: ourNumber, Country: "GB", Price: "-0.0400", PriceUnit: "USD",
		Network: smstrack.Network{Carrier: "EE", NumberType: "mobile"}}
	otp := out
	otp.To, otp.Body, otp.CreatedAt, otp.Segments, otp.Encoding = alice, body("Your code is 482910"), t0, 1, "GSM-7"
	otp.Tags = map[string]string{"campaign": "login"}
	promo := out
	promo.To, promo.Body, promo.CreatedAt, promo.Segments, promo.Encoding = bob, body("Café open – 20% off today 🎉 Reply STOP to opt out"), t0.Add(time.Minute), 1, "UCS-2"
	promo.Network.Carrier = "Vodafone UK"
	promo.Tags = map[string]string{"campaign": "spring"}
	reply := smstrack.Facts{Direction: smstrack.Inbound, From: alice, To: ourNumber, Body: body("STOP"), Country: "GB",
		CreatedAt: t0.Add(3 * time.Minute), Segments: 1, Encoding: "GSM-7", Content: smstrack.Content{Keyword: "opt_out", Characters: 4}}
	unknown := out
	unknown.To, unknown.CreatedAt = alice, t0.Add(30*time.Minute)
	return []sent{
		{sid: "SMotp", facts: otp, events: []seedEvent{{status: smstrack.StatusQueued}, {status: smstrack.StatusSent, after: 2 * time.Second},
			{status: smstrack.StatusDelivered, after: 9 * time.Second, carrier: 8 * time.Second}, {status: smstrack.StatusSent, after: 12 * time.Second, payload: `{"late":true}`}}},
		{sid: "SMpromo", facts: promo, events: []seedEvent{{status: smstrack.StatusQueued}, {status: smstrack.StatusSent, after: 3 * time.Minute},
			{status: smstrack.StatusUndelivered, code: "30003", after: 20 * time.Minute, carrier: 10 * time.Minute}}},
		{sid: "SMreply", facts: reply, events: []seedEvent{{status: smstrack.StatusReceived}}},
		{sid: "SMunknown", facts: unknown, events: []seedEvent{{status: smstrack.StatusSent}}},
	}
}

func TestMessagesPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		c := newConsole(t, dsn, Options{DefaultRegion: "GB"})
		ids := seed(t, c, traffic(c.clock())...)
		b, _ := c.signedIn(t, smstrack.RoleViewer)

		p := b.get("/messages")
		wantStatus(t, "messages", p, http.StatusOK)
		wantText(t, "messages", p, alice, bob, "Your code is 482910", "30003", "Unreachable", fmt.Sprintf(`href="/messages/%d"`, ids["SMotp"]))

		for _, tc := range []struct {
			name, query string
			want, not   []string
		}{
			{"status", "status=undelivered", []string{"Café open"}, []string{"482910"}},
			{"direction", "direction=inbound", []string{"STOP"}, []string{"482910", "Café"}},
			{"number in national form", "to=07700+900456", []string{"Café open"}, []string{"482910"}},
			{"from", "from=" + strings.ReplaceAll(alice, "+", "%2B"), []string{"STOP"}, []string{"Café"}},
			{"error", "error_code=30003", []string{"Café open"}, []string{"482910"}},
			{"encoding", "encoding=ucs2", []string{"Café open"}, []string{"482910"}},
			{"tag", "tag=campaign:login", []string{"482910"}, []string{"Café"}},
			{"text", "q=code+IS", []string{"482910", "Text search reads the newest 10,000 messages"}, []string{"Café"}},
			{"dates", "created_after=" + c.clock().Add(-30*time.Minute).Format(localTimeLayout), []string{`value="` + c.clock().Add(-30*time.Minute).Format(localTimeLayout)}, []string{"482910", "Café"}},
			{"no match", "status=read", []string{"No messages match these filters."}, []string{"482910"}},
		} {
			p := b.get("/messages?" + tc.query)
			wantStatus(t, tc.name, p, http.StatusOK)
			wantText(t, tc.name, p, tc.want...)
			wantNoText(t, tc.name, p, tc.not...)
		}

		for _, tc := range []struct{ query, want string }{
			{"status=lost", "unknown status"},
			{"direction=sideways", "direction must be outbound or inbound"},
			{"encoding=ascii", "encoding must be GSM-7 or UCS-2"},
			{"tag=campaign", "tag must be key:value"},
			{"created_after=yesterday", "created_after must be a date"},
			{"created_after=2026-02-01&created_before=2026-01-01", "the start date must be before the end date"},
			{"colour=red", `unknown filter "colour"`},
			{"cursor=nonsense", "invalid cursor"},
		} {
			p := b.get("/messages?" + tc.query)
			wantStatus(t, tc.query, p, http.StatusBadRequest)
			wantText(t, tc.query, p, tc.want, `role="alert"`)
		}
	})
}

func TestMessagesPaging(t *testing.T) {
	c := newConsole(t, testdb.DSN(t, "sqlite"), Options{})
	now := c.clock()
	var msgs []sent
	for i := range smstrack.DefaultPageSize + 5 {
		f := smstrack.Facts{Direction: smstrack.Outbound, From: ourNumber, To: alice, CreatedAt: now.Add(-time.Duration(i) * time.Minute),
			Body: body(fmt.Sprintf("message number %03d", i))}
		msgs = append(msgs, sent{sid: fmt.Sprintf("SM%03d", i), facts: f, events: []seedEvent{{status: smstrack.StatusSent}}})
	}
	seed(t, c, msgs...)
	b, _ := c.signedIn(t, smstrack.RoleViewer)
	p := b.get("/messages?direction=outbound")
	wantBody(t, "first page", p, "message number 000", "message number 049", `rel="next"`)
	if strings.Contains(p.body, "message number 050") {
		t.Error("the first page holds more than a page")
	}
	next := regexpHref(t, p.body, `rel="next"`)
	p = b.get(next)
	wantStatus(t, "second page", p, http.StatusOK)
	wantBody(t, "second page", p, "message number 050", "message number 054", "« Newest")
	if strings.Contains(p.body, "message number 049") || strings.Contains(p.body, `rel="next"`) {
		t.Error("the second page repeats the first, or promises a third")
	}
}

// regexpHref returns the unescaped href of the first link with attr.
func regexpHref(t *testing.T, page, attr string) string {
	t.Helper()
	i := strings.Index(page, attr)
	if i < 0 {
		t.Fatalf("no link with %s", attr)
	}
	start := strings.LastIndex(page[:i], `href="`)
	href := page[start+len(`href="`):]
	href = href[:strings.Index(href, `"`)]
	return strings.ReplaceAll(href, "&amp;", "&")
}

func TestMessagesCSV(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		c := newConsole(t, dsn, Options{})
		seed(t, c, traffic(c.clock())...)
		formula := smstrack.Facts{Direction: smstrack.Inbound, From: bob, To: ourNumber, Body: body("=HYPERLINK(\"http://evil.example\")"),
			CreatedAt: c.clock().Add(-time.Minute)}
		seed(t, c, sent{sid: "SMformula", facts: formula, events: []seedEvent{{status: smstrack.StatusReceived}}})
		b, _ := c.signedIn(t, smstrack.RoleViewer)

		p := b.get("/messages.csv?direction=outbound")
		wantStatus(t, "export", p, http.StatusOK)
		if ct, cd := p.header.Get("Content-Type"), p.header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" || !strings.HasPrefix(cd, `attachment; filename="smstrack-messages-`) {
			t.Errorf("export headers: %q, %q", ct, cd)
		}
		rows, err := csv.NewReader(strings.NewReader(p.body)).ReadAll()
		if err != nil {
			t.Fatalf("the export is not CSV: %v\n%s", err, p.body)
		}
		if got := strings.Join(rows[0], ","); got != strings.Join(csvHeader, ",") {
			t.Errorf("header %s", got)
		}
		if len(rows) != 4 { // header and the three outbound messages
			t.Fatalf("%d rows, want 4:\n%s", len(rows), p.body)
		}
		col := func(name string) int {
			for i, h := range csvHeader {
				if h == name {
					return i
				}
			}
			t.Fatalf("no column %s", name)
			return 0
		}
		promo := rows[2] // newest first: unknown, promo, otp
		for name, want := range map[string]string{"to": bob, "status": "undelivered", "error_code": "30003", "encoding": "UCS-2",
			"price": "-0.0400", "tags": "campaign:spring", "carrier": "Vodafone UK", "body": "Café open – 20% off today 🎉 Reply STOP to opt out"} {
			if got := promo[col(name)]; got != want {
				t.Errorf("promo %s = %q, want %q", name, got, want)
			}
		}

		p = b.get("/messages.csv?direction=inbound&q=HYPERLINK")
		rows, _ = csv.NewReader(strings.NewReader(p.body)).ReadAll()
		if len(rows) != 2 || rows[1][col("body")] != `'=HYPERLINK("http://evil.example")` || rows[1][col("from")] != bob {
			t.Errorf("a formula body is not defused, or a number was changed: %q", rows)
		}

		wantStatus(t, "bad filter", b.get("/messages.csv?status=lost"), http.StatusBadRequest)
	})
}

func TestSpreadsheetSafe(t *testing.T) {
	for in, want := range map[string]string{"+14155550100": "+14155550100", "-0.0079": "-0.0079", "=1+1": "'=1+1",
		"+SUM(A1)": "'+SUM(A1)", "@cmd": "'@cmd", "-2+3": "'-2+3", "hello": "hello", "": ""} {
		if got := spreadsheetSafe(in); got != want {
			t.Errorf("spreadsheetSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
