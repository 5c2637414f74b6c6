package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestConsolePagesInBrowser reads the overview with its charts drawn,
// searches for a message, opens its details and sees its timeline and
// content, follows its conversation, and looks at the thread at phone
// width, and the details, errors, routing advice and links in dark mode.
func TestConsolePagesInBrowser(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		s, b := startConsole(t, db)
		// A promotion reported by the app, then its callbacks; the
		// recipient's reply comes back through the API too.
		s.mustCall(t, http.MethodPost, "/api/v1/messages", map[string]any{"provider": "twilio", "account": accountSid,
			"provider_id": "SMbrowser1", "from": "+15005550006", "to": "+14155552671",
			"body": "Spring sale – 20% off everything today 🌷 Reply STOP to opt out", "tags": map[string]string{"campaign": "spring"}}, nil, http.StatusCreated)
		s.mustCall(t, http.MethodPost, "/api/v1/messages", map[string]any{"provider": "twilio", "account": accountSid,
			"provider_id": "SMbrowser2", "from": "+15005550006", "to": "+14155552671", "body": "Your code is 123456"}, nil, http.StatusCreated)
		for _, st := range []string{"queued", "sent"} {
			s.mustSend(t, callback{Sid: "SMbrowser1", Status: st})
			s.mustSend(t, callback{Sid: "SMbrowser2", Status: st})
		}
		s.mustSend(t, callback{Sid: "SMbrowser1", Status: "undelivered", ErrorCode: "30003"})
		s.mustSend(t, callback{Sid: "SMbrowser2", Status: "delivered"})
		s.mustCall(t, http.MethodPost, "/api/v1/messages", map[string]any{"provider": "twilio", "account": accountSid,
			"provider_id": "SMbrowser3", "direction": "inbound", "from": "+14155552671", "to": "+15005550006", "body": "Thanks, see you there", "status": "received"}, nil, http.StatusCreated)

		b.signIn(consoleEmail, consolePassword)
		b.open("/")
		b.do("charts drawn", chromedp.WaitVisible(chromedp.CSS("#chart-volume canvas")), chromedp.WaitVisible(chromedp.CSS("#chart-errors canvas")))
		if got := b.text(`[data-kpi="sent"]`); got != "2" {
			t.Errorf("the overview counts %q sent, want 2", got)
		}
		if got := b.text(`table[data-dim="provider"] tbody td`); got != "twilio" {
			t.Errorf("the provider breakdown starts with %q", got)
		}
		b.screenshot("overview")

		// Search, and open the message found.
		b.navigates("messages", chromedp.Click(chromedp.CSS(`.main-nav a[href="/messages"]`)))
		b.submit("search", map[string]string{"#q": "spring sale"}, `form[role=search] button[type=submit]`)
		if n := eval[int](b, `document.querySelectorAll("table.messages tbody tr").length`); n != 1 {
			t.Fatalf("the search found %d messages, want 1", n)
		}
		if got := b.text("table.messages tbody td.body"); !strings.HasPrefix(got, "Spring sale") {
			t.Errorf("the message found reads %q", got)
		}
		b.screenshot("messages-search")
		b.navigates("details", chromedp.Click(chromedp.CSS(`table.messages tbody a[href^="/messages/"]`)))
		if n := eval[int](b, `document.querySelectorAll("ol.timeline > li").length`); n != 4 {
			t.Errorf("the timeline shows %d events, want 4 (report, queued, sent, undelivered)", n)
		}
		if got := b.text(".finding .finding-title strong"); got != "Unreachable destination handset" {
			t.Errorf("the first finding is %q", got)
		}
		if n := eval[int](b, `document.querySelectorAll(".chars .ch.non-gsm").length`); n != 2 {
			t.Errorf("the inspector marks %d characters as forcing UCS-2, want 2 (– and 🌷)", n)
		}
		b.do("open a payload", chromedp.Click(chromedp.CSS("ol.timeline details.payload summary")))
		if got := b.text("ol.timeline details.payload pre"); !strings.Contains(got, `"provider_id": "SMbrowser1"`) {
			t.Errorf("the first payload reads %q", got)
		}
		b.screenshot("message-details")

		// Its conversation, as a phone shows it.
		b.navigates("conversation", chromedp.Click(chromedp.CSS(`a[href^="/conversations/"]`)))
		if n := eval[int](b, `document.querySelectorAll(".thread .bubble").length`); n != 3 {
			t.Errorf("the thread shows %d messages, want 3", n)
		}
		if got := b.text(".thread .bubble.in p"); got != "Thanks, see you there" {
			t.Errorf("the reply reads %q", got)
		}
		b.screenshot("conversation")
		b.do("phone width", chromedp.EmulateViewport(390, 844))
		b.open(b.location())
		if !eval[bool](b, "document.documentElement.scrollWidth <= window.innerWidth") {
			t.Error("at phone width the conversation scrolls sideways")
		}
		b.screenshot("phone-conversation")
		b.open("/")
		b.do("charts drawn at phone width", chromedp.WaitVisible(chromedp.CSS("#chart-rate canvas")))
		if !eval[bool](b, "document.documentElement.scrollWidth <= window.innerWidth") {
			t.Error("at phone width the overview scrolls sideways")
		}
		b.screenshot("phone-overview")
		b.do("laptop width", chromedp.EmulateViewport(1280, 860))

		b.do("dark mode", chromedp.Click(chromedp.CSS("#theme-toggle")))
		b.open("/messages?q=spring")
		b.navigates("details again", chromedp.Click(chromedp.CSS(`table.messages tbody a[href^="/messages/"]`)))
		b.screenshot("dark-message-details")
		b.open("/errors")
		if got := b.text(".error-group h2"); !strings.HasPrefix(got, "handset_unreachable") {
			t.Errorf("the errors page starts with %q", got)
		}
		b.screenshot("dark-errors")
		b.open("/routing?country=US")
		if got := b.text("main h3"); got != "Routes" {
			t.Errorf("the routing advice starts with %q", got)
		}
		b.screenshot("dark-routing")
		b.open("/links")
		if got := b.text(".kpi .value"); got != "2" {
			t.Errorf("the links page counts %q sent", got)
		}
		b.screenshot("dark-links")
	})
}
