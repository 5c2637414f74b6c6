package sim

import (
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/smstrack/smstrack/internal/links"
)

// Recipients makes the people a network delivers to act as people do:
// their messaging apps fetch link previews the moment a message arrives,
// some of them open its tracked link minutes later, and most confirm the
// one-time codes they get. They act over HTTP on the tracker's real
// endpoints: the link itself (GET, no redirect followed) and Twilio's
// Message Feedback API. The zero value acts on nothing.
type Recipients struct {
	// LinkPrefix marks the tracked links: URLs of a body that start with
	// it are opened (the first one of a body). Empty: no link is opened,
	// as the network must never fetch arbitrary URLs.
	LinkPrefix string
	// PreviewRate is the share of delivered messages with a tracked link
	// whose messaging app fetches a preview right after delivery (zero
	// means 0.6, negative never); ClickRate the share whose recipient
	// opens the link (zero means 0.25), after ClickDelay (zero means a
	// median of 2 minutes, σ 1.3). A tenth of those who open it open it
	// again later.
	PreviewRate, ClickRate float64
	ClickDelay             LogNormal
	// FeedbackURL is the base URL of the Twilio API the sending app
	// reports confirmations to (smstrack's, when the app sends through
	// it): a confirmed one-time code is posted there as Twilio's Message
	// Feedback, Outcome=confirmed, with the account's credentials. Empty:
	// no confirmations.
	FeedbackURL string
	// ConfirmRate is the share of delivered one-time-code messages whose
	// code is entered (zero means 0.85), after ConfirmDelay (zero means a
	// median of 25 seconds, σ 0.7).
	ConfirmRate  float64
	ConfirmDelay LogNormal
}

// humanFloor is the least real time between a delivery and a person's
// click, whatever the network's Speed. A tracker tells a preview fetch by
// its arriving within a second of the delivery, in real time; compressed
// time would otherwise make every person look like a preview bot.
const humanFloor = 1500 * time.Millisecond

// maxHumanDelay caps a recipient's simulated delay.
const maxHumanDelay = 6 * time.Hour

// withDefaults fills in the zero rates and delays.
func (r Recipients) withDefaults() Recipients {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&r.PreviewRate, 0.6)
	def(&r.ClickRate, 0.25)
	def(&r.ConfirmRate, 0.85)
	if r.ClickDelay.Median <= 0 {
		r.ClickDelay = LogNormal{Median: 2 * time.Minute, Sigma: 1.3}
	}
	if r.ConfirmDelay.Median <= 0 {
		r.ConfirmDelay = LogNormal{Median: 25 * time.Second, Sigma: 0.7}
	}
	return r
}

// visit is one request for a tracked link: a preview fetcher's or a
// person's.
type visit struct {
	link, method, userAgent string
	human                   bool
}

// previewFetchers are how messaging apps fetch a preview: by a crawler's
// user agent (Apple's Messages, WhatsApp), with HEAD, or with the phone's
// own browser agent, which only the timing gives away.
var previewFetchers = []struct{ method, userAgent string }{
	{http.MethodGet, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0"},
	{http.MethodGet, "WhatsApp/2.24.6.77 A"},
	{http.MethodHead, "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36"},
	{http.MethodGet, "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Mobile Safari/537.36"},
}

// browsers are the agents people open links with.
var browsers = []string{
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
}

// oneTimeCode finds a code of 4 to 8 digits; codeWords says the message
// is about one, in the languages senders commonly use.
var (
	oneTimeCode = regexp.MustCompile(`(^|[^0-9])[0-9]{4,8}([^0-9]|$)`)
	codeWords   = regexp.MustCompile(`(?i)code|otp|passcode|pin\b|verif|código|codice|kod|код|ओटीपी|कोड|验证码`)
)

// isOneTimeCode reports whether a body carries a one-time code to enter;
// its links, whose digits and words mean nothing here, are left out.
func isOneTimeCode(body string) bool {
	spans := links.FindURLs(body)
	for i := len(spans) - 1; i >= 0; i-- {
		body = body[:spans[i].Start] + " " + body[spans[i].End:]
	}
	return oneTimeCode.MatchString(body) && codeWords.MatchString(body)
}

// trackedLink returns the first URL of body under prefix, or "".
func trackedLink(body, prefix string) string {
	if prefix == "" {
		return ""
	}
	for _, s := range links.FindURLs(body) {
		if strings.HasPrefix(s.URL, prefix) {
			return s.URL
		}
	}
	return ""
}

// planRecipient adds what the recipient of a message delivered at
// delivered does, drawn from rng. It runs under Network.mu.
func (n *Network) planRecipient(pl *plan, m *message, rng *rand.Rand, delivered time.Time) {
	r := n.cfg.Recipients
	draw := func(l LogNormal) time.Duration {
		return min(time.Duration(float64(l.Median)*math.Exp(l.Sigma*rng.NormFloat64())), maxHumanDelay)
	}
	if link := trackedLink(m.body, r.LinkPrefix); link != "" {
		if rng.Float64() < r.PreviewRate {
			f := previewFetchers[rng.IntN(len(previewFetchers))]
			// The app fetches as the message lands: within a second.
			at := delivered.Add(time.Duration(50+rng.IntN(700)) * time.Millisecond)
			pl.steps = append(pl.steps, step{at: at, visit: &visit{link: link, method: f.method, userAgent: f.userAgent}})
		}
		if rng.Float64() < r.ClickRate {
			ua := browsers[rng.IntN(len(browsers))]
			at := delivered.Add(draw(r.ClickDelay))
			pl.steps = append(pl.steps, step{at: at, visit: &visit{link: link, method: http.MethodGet, userAgent: ua, human: true}})
			if rng.Float64() < 0.1 {
				pl.steps = append(pl.steps, step{at: at.Add(draw(r.ClickDelay)), visit: &visit{link: link, method: http.MethodGet, userAgent: ua, human: true}})
			}
		}
	}
	if r.FeedbackURL != "" && isOneTimeCode(m.body) && rng.Float64() < r.ConfirmRate {
		pl.steps = append(pl.steps, step{at: delivered.Add(draw(r.ConfirmDelay)), confirm: true})
	}
}

// open requests a tracked link as v says, never following the redirect:
// the tracker only needs to see the visit.
func (n *Network) open(v *visit) {
	req, err := http.NewRequestWithContext(n.ctx, v.method, v.link, nil)
	if err != nil {
		return
	}
	req.Header.Set("User-Agent", v.userAgent)
	resp, err := n.visitor.Do(req)
	if err != nil {
		return
	}
	resp.Body.Close()
}

// confirm reports that the recipient entered the message's code, as the
// sending app does with Twilio's Message Feedback API.
func (n *Network) confirm(m *message) {
	target := strings.TrimRight(n.cfg.Recipients.FeedbackURL, "/") + "/2010-04-01/Accounts/" + url.PathEscape(m.account) +
		"/Messages/" + url.PathEscape(m.sid) + "/Feedback.json"
	req, err := http.NewRequestWithContext(n.ctx, http.MethodPost, target, strings.NewReader(url.Values{"Outcome": {"confirmed"}}.Encode()))
	if err != nil {
		return
	}
	req.SetBasicAuth(m.account, m.token)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := n.http.Do(req)
	if err != nil {
		return
	}
	resp.Body.Close()
}
