package telnyx

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Path is the one URL Telnyx calls, for delivery updates and inbound
// messages alike (the messaging profile's webhook URL).
const Path = "/webhooks/telnyx"

// Handler serves Telnyx's messaging webhooks.
type Handler struct {
	cfg Config
	cb  provider.Callbacks
}

// NewHandler returns a Handler that verifies webhooks by cfg, hands events
// to ing and records refused requests through rej (which may be nil).
func NewHandler(cfg Config, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) *Handler {
	cb := provider.NewCallbacks("telnyx", ing, rej, log)
	cb.IDKey = "message_id"
	if cfg.SkipVerification {
		cb.Unverified = "accepting a webhook without checking its signature (verification is off)"
	}
	return &Handler{cfg: cfg, cb: cb}
}

// Register adds the Telnyx webhook route to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+Path, h.serve)
}

// serve runs one webhook: authenticate, parse, store every recipient's
// event, and only then answer 200.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	h.cb.Serve(w, r, func(c *provider.Call) ([]*smstrack.EventInput, error) {
		if err := h.authenticate(r, c.Body, c.ReceivedAt); err != nil {
			return nil, err
		}
		return ParseWebhook(c.Body, c.ReceivedAt, h.cfg.account())
	}, provider.OK)
}

// authenticate checks the webhook's signature unless verification is off.
func (h *Handler) authenticate(r *http.Request, body []byte, now time.Time) error {
	if h.cfg.SkipVerification {
		return nil
	}
	if len(h.cfg.PublicKey) == 0 {
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: SignatureHeader,
			Message: "Telnyx is not configured here: set the Telnyx public key (SMSTRACK_TELNYX_PUBLIC_KEY)"}
	}
	return Verify(h.cfg.PublicKey, r.Header.Get(SignatureHeader), r.Header.Get(TimestampHeader), body, now, h.cfg.tolerance())
}
