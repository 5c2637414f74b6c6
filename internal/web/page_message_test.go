package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/content"
	"github.com/smstrack/smstrack/internal/testdb"
)

func TestMessagePage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		c := newConsole(t, dsn, Options{Prices: content.PriceTable{"GB": 0.04}})
		ids := seed(t, c, traffic(c.clock())...)
		if _, err := c.db.RecordAction(t.Context(), smstrack.Action{MessageID: ids["SMotp"], Type: smstrack.ActionConfirmed,
			At: c.clock().Add(-119 * time.Minute), Source: smstrack.ActionSourceAPI, Data: []byte(`{"code":"ok"}`)}); err != nil {
			t.Fatal(err)
		}
		b, _ := c.signedIn(t, smstrack.RoleViewer)

		// The slow, undelivered promotion: explained, its delays blamed.
		p := b.get(fmt.Sprintf("/messages/%d", ids["SMpromo"]))
		wantStatus(t, "promo", p, http.StatusOK)
		wantText(t, "promo", p,
			"Unreachable destination handset", "responsible: handset", "What to do:", // the error, explained
			"Slow to leave the provider", "The provider held the message 3 min 0 s", // queued -> sent
			"Slow delivery", "responsible: carrier", "came 17 min 0 s after the message was sent", // sent -> undelivered
			"Receipt reported late", "10 min 0 s after the carrier", // the callback's lag
			"+3 min 0 s — slow: provider's part", "+17 min 0 s — slow: carrier's part", // the gaps on the timeline
			`"MessageStatus": "undelivered"`, "Raw payload", // payloads, indented
			"UCS-2", "Segment 1 of 1", `title="U+2013: no GSM-7 form, forces UCS-2"`, `title="U+1F389: no GSM-7 form, forces UCS-2"`,
			"Smart encoding", "Vodafone UK", "campaign: spring", "≈ 0.0400 at 0.0400 a segment (GB)")

		// The delivered OTP: its late repeated "sent" ignored, its action and the reply.
		p = b.get(fmt.Sprintf("/messages/%d", ids["SMotp"]))
		wantStatus(t, "otp", p, http.StatusOK)
		wantText(t, "otp", p, "Did not change the status", `"late": true`, "converted", "confirmed", `{"code":"ok"}`,
			"Replies", "“STOP”", "opted out", "Carrier time", fmt.Sprintf(`href="/conversations/`))
		wantNoText(t, "otp", p, "Slow", "responsible:")
		wantText(t, "spaces drawn as such", p, `<span class="ch ws" title="U+0020">␣</span>`)

		// The reply links back to what it answers.
		p = b.get(fmt.Sprintf("/messages/%d", ids["SMreply"]))
		wantText(t, "reply", p, "This is a reply", fmt.Sprintf(`href="/messages/%d"`, ids["SMotp"]), "opt_out")

		// A message sent two hours ago without a receipt, and without a body.
		p = b.get(fmt.Sprintf("/messages/%d", ids["SMunknown"]))
		wantText(t, "no receipt", p, "No delivery receipt", "Sent 1 h 30 min ago")
		wantNoText(t, "no receipt", p, "Segment 1")

		for _, path := range []string{"/messages/999999", "/messages/abc", "/messages/-1", "/messages/0"} {
			wantStatus(t, path, b.get(path), http.StatusNotFound)
		}
	})
}

func TestSegmentChars(t *testing.T) {
	// 161 GSM-7 characters: two segments, the second starting at the 154th.
	long := strings.Repeat("a", 150) + "€[]" + strings.Repeat("b", 8)
	segs := segmentChars(long, content.Analyze(long))
	if len(segs) != 2 {
		t.Fatalf("%d segments, want 2", len(segs))
	}
	var ext int
	for _, c := range segs[0].Chars {
		if c.Ext {
			ext++
		}
	}
	if n := len(segs[0].Chars) + len(segs[1].Chars); n != 161 || ext != 1 {
		t.Errorf("%d characters (want 161), %d extension characters in the first segment (want 1: € fits, [ ] start the next)", n, ext)
	}

	// An emoji with a skin tone is one character that forces UCS-2.
	body := "ok 👍🏽"
	segs = segmentChars(body, content.Analyze(body))
	chars := segs[0].Chars
	if len(chars) != 4 || !chars[3].NonGSM || chars[3].Text != "👍🏽" || !chars[2].Space || chars[0].NonGSM {
		t.Errorf("chars of %q: %+v", body, chars)
	}
}
