package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The user agents of the visits below.
const (
	phoneBrowser  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
	laptopBrowser = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
	slackPreview  = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"
)

// apiLink is the part of the API's link the tests read.
type apiLink struct {
	Code         string `json:"code"`
	ShortURL     string `json:"short_url"`
	URL          string `json:"url"`
	MessageID    int64  `json:"message_id"`
	Clicks       int    `json:"clicks"`
	UniqueClicks int    `json:"unique_clicks"`
	Previews     int    `json:"previews"`
}

// visit requests path (sent as written, escapes and all) with the user
// agent, without following a redirect.
func (s *server) visit(t *testing.T, method, path, userAgent string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", userAgent)
	client := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	res.Body.Close()
	return res
}

// TestEndToEndTrackedLinks makes links, sends a message with tracked links,
// and opens them as a person, a preview fetcher and an attacker would.
func TestEndToEndTrackedLinks(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db database) {
		s := startServer(t, db)

		var bare apiLink
		s.mustCall(t, "POST", "/api/v1/links", map[string]any{"url": "https://docs.example/start"}, &bare, http.StatusCreated)
		if bare.URL != "https://docs.example/start" || len(bare.Code) != 10 || bare.ShortURL != s.base+"/l/"+bare.Code || bare.MessageID != 0 {
			t.Errorf("bare link: got %+v", bare)
		}
		if res := s.visit(t, "GET", "/l/"+bare.Code, phoneBrowser); res.StatusCode != http.StatusFound || res.Header.Get("Location") != bare.URL {
			t.Errorf("bare link: %d to %q, want 302 to %s", res.StatusCode, res.Header.Get("Location"), bare.URL)
		}

		var sent struct {
			ID    int64     `json:"id"`
			Body  string    `json:"body"`
			Links []apiLink `json:"links"`
		}
		s.mustCall(t, "POST", "/api/v1/messages", map[string]any{
			"provider": "twilio", "account": accountSid, "provider_id": "SMe2elinks00000000000000000000001", "direction": "outbound",
			"from": "+15005550006", "to": "+14155552671", "status": "sent", "track_links": true,
			"body": "Your order: https://shop.example/o/1. Help: https://help.example/?q=1",
		}, &sent, http.StatusCreated)
		if len(sent.Links) != 2 || sent.Links[0].URL != "https://shop.example/o/1" || sent.Links[1].URL != "https://help.example/?q=1" {
			t.Fatalf("links: got %+v", sent.Links)
		}
		order, help := sent.Links[0], sent.Links[1]
		if want := "Your order: " + order.ShortURL + ". Help: " + help.ShortURL; sent.Body != want {
			t.Errorf("body: got %q, want %q", sent.Body, want)
		}

		// Previews first: they must not count as clicks nor convert.
		if res := s.visit(t, "HEAD", "/l/"+order.Code, phoneBrowser); res.StatusCode != http.StatusFound {
			t.Errorf("HEAD: %d, want 302", res.StatusCode)
		}
		if res := s.visit(t, "GET", "/l/"+order.Code, slackPreview); res.StatusCode != http.StatusFound || res.Header.Get("Location") != order.URL {
			t.Errorf("preview bot: %d to %q, want 302 to %s", res.StatusCode, res.Header.Get("Location"), order.URL)
		}
		path := fmt.Sprintf("/api/v1/messages/%d", sent.ID)
		var m struct {
			Actions   []apiAction `json:"actions"`
			Converted bool        `json:"converted"`
		}
		s.mustCall(t, "GET", path, nil, &m, http.StatusOK)
		if len(m.Actions) != 0 || m.Converted {
			t.Fatalf("after previews only: got %+v, want no action", m)
		}

		// Two clicks by one person, one by another.
		for _, ua := range []string{phoneBrowser, phoneBrowser, laptopBrowser} {
			res := s.visit(t, "GET", "/l/"+order.Code, ua)
			if res.StatusCode != http.StatusFound || res.Header.Get("Location") != order.URL {
				t.Fatalf("click: %d to %q, want 302 to %s", res.StatusCode, res.Header.Get("Location"), order.URL)
			}
			if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
				t.Errorf("click: Cache-Control %q, want no-store", cc)
			}
		}
		s.mustCall(t, "GET", path, nil, &m, http.StatusOK)
		if len(m.Actions) == 0 || !m.Converted || m.Actions[0].Type != "clicked" || m.Actions[0].Source != "link" ||
			!strings.Contains(string(m.Actions[0].Data), order.Code) {
			t.Fatalf("after clicks: got %+v, want a clicked action by link and converted", m)
		}
		if len(m.Actions) != 2 {
			t.Errorf("got %d actions, want one per person (2)", len(m.Actions))
		}

		var stats apiLink
		s.mustCall(t, "GET", "/api/v1/links/"+order.Code, nil, &stats, http.StatusOK)
		if stats.Clicks != 3 || stats.UniqueClicks != 2 || stats.Previews != 2 || stats.MessageID != sent.ID {
			t.Errorf("order link stats: got %+v, want 3 clicks, 2 unique, 2 previews on message %d", stats, sent.ID)
		}
		var list struct {
			Links []apiLink `json:"links"`
		}
		s.mustCall(t, "GET", path+"/links", nil, &list, http.StatusOK)
		if len(list.Links) != 2 || list.Links[0].Code != order.Code || list.Links[0].Clicks != 3 ||
			list.Links[1].Code != help.Code || list.Links[1].Clicks != 0 || list.Links[1].Previews != 0 {
			t.Errorf("message links: got %+v", list.Links)
		}
		if res, err := s.call("GET", "/api/v1/links/ZZZZZZZZZZ", nil, nil); err != nil || res.status != http.StatusNotFound {
			t.Errorf("unknown link stats: %d %s, %v; want 404", res.status, res.body, err)
		}

		// Nothing but a stored code ever redirects, and never off this host.
		for _, p := range []string{
			"/l/ZZZZZZZZZZ",
			"/l/%2F%2Fevil.com",
			"/l//evil.com",
			"/l/%5C%5Cevil.com",
			"/l/https:%2F%2Fevil.com",
			"/l/http://evil.com",
			"/l/" + order.Code + "%2F%2Fevil.com",
		} {
			res := s.visit(t, "GET", p, phoneBrowser)
			if loc := res.Header.Get("Location"); loc != "" {
				to, err := url.Parse(s.base + p)
				if err == nil {
					to, err = to.Parse(loc)
				}
				if err != nil || to.Host != s.addr {
					t.Errorf("%s: %d to %q, which leaves the server", p, res.StatusCode, loc)
				}
			} else if res.StatusCode/100 == 3 {
				t.Errorf("%s: %d without a Location", p, res.StatusCode)
			}
		}
	})
}
