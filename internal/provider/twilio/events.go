package twilio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/links"
	"github.com/smstrack/smstrack/internal/webhook"
)

// EventsPath is where an Event Streams webhook sink delivers its events.
const EventsPath = "/webhooks/twilio/events"

// EventRoutes lists the routes of the events handler, for the OpenAPI test.
var EventRoutes = []string{"POST " + EventsPath}

// LinkClickedType is the Event Streams type of a click on a link shortened
// by Twilio's Link Shortening.
const LinkClickedType = "com.twilio.daptbt.link-shortening.link-clicked"

// ActionSourceLinkClick names the actions recorded from LinkClickedType events.
const ActionSourceLinkClick = "twilio_link_click"

// maxEventsBody bounds one delivery: a sink batches events, each well under
// 2 KiB, so 1 MiB leaves room for hundreds.
const maxEventsBody = 1 << 20

// EventStore is what the events handler needs of the store.
type EventStore interface {
	FindMessage(ctx context.Context, key smstrack.Key) (*smstrack.Message, error)
	RecordAction(ctx context.Context, a smstrack.Action) (*smstrack.Action, error)
	ListActions(ctx context.Context, messageID int64) ([]smstrack.Action, error)
}

// CloudEvent is one event of an Event Streams delivery. Data stays raw:
// only the types we act on are decoded further.
type CloudEvent struct {
	SpecVersion string          `json:"specversion"`
	Type        string          `json:"type"`
	Source      string          `json:"source"`
	ID          string          `json:"id"`
	DataSchema  string          `json:"dataschema"`
	Time        string          `json:"time"`
	Data        json.RawMessage `json:"data"`

	// Account is data.account_sid, when the data has one.
	Account string `json:"-"`
	// Click is the decoded data of a LinkClickedType event, nil otherwise.
	Click *LinkClick `json:"-"`
}

// LinkClick is the data of a LinkClickedType event.
type LinkClick struct {
	MessageSid          string    `json:"message_sid"`
	AccountSid          string    `json:"account_sid"`
	MessagingServiceSid string    `json:"messaging_service_sid"`
	To                  string    `json:"to"`
	From                string    `json:"from"`
	Link                string    `json:"link"`
	ShortenedLink       string    `json:"shortened_link"`
	LinkCreateTime      string    `json:"link_create_time"`
	ClickTime           string    `json:"click_time"`
	UserAgent           string    `json:"user_agent"`
	ClickedAt           time.Time `json:"-"` // ClickTime, parsed
}

// ParseEvents reads an Event Streams delivery: a JSON array of CloudEvents.
// Every event needs a type; a link-clicked event also needs the message,
// its account and a click time. Errors name the offending field, e.g.
// "[2].data.click_time".
func ParseEvents(body []byte) ([]CloudEvent, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, smstrack.FieldError("body", "the body must be a JSON array of CloudEvents: %s", shorten(err.Error(), 120))
	}
	events := make([]CloudEvent, 0, len(raw))
	for i, r := range raw {
		ev, err := parseEvent(r)
		if err != nil {
			var e *smstrack.Error
			if errors.As(err, &e) {
				return nil, smstrack.FieldError(fmt.Sprintf("[%d]%s", i, e.Field), "event %d: %s", i, e.Message)
			}
			return nil, err
		}
		events = append(events, ev)
	}
	return events, nil
}

// parseEvent reads one CloudEvent; its errors name fields from the event
// down, starting with a dot.
func parseEvent(raw json.RawMessage) (CloudEvent, error) {
	var ev CloudEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		return ev, smstrack.FieldError("", "not a CloudEvent object: %s", shorten(err.Error(), 120))
	}
	if ev.Type == "" {
		return ev, smstrack.FieldError(".type", "missing event type")
	}
	if len(ev.Data) > 0 && ev.Data[0] == '{' {
		var acct struct {
			AccountSid *string `json:"account_sid"`
		}
		if err := json.Unmarshal(ev.Data, &acct); err != nil {
			return ev, smstrack.FieldError(".data.account_sid", "account_sid must be a string")
		}
		if acct.AccountSid != nil {
			ev.Account = *acct.AccountSid
		}
	}
	if ev.Type != LinkClickedType {
		return ev, nil
	}
	var c LinkClick
	if len(ev.Data) == 0 || ev.Data[0] != '{' {
		return ev, smstrack.FieldError(".data", "a link-clicked event needs a data object")
	}
	if err := json.Unmarshal(ev.Data, &c); err != nil {
		return ev, smstrack.FieldError(".data", "malformed link-clicked data: %s", shorten(err.Error(), 120))
	}
	switch {
	case !validID(c.MessageSid):
		return ev, smstrack.FieldError(".data.message_sid", "missing or malformed message sid %q", shorten(c.MessageSid, 40))
	case !validID(c.AccountSid):
		return ev, smstrack.FieldError(".data.account_sid", "missing or malformed account sid %q", shorten(c.AccountSid, 40))
	}
	t, err := time.Parse(time.RFC3339Nano, c.ClickTime)
	if err != nil {
		return ev, smstrack.FieldError(".data.click_time", "click time %q is not an RFC 3339 time", shorten(c.ClickTime, 40))
	}
	c.ClickedAt = t.UTC()
	ev.Click = &c
	return ev, nil
}

