package twilio

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
)

// Reconciliation: Twilio's Message resources, read through the REST client
// or from the console's CSV export, become events of source sync or
// import. They go through the same store path as callbacks, so the domain
// rules decide the status and Merge fills only facts still unknown: a
// resource never overwrites what the app reported.

// Status maps one of Twilio's message status words (any case) to
// smstrack's; ok is false for a word Twilio does not document.
func Status(word string) (st smstrack.Status, ok bool) {
	st, ok = statuses[strings.ToLower(strings.TrimSpace(word))]
	return st, ok
}

// ResourceEvent turns a Message resource into an event from source (sync
// or import), read at now. Fields are by the API's JSON names (sid,
// account_sid, status, date_sent, ...); a field that is absent is unknown,
// so a resource without "body" leaves the body unknown.
//
// The event is dated at Twilio's own time (date_updated, else date_sent,
// else date_created; never after now) rather than now: history imported
// today must land where it happened, in the timeline, in the message's
// creation time and in retention. ProviderTime is date_updated or
// date_sent, which decides conflicts between final statuses (rule 4).
//
// It refuses, with an EINVALID error naming the field, a resource without
// a well-formed sid or account_sid, without a known status, with an
// unknown direction or with a time it cannot read.
func ResourceEvent(m *MessageResource, source smstrack.Source, now time.Time) (*smstrack.EventInput, error) {
	get := func(name string) string { return strings.TrimSpace(m.Fields[name]) }
	sid := get("sid")
	if err := provider.CheckID("sid", "message sid", sid, validID); err != nil {
		return nil, err
	}
	account := get("account_sid")
	if err := provider.CheckID("account_sid", "account sid", account, validID); err != nil {
		return nil, err
	}
	word := get("status")
	if word == "" {
		return nil, smstrack.FieldError("status", "missing message status")
	}
	st, ok := Status(word)
	if !ok {
		return nil, smstrack.FieldError("status", "unknown message status %q", shorten(word, 40))
	}
	dir, err := smstrack.ParseDirection(get("direction"))
	if err != nil {
		return nil, smstrack.FieldError("direction", "unknown direction %q", shorten(get("direction"), 40))
	}
	if dir == "" {
		dir = smstrack.Outbound
		if st == smstrack.StatusReceived || st == smstrack.StatusReceiving {
			dir = smstrack.Inbound
		}
	}
	var times [3]time.Time
	for i, name := range []string{"date_created", "date_sent", "date_updated"} {
		v := get(name)
		if v == "" {
			continue
		}
		t, ok := ParseTime(v)
		if !ok {
			return nil, smstrack.FieldError(name, "unreadable time %q", shorten(v, 40))
		}
		times[i] = t
	}
	created, sent, updated := times[0], times[1], times[2]

	ev := &smstrack.EventInput{
		Key: smstrack.Key{Provider: Provider, Account: account, ProviderID: sid},
		Event: smstrack.Event{
			Status:       st,
			ErrorCode:    provider.ErrorCode(get("error_code")),
			Source:       source,
			ReceivedAt:   now,
			ProviderTime: firstTime(updated, sent),
			Payload:      m.Payload,
		},
	}
	if at := firstTime(updated, sent, created); !at.IsZero() && at.Before(now) {
		ev.ReceivedAt = at
	}
	f := &ev.Facts
	f.Direction = dir
	f.From = get("from")
	f.To = get("to")
	f.ServiceID = get("messaging_service_sid")
	f.Price = get("price")
	f.PriceUnit = get("price_unit")
	f.Segments = count(get("num_segments"))
	f.CreatedAt = firstTime(created, sent)
	if body, ok := m.Fields["body"]; ok {
		f.Body = &body
	}
	ev.ComputeDedupeKey()
	return ev, nil
}

// firstTime returns the first non-zero time.
func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// timeLayouts are the forms Twilio writes times in: RFC 2822 in the REST
// API, ISO 8601 in bulk exports, and the console's CSV export variants.
var timeLayouts = []string{
	time.RFC1123Z,    // Mon, 02 Jan 2006 15:04:05 -0700 (REST API)
	time.RFC1123,     // Mon, 02 Jan 2006 15:04:05 GMT
	time.RFC3339Nano, // 2006-01-02T15:04:05.999Z07:00
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999 -0700",
	"2006-01-02 15:04:05.999999999 -0700 MST",
	"2006-01-02T15:04:05.999999999", // no zone: UTC, as Twilio keeps times
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02",
	"Jan 2, 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04:05 -0700",
}

// ParseTime reads a time as Twilio writes it (see timeLayouts); a time
// without a zone is UTC. ok is false for anything else.
func ParseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return time.Time{}, false
	}
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// SyncStore is what a sync needs of the store; smstrack.Store has both.
// It is an interface so the server can commit through its group committer.
type SyncStore interface {
	FindMessage(ctx context.Context, key smstrack.Key) (*smstrack.Message, error)
	ApplyEvents(ctx context.Context, events []*smstrack.EventInput) ([]smstrack.EventResult, error)
}

