package telnyx

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Path is the one URL Telnyx calls, for delivery updates and inbound
// messages alike (the messaging profile's webhook URL).
const Path = "/webhooks/telnyx"

// Handler serves Telnyx's messaging webhooks.
type Handler struct {
	cfg Config
	ing smstrack.Ingester
	rej *webhook.Rejector
	log *slog.Logger
	now func() time.Time
}

// NewHandler returns a Handler that verifies webhooks by cfg, hands events
// to ing and records refused requests through rej (which may be nil).
func NewHandler(cfg Config, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.Default()
	}
	return &Handler{cfg: cfg, ing: ing, rej: rej, log: log, now: time.Now}
}

// Register adds the Telnyx webhook route to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+Path, h.serve)
}

// serve runs one webhook: read, authenticate, parse, store every event,
// and only then answer 200, so Telnyx never hears "ok" for a lost event.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	receivedAt := h.now().UTC()
	log := h.log.With("path", r.URL.Path, "remote_addr", r.RemoteAddr)
	if h.cfg.SkipVerification {
		log.Warn("telnyx: accepting a webhook without checking its signature (verification is off)")
	}
	body, err := webhook.ReadBody(r, webhook.MaxBody)
	if err != nil {
		h.refuse(w, r, log, body, err)
		return
	}
	if err := h.authenticate(r, body, receivedAt); err != nil {
		h.refuse(w, r, log, body, err)
		return
	}
	events, err := ParseWebhook(body, receivedAt, h.cfg.account())
	if err != nil {
		h.refuse(w, r, log, body, err)
		return
	}
	// Each recipient's event is committed before the next; a retry after a
	// failure half-way repeats the committed ones, which dedupe.
	for _, ev := range events {
		res, err := h.ing.Ingest(r.Context(), ev)
		if err != nil {
			status := webhook.StatusFor(err)
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || r.Context().Err() != nil {
				status = http.StatusServiceUnavailable
			}
			log.Error("telnyx: storing event", "message_id", ev.ProviderID, "status", ev.Status, "err", err)
			webhook.WriteError(w, status, err)
			return
		}
		log.Debug("telnyx: event stored", "message_id", ev.ProviderID, "status", ev.Status,
			"message", res.MessageID, "duplicate", res.Duplicate, "applied", res.Applied)
	}
	w.WriteHeader(http.StatusOK)
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

// refuse answers a request we will not store, by the status its error
// calls for, and keeps a record of it for the operator.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, log *slog.Logger, body []byte, err error) {
	status := webhook.StatusFor(err)
	log.Info("telnyx: request refused", "status", status, "reason", smstrack.ErrorMessage(err), "field", smstrack.ErrorField(err))
	h.rej.Record(r, body, err)
	webhook.WriteError(w, status, err)
}