// EventsHandler serves an Event Streams webhook sink. It acts on Link
// Shortening clicks, recording them as clicked actions, and accepts every
// other event type without acting on it.
type EventsHandler struct {
	cfg   Config
	store EventStore
	log   *slog.Logger
}

// NewEventsHandler returns the handler for the accounts of cfg, whose auth
// tokens sign the deliveries.
func NewEventsHandler(cfg Config, store EventStore, log *slog.Logger) *EventsHandler {
	if log == nil {
		log = slog.Default()
	}
	return &EventsHandler{cfg: cfg, store: store, log: log.With("provider", Provider)}
}

// Register adds the events route to mux.
func (h *EventsHandler) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+EventsPath, h.serve)
}

// EventsResult is the answer to a delivery: what became of its events.
type EventsResult struct {
	Events     int `json:"events"`     // events in the delivery
	Clicks     int `json:"clicks"`     // clicked actions recorded
	Duplicates int `json:"duplicates"` // clicks already recorded under the same event id
	Previews   int `json:"previews"`   // clicks by preview fetchers, not recorded
	Unknown    int `json:"unknown"`    // clicks on messages smstrack does not know
	Ignored    int `json:"ignored"`    // events of other types
}

// serve authenticates the delivery before reading it, checks that every
// event belongs to the signing account, and answers 200 only once every
// click is stored, so Event Streams retries anything we could not keep.
func (h *EventsHandler) serve(w http.ResponseWriter, r *http.Request) {
	body, err := webhook.ReadBody(r, maxEventsBody)
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	account, err := h.authenticate(r, body)
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	events, err := ParseEvents(body)
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	for i, ev := range events {
		if err := h.checkAccount(ev, account); err != nil {
			h.refuse(w, r, forbidden(fmt.Sprintf("[%d].data.account_sid", i), err))
			return
		}
	}
	res := EventsResult{Events: len(events)}
	for _, ev := range events {
		if ev.Click == nil {
			res.Ignored++
			continue
		}
		if err := h.click(r.Context(), ev, &res); err != nil {
			status := http.StatusInternalServerError
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || r.Context().Err() != nil {
				status = http.StatusServiceUnavailable
			}
			h.log.Error("twilio: storing link click", "event_id", ev.ID, "message_sid", ev.Click.MessageSid, "err", err)
			webhook.WriteError(w, status, err)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(res)
}

// click records one link-clicked event, unless the message is unknown,
// the click was a preview fetcher's, or the event was recorded before.
func (h *EventsHandler) click(ctx context.Context, ev CloudEvent, res *EventsResult) error {
	c := ev.Click
	m, err := h.store.FindMessage(ctx, smstrack.Key{Provider: Provider, Account: c.AccountSid, ProviderID: c.MessageSid})
	if smstrack.ErrorCode(err) == smstrack.ENOTFOUND {
		res.Unknown++
		h.log.Info("twilio: link click for an unknown message skipped", "event_id", ev.ID,
			"account", c.AccountSid, "message_sid", c.MessageSid)
		return nil
	} else if err != nil {
		return err
	}
	// Twilio followed the link already; a preview fetcher's visit (by its
	// user agent, or at the very moment of delivery) proves no reader.
	// Kept as nothing: any action type but unconfirmed counts as a
	// conversion, so no action can hold a preview without lying.
	if v := links.Classify(http.MethodGet, c.UserAgent, c.ClickedAt, m.State.Stages.At(smstrack.StatusDelivered)); v.Preview {
		res.Previews++
		h.log.Info("twilio: link click by a preview fetcher not recorded", "event_id", ev.ID,
			"message_id", m.ID, "reason", v.Reason)
		return nil
	}
	if ev.ID != "" {
		// Event Streams delivers at least once: a retried delivery carries
		// the same event id.
		actions, err := h.store.ListActions(ctx, m.ID)
		if err != nil {
			return err
		}
		for _, a := range actions {
			if a.Source == ActionSourceLinkClick && eventIDOf(a.Data) == ev.ID {
				res.Duplicates++
				return nil
			}
		}
	}
	ua := c.UserAgent
	if len(ua) > 512 {
		ua = ua[:512]
	}
	data, err := json.Marshal(map[string]string{"link": c.Link, "shortened_link": c.ShortenedLink,
		"user_agent": ua, "event_id": ev.ID})
	if err != nil {
		return err
	}
	if _, err := h.store.RecordAction(ctx, smstrack.Action{MessageID: m.ID, Type: smstrack.ActionClicked,
		At: c.ClickedAt, Data: data, Source: ActionSourceLinkClick}); err != nil {
		return err
	}
	res.Clicks++
	return nil
}

// eventIDOf returns the event_id an action's data holds, or "".
func eventIDOf(data json.RawMessage) string {
	var d struct {
		EventID string `json:"event_id"`
	}
	if json.Unmarshal(data, &d) != nil {
		return ""
	}
	return d.EventID
}

// authenticate finds the account whose auth token signed the delivery.
// The body is not trusted before this, so it cannot say which account to
// try: every configured token is tried, each in constant time, and all of
// them whatever the outcome, so the time taken tells nothing of which.
func (h *EventsHandler) authenticate(r *http.Request, body []byte) (string, error) {
	if h.cfg.SkipVerification {
		return "", nil
	}
	sig := r.Header.Get(SignatureHeader)
	if sig == "" {
		return "", &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: SignatureHeader, Message: "missing " + SignatureHeader + " header"}
	}
	u := (&Handler{cfg: h.cfg}).requestURL(r)
	if bodyHash(u) == "" {
		return "", &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: bodyHashParam,
			Message: "the URL has no bodySHA256 parameter, so nothing covers the body"}
	}
	matched := ""
	for _, account := range slices.Sorted(maps.Keys(h.cfg.Accounts)) {
		token := h.cfg.Accounts[account]
		if VerifyJSON(token, u, body, sig) && token != "" && matched == "" {
			matched = account
		}
	}
	if matched == "" {
		return "", &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: SignatureHeader,
			Message: "invalid " + SignatureHeader + " for " + shorten(u, 200) +
				" by any configured account (if Twilio calls another URL, e.g. through a proxy, set the public URL to it)"}
	}
	return matched, nil
}

