package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/smstrack/smstrack/internal/provider/twilio"
)

// message is one simulated message; its fields change under Network.mu.
type message struct {
	sid, account, token     string
	to, from, body, service string
	callback                string
	segments, media         int
	created, updated, sent  time.Time
	status                  string
	errorCode               int
	profile                 Profile
}

// resource is Twilio's Message resource, in its field order; nil
// pointers encode as null, as Twilio's do.
type resource struct {
	AccountSid          string            `json:"account_sid"`
	APIVersion          string            `json:"api_version"`
	Body                string            `json:"body"`
	DateCreated         string            `json:"date_created"`
	DateSent            *string           `json:"date_sent"`
	DateUpdated         string            `json:"date_updated"`
	Direction           string            `json:"direction"`
	ErrorCode           *int              `json:"error_code"`
	ErrorMessage        *string           `json:"error_message"`
	From                string            `json:"from"`
	MessagingServiceSid *string           `json:"messaging_service_sid"`
	NumMedia            string            `json:"num_media"`
	NumSegments         string            `json:"num_segments"`
	Price               *string           `json:"price"`
	PriceUnit           string            `json:"price_unit"`
	Sid                 string            `json:"sid"`
	Status              string            `json:"status"`
	SubresourceURIs     map[string]string `json:"subresource_uris"`
	To                  string            `json:"to"`
	URI                 string            `json:"uri"`
}

// dateLayout is how Twilio's REST API writes dates.
const dateLayout = "Mon, 02 Jan 2006 15:04:05 -0700"

func (m *message) resource() *resource {
	base := "/2010-04-01/Accounts/" + m.account + "/Messages/" + m.sid
	r := &resource{
		AccountSid: m.account, APIVersion: "2010-04-01", Body: m.body,
		DateCreated: m.created.UTC().Format(dateLayout), DateUpdated: m.updated.UTC().Format(dateLayout),
		Direction: "outbound-api", From: m.from, NumMedia: strconv.Itoa(m.media),
		NumSegments: strconv.Itoa(m.segments), PriceUnit: "USD", Sid: m.sid, Status: m.status,
		SubresourceURIs: map[string]string{"media": base + "/Media.json", "feedback": base + "/Feedback.json"},
		To:              m.to, URI: base + ".json",
	}
	if m.service != "" {
		r.MessagingServiceSid = &m.service
	}
	if !m.sent.IsZero() {
		s := m.sent.UTC().Format(dateLayout)
		r.DateSent = &s
		p := fmt.Sprintf("%.5f", -m.profile.PricePerSegment*float64(m.segments))
		r.Price = &p
	}
	if m.errorCode != 0 {
		c, msg := m.errorCode, errorMessages[m.errorCode]
		r.ErrorCode, r.ErrorMessage = &c, &msg
	}
	return r
}

// initialStatus is the status Twilio creates a message with: accepted
// when a Messaging Service sends it, queued otherwise.
func initialStatus(service string) string {
	if service != "" {
		return "accepted"
	}
	return "queued"
}

// errorMessages are the short descriptions Twilio gives its error codes.
var errorMessages = map[int]string{
	21610: "Attempt to send to unsubscribed recipient",
	30001: "Queue overflow",
	30003: "Unreachable destination handset",
	30005: "Unknown destination handset",
	30006: "Landline or unreachable carrier",
	30007: "Message filtered",
	30008: "Unknown error",
}

// step is one thing in a message's life: a change of status at a
// simulated time, or the posting of the callback of one such change.
type step struct {
	at     time.Time
	post   bool
	change int // index into plan.changes
	// reply, when set, makes the step an inbound reply instead; visit a
	// request for a tracked link; confirm a confirmation of its code.
	reply   string
	visit   *visit
	confirm bool
}

// change is a status a message reaches, at a simulated time: the time
// its callbacks report, however late (or how often) they are posted.
type change struct {
	status string
	code   int
	at     time.Time
}

type plan struct {
	changes []change
	steps   []step
}