// Syncer reconciles the store with one Twilio account: it lists the
// account's messages, merges them in as events of source sync, and reports
// what the store was missing.
type Syncer struct {
	Client *Client
	Store  SyncStore
	// Prepare, when set, completes each event before it is stored, as the
	// server does for callbacks (content analysis, body policies).
	Prepare func(*smstrack.EventInput)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// SyncReport is what one sync of one account found.
type SyncReport struct {
	Account string     `json:"account"`
	Since   *time.Time `json:"since,omitempty"`
	Until   *time.Time `json:"until,omitempty"`
	// Listed counts the messages Twilio listed.
	Listed int `json:"listed"`
	// Missing are messages the store had never seen.
	Missing []SyncedMessage `json:"missing"`
	// Stale are messages whose stored status was not final while Twilio's is.
	Stale []SyncedMessage `json:"stale"`
	// Enriched counts known messages that gained a body, a price or a
	// segment count.
	Enriched int `json:"enriched"`
	// Changed counts messages whose status or error code changed.
	Changed int `json:"changed"`
	// Unchanged counts messages of which Twilio told nothing new.
	Unchanged int `json:"unchanged"`
	// Rejected are resources that could not be read, with the reason.
	Rejected []SyncRejection `json:"rejected"`
}

// SyncedMessage is one message a sync found missing or stale.
type SyncedMessage struct {
	Sid          string          `json:"sid"`
	StoredStatus smstrack.Status `json:"stored_status,omitempty"` // before the sync; "" when missing
	TwilioStatus string          `json:"twilio_status"`
	Status       smstrack.Status `json:"status"` // after the sync, by the domain rules
	MessageID    int64           `json:"message_id"`
}

// SyncRejection is a resource a sync could not use.
type SyncRejection struct {
	Sid    string `json:"sid"`
	Reason string `json:"reason"`
}

// Sync lists the account's messages sent in the window of p and merges
// them into the store, one page per transaction.
func (s *Syncer) Sync(ctx context.Context, p ListParams) (*SyncReport, error) {
	r := &SyncReport{Account: s.Client.AccountSid, Missing: []SyncedMessage{}, Stale: []SyncedMessage{}, Rejected: []SyncRejection{}}
	if !p.DateSentAfter.IsZero() {
		t := p.DateSentAfter.UTC()
		r.Since = &t
	}
	if !p.DateSentBefore.IsZero() {
		t := p.DateSentBefore.UTC()
		r.Until = &t
	}
	err := s.Client.ListMessages(ctx, p, func(page []*MessageResource) error {
		r.Listed += len(page)
		return s.merge(ctx, page, r)
	})
	return r, err
}

// Fetch reads one message from Twilio and merges it in, as the enrichment
// of a message known only from callbacks does. changed reports whether
// the store learned anything (a duplicate of an earlier sync is not).
func (s *Syncer) Fetch(ctx context.Context, sid string) (res smstrack.EventResult, err error) {
	m, err := s.Client.FetchMessage(ctx, sid)
	if err != nil {
		return res, err
	}
	if got := m.Fields["account_sid"]; got != s.Client.AccountSid {
		return res, fmt.Errorf("twilio api: message %s belongs to account %q, not %s", sid, shorten(got, 40), s.Client.AccountSid)
	}
	ev, err := ResourceEvent(m, smstrack.SourceSync, s.now())
	if err != nil {
		return res, fmt.Errorf("twilio api: message %s: %w", sid, err)
	}
	if s.Prepare != nil {
		s.Prepare(ev)
	}
	results, err := s.Store.ApplyEvents(ctx, []*smstrack.EventInput{ev})
	if err != nil {
		return res, err
	}
	return results[0], nil
}

func (s *Syncer) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// merge applies one page and notes what the store was missing.
func (s *Syncer) merge(ctx context.Context, page []*MessageResource, r *SyncReport) error {
	now := s.now()
	events := make([]*smstrack.EventInput, 0, len(page))
	prior := make([]*smstrack.Message, 0, len(page))
	words := make([]string, 0, len(page))
	for _, m := range page {
		ev, err := ResourceEvent(m, smstrack.SourceSync, now)
		if err != nil {
			r.Rejected = append(r.Rejected, SyncRejection{Sid: shorten(m.Sid(), 64), Reason: smstrack.ErrorMessage(err)})
			continue
		}
		if ev.Account != s.Client.AccountSid {
			// A listing of one account never holds another's messages;
			// storing one under a foreign account would be worse than
			// skipping it.
			r.Rejected = append(r.Rejected, SyncRejection{Sid: ev.ProviderID, Reason: "listed under account " + s.Client.AccountSid + " but belongs to " + ev.Account})
			continue
		}
		old, err := s.Store.FindMessage(ctx, ev.Key)
		switch {
		case smstrack.ErrorCode(err) == smstrack.ENOTFOUND:
			old = nil
		case err != nil:
			return err
		}
		if s.Prepare != nil {
			s.Prepare(ev)
		}
		events = append(events, ev)
		prior = append(prior, old)
		words = append(words, m.Status())
	}
	if len(events) == 0 {
		return nil
	}
	results, err := s.Store.ApplyEvents(ctx, events)
	if err != nil {
		return err
	}
	for i, ev := range events {
		res, old := results[i], prior[i]
		sm := SyncedMessage{Sid: ev.ProviderID, TwilioStatus: words[i], Status: res.Status, MessageID: res.MessageID}
		switch {
		case old == nil:
			r.Missing = append(r.Missing, sm)
		case !old.Status.Final() && ev.Status.Final():
			sm.StoredStatus = old.Status
			r.Stale = append(r.Stale, sm)
		}
		if res.Duplicate {
			r.Unchanged++
			continue
		}
		if res.Applied {
			r.Changed++
		} else if old != nil && !enriches(old, ev) {
			r.Unchanged++
		}
		if old != nil && enriches(old, ev) {
			r.Enriched++
		}
	}
	return nil
}

// enriches reports whether ev tells facts old lacked: what callbacks do
// not carry (body, price, segments).
func enriches(old *smstrack.Message, ev *smstrack.EventInput) bool {
	f := ev.Facts
	bodyUnknown := old.Body == nil && old.Content.BodyPolicy == ""
	return bodyUnknown && (f.Body != nil || f.Content.BodyPolicy != "") ||
		old.Price == "" && f.Price != "" ||
		old.Segments == 0 && f.Segments > 0
}
