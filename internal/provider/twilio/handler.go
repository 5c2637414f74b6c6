package twilio

import (
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
	"github.com/smstrack/smstrack/internal/webhook"
)

// The paths Twilio is configured to call.
const (
	StatusPath  = "/webhooks/twilio/status"
	InboundPath = "/webhooks/twilio/inbound"
)

// emptyTwiML answers an inbound message without replying to it.
const emptyTwiML = `<?xml version="1.0" encoding="UTF-8"?><Response></Response>`

// Handler serves Twilio's status callbacks and inbound message webhooks.
type Handler struct {
	cfg Config
	cb  provider.Callbacks
}

// NewHandler returns a Handler that verifies requests by cfg, hands events
// to ing and records malformed requests through rej (which may be nil).
func NewHandler(cfg Config, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) *Handler {
	cb := provider.NewCallbacks("twilio", ing, rej, log)
	cb.IDKey, cb.StoredKey = "message_sid", "message_id"
	// A storing failure is ours, whatever its code: 5xx, for Twilio to retry.
	cb.StoreStatus = func(error) int { return http.StatusInternalServerError }
	if cfg.SkipVerification {
		cb.Unverified = "accepting a request without checking its signature (SkipVerification is on)"
	}
	return &Handler{cfg: cfg, cb: cb}
}

// Register adds the Twilio webhook routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+StatusPath, h.serveStatus)
	mux.HandleFunc("POST "+InboundPath, h.serveInbound)
}

func (h *Handler) serveStatus(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r, statusCallback, true, func(w http.ResponseWriter, _ smstrack.EventResult) {
		w.WriteHeader(http.StatusNoContent)
	})
}

// ConversationCookie carries the conversation id of an inbound message.
// Twilio keeps a webhook's cookies for its From/To pair for up to four hours
// and sends them back, so the app's next webhook for the pair knows the
// conversation; smstrack itself decides by the pair and only compares.
const ConversationCookie = "smstrack_conversation"

func (h *Handler) serveInbound(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r, inbound, false, func(w http.ResponseWriter, res smstrack.EventResult) {
		if res.ConversationID != 0 {
			if c, err := r.Cookie(ConversationCookie); err == nil && c.Value != strconv.FormatInt(res.ConversationID, 10) {
				h.cb.Log.Warn("twilio: conversation cookie disagrees with the number pair; the pair wins",
					"cookie", shorten(c.Value, 24), "conversation_id", res.ConversationID, "message_id", res.MessageID)
			}
			http.SetCookie(w, &http.Cookie{Name: ConversationCookie, Value: strconv.FormatInt(res.ConversationID, 10),
				Path: "/webhooks/twilio/", MaxAge: 4 * 60 * 60, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, emptyTwiML)
	})
}

// parseFunc reads a request's fields into an event; the payload is what
// the event keeps of the request.
type parseFunc func(fields url.Values, payload json.RawMessage, receivedAt time.Time) (*smstrack.EventInput, error)

// serve runs one webhook request: decode, authenticate, parse, store, and
// only then answer 2xx with ok, so Twilio never hears "ok" for a lost event.
// With relay, a status callback whose URL carries the app's own callback
// (relay.go) is stored with its relay queued.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, parse parseFunc, relay bool, ok provider.AnswerFunc) {
	h.cb.Serve(w, r, func(c *provider.Call) ([]*smstrack.EventInput, error) {
		fields, payload, isJSON, err := decode(r.Header.Get("Content-Type"), c.Body)
		if err != nil {
			return nil, err
		}
		account := strings.TrimSpace(fields.Get("AccountSid"))
		if err := provider.CheckID("AccountSid", "account id", account, validID); err != nil {
			return nil, err
		}
		if err := h.authenticate(r, account, fields, c.Body, isJSON); err != nil {
			c.LogWith("account", account)
			return nil, err
		}
		ev, err := parse(fields, payload, c.ReceivedAt)
		if err != nil {
			return nil, err
		}
		if relay {
			target, err := relayTarget(r, h.cfg.Accounts[account])
			if err != nil {
				// Twilio's callback is still authentic and kept; only the relay is refused.
				c.Log().Warn("twilio: not relaying the status callback", "account", account, "err", err)
			}
			ev.RelayTo = target
		}
		return []*smstrack.EventInput{ev}, nil
	}, ok)
}

// decode reads the body by its content type. Twilio sends forms, and JSON
// for some newer products; an absent type is read as a form.
func decode(contentType string, body []byte) (fields url.Values, payload json.RawMessage, isJSON bool, err error) {
	mt := ""
	if contentType != "" {
		mt, _, err = mime.ParseMediaType(contentType)
		if err != nil {
			return nil, nil, false, smstrack.FieldError("Content-Type", "malformed content type %q", shorten(contentType, 60))
		}
	}
	switch {
	case mt == "" || mt == "application/x-www-form-urlencoded":
		fields, err = ParseForm(body)
		if err != nil {
			return nil, nil, false, err
		}
		return fields, formPayload(fields), false, nil
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		fields, payload, err = ParseJSON(body)
		return fields, payload, true, err
	}
	return nil, nil, false, smstrack.FieldError("Content-Type", "unsupported content type %q", shorten(mt, 60))
}

// authenticate checks that the account is one we serve and, unless
// verification is off, that Twilio signed the request with its token.
func (h *Handler) authenticate(r *http.Request, account string, fields url.Values, body []byte, isJSON bool) error {
	token, known := h.cfg.Accounts[account]
	if !known {
		if h.cfg.SkipVerification && len(h.cfg.Accounts) == 0 {
			return nil
		}
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: "AccountSid",
			Message: "Twilio account " + account + " is not configured here"}
	}
	if h.cfg.SkipVerification {
		return nil
	}
	sig := r.Header.Get(SignatureHeader)
	if sig == "" {
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: SignatureHeader, Message: "missing " + SignatureHeader + " header"}
	}
	u := h.requestURL(r)
	var ok bool
	switch {
	case bodyHash(u) != "":
		// Twilio's libraries decide by the URL, not the content type; the
		// hash authenticates whatever body came.
		ok = VerifyJSON(token, u, body, sig)
	case isJSON:
		// Without bodySHA256 nothing would cover a JSON body.
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: SignatureHeader,
			Message: "JSON body without a bodySHA256 parameter in the URL cannot be verified"}
	default:
		ok = VerifyForm(token, u, fields, sig)
	}
	if !ok {
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: SignatureHeader,
			Message: "invalid " + SignatureHeader + " for " + shorten(u, 200) +
				" (if Twilio calls another URL, e.g. through a proxy, set the public URL to it)"}
	}
	return nil
}

// requestURL rebuilds the URL Twilio signed (see provider.RequestURL),
// with the bare "?" of an empty query when one was sent.
func (h *Handler) requestURL(r *http.Request) string {
	u := provider.RequestURL(r, h.cfg.PublicURL)
	if r.URL.ForceQuery && r.URL.RawQuery == "" {
		u += "?"
	}
	return u
}