// plan draws a message's fate and timeline from rng. It runs under mu.
func (n *Network) plan(m *message, rng *rand.Rand, created time.Time) plan {
	p := m.profile
	rate, factor := p.DeliveryRate, 1.0
	for _, d := range n.cfg.Degradations {
		if d.Country == p.Country && d.Carrier == p.Carrier && d.active(created.Sub(n.start)) {
			rate, factor = d.DeliveryRate, d.LatencyFactor
		}
	}
	draw := func(l LogNormal) time.Duration {
		d := time.Duration(float64(l.Median) * factor * math.Exp(l.Sigma*rng.NormFloat64()))
		return min(max(d, time.Millisecond), n.cfg.MaxLatency)
	}
	var pl plan
	add := func(at time.Time, c change) {
		c.at = at
		pl.changes = append(pl.changes, c)
		i := len(pl.changes) - 1
		pl.steps = append(pl.steps, step{at: at, change: i}, step{at: at, post: true, change: i})
	}
	// A message is created queued, or accepted through a Messaging
	// Service, which queues it within a fraction of a second. Twilio
	// sends no callback for the status a message is created with.
	at := created.Add(time.Duration(50+rng.IntN(400)) * time.Millisecond)
	if m.service != "" {
		add(at, change{status: "queued"})
	}
	at = at.Add(draw(p.Sent))
	sentPost := -1 // the step that posts "sent"
	if rng.Float64() < rate {
		add(at, change{status: "sent"})
		sentPost = len(pl.steps) - 1
		add(at.Add(draw(p.Delivered)), change{status: "delivered"})
	} else if code := pickError(p.Errors, rng); failedCodes[code] {
		add(at, change{status: "failed", code: code})
	} else {
		add(at, change{status: "sent"})
		sentPost = len(pl.steps) - 1
		add(at.Add(draw(p.Delivered)), change{status: "undelivered", code: code})
	}
	last := len(pl.steps) - 1
	if n.cfg.InboundURL != "" && m.from != "" && pl.changes[len(pl.changes)-1].status == "delivered" &&
		rng.Float64() < n.cfg.InboundRate {
		reply := replies[rng.IntN(len(replies))]
		if rng.Float64() < n.cfg.StopShare {
			reply = "STOP"
		}
		// People answer within a minute or so, some much later.
		at := pl.steps[last].at.Add(draw(LogNormal{Median: 45 * time.Second, Sigma: 1.3}))
		pl.steps = append(pl.steps, step{at: at, reply: reply})
	}
	if sentPost >= 0 && rng.Float64() < n.cfg.OutOfOrderRate {
		// The carrier's receipt overtakes Twilio's own "sent": post
		// "sent" just after the final status.
		pl.steps[sentPost].at = pl.steps[last].at.Add(time.Duration(10+rng.IntN(990)) * time.Millisecond)
	}
	if rng.Float64() < n.cfg.DuplicateRate {
		orig := pl.steps[1+2*rng.IntN(len(pl.changes))]
		orig.at = orig.at.Add(time.Duration(rng.IntN(5000)) * time.Millisecond)
		pl.steps = append(pl.steps, orig)
	}
	// Last, so that setting recipients up changes no carrier's draw.
	if final := pl.changes[len(pl.changes)-1]; final.status == "delivered" {
		n.planRecipient(&pl, m, rng, final.at)
	}
	slices.SortStableFunc(pl.steps, func(a, b step) int { return a.at.Compare(b.at) })
	return pl
}

// pickError draws an error code by weight; nil weights mean
// DefaultErrors.
func pickError(ws []ErrorWeight, rng *rand.Rand) int {
	if len(ws) == 0 {
		ws = DefaultErrors
	}
	var total float64
	for _, w := range ws {
		total += w.Weight
	}
	x := rng.Float64() * total
	for _, w := range ws {
		if x -= w.Weight; x < 0 {
			return w.Code
		}
	}
	return ws[len(ws)-1].Code
}

// post sends one status callback, signed as Twilio signs it: a repeat is
// the same callback again. Twilio does not retry a status callback, so
// neither does the network.
func (n *Network) post(m *message, c change) {
	f := url.Values{
		"MessageSid": {m.sid}, "SmsSid": {m.sid}, "AccountSid": {m.account},
		"From": {m.from}, "To": {m.to}, "MessageStatus": {c.status}, "SmsStatus": {c.status},
		"ApiVersion": {"2010-04-01"},
	}
	if m.service != "" {
		f.Set("MessagingServiceSid", m.service)
	}
	if c.code != 0 {
		f.Set("ErrorCode", strconv.Itoa(c.code))
	}
	if c.status == "delivered" || c.status == "undelivered" {
		f.Set("RawDlrDoneDate", c.at.UTC().Format("0601021504"))
	}
	n.postForm(m.callback, m.token, f)
}

// replies are what recipients answer, besides STOP.
var replies = []string{"Thanks!", "ok", "Who is this?", "Yes", "No thanks", "Great, see you then", "HELP"}

// postReply posts an incoming message from the recipient back to the
// sender's number, as Twilio's incoming-message webhook does.
func (n *Network) postReply(m *message, body string) {
	n.mu.Lock()
	sid := fmt.Sprintf("SM%016x%016x", n.rng.Uint64(), n.rng.Uint64())
	n.mu.Unlock()
	f := url.Values{
		"MessageSid": {sid}, "SmsSid": {sid}, "SmsMessageSid": {sid}, "AccountSid": {m.account},
		"From": {m.to}, "To": {m.from}, "Body": {body}, "NumSegments": {"1"}, "NumMedia": {"0"},
		"SmsStatus": {"received"}, "ApiVersion": {"2010-04-01"},
	}
	if m.service != "" {
		f.Set("MessagingServiceSid", m.service)
	}
	n.postForm(n.cfg.InboundURL, m.token, f)
}

// postForm posts a webhook form to target, signed by token.
func (n *Network) postForm(target, token string, f url.Values) {
	req, err := http.NewRequestWithContext(n.ctx, http.MethodPost, target, strings.NewReader(f.Encode()))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	req.Header.Set(twilio.SignatureHeader, twilio.Sign(token, target, f))
	resp, err := n.http.Do(req)
	if err != nil {
		return
	}
	resp.Body.Close()
}