// checkAccount requires an event to belong to the signing account (with
// verification off: to a configured one, when any is).
func (h *EventsHandler) checkAccount(ev CloudEvent, account string) error {
	switch {
	case ev.Account == "" && ev.Click == nil:
		return nil // an event without an account names none to check
	case h.cfg.SkipVerification:
		if _, known := h.cfg.Accounts[ev.Account]; len(h.cfg.Accounts) > 0 && !known {
			return smstrack.Errorf(smstrack.EFORBIDDEN, "Twilio account %s is not configured here", shorten(ev.Account, 40))
		}
		return nil
	case ev.Account != account:
		return smstrack.Errorf(smstrack.EFORBIDDEN, "the event's account %s is not the one that signed the delivery", shorten(ev.Account, 40))
	}
	return nil
}

// refuse answers a delivery we will not act on.
func (h *EventsHandler) refuse(w http.ResponseWriter, r *http.Request, err error) {
	status := webhook.StatusFor(err)
	h.log.Info("twilio: events refused", "path", r.URL.Path, "remote_addr", r.RemoteAddr, "status", status,
		"reason", smstrack.ErrorMessage(err), "field", smstrack.ErrorField(err))
	webhook.WriteError(w, status, err)
}

// forbidden is err as an EFORBIDDEN error on field.
func forbidden(field string, err error) error {
	return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: field, Message: strings.TrimSpace(smstrack.ErrorMessage(err))}
}
