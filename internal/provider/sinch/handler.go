package sinch

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Path is the one URL Sinch calls: a service plan's callback URL receives
// delivery reports and inbound messages alike.
const Path = "/webhooks/sinch"

// Handler serves the callbacks of Sinch's SMS REST API.
type Handler struct {
	cfg Config
	ing smstrack.Ingester
	rej *webhook.Rejector
	log *slog.Logger
	now func() time.Time
}

// NewHandler returns a Handler that authenticates callbacks by cfg, hands events
// to ing and records refused requests through rej (which may be nil).
func NewHandler(cfg Config, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.Default()
	}
	return &Handler{cfg: cfg, ing: ing, rej: rej, log: log, now: time.Now}
}

// Register adds the Sinch callback route to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+Path, h.serve)
}

// serve runs one callback: read, authenticate, parse, store every event,
// and only then answer 200, so Sinch never hears "ok" for a lost event.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	receivedAt := h.now().UTC()
	log := h.log.With("path", r.URL.Path, "remote_addr", r.RemoteAddr)
	if h.cfg.SkipVerification {
		log.Warn("sinch: accepting a callback without checking its signature or credentials (verification is off)")
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
	events, err := ParseCallback(body, receivedAt, h.cfg.ServicePlanID)
	if err != nil {
		h.refuse(w, r, log, body, err)
		return
	}
	// Each recipient's event is committed before the next; a retry after a
	// failure half-way repeats the committed ones, which dedupe. Sinch
	// retries 5xx answers, not 4xx.
	for _, ev := range events {
		res, err := h.ing.Ingest(r.Context(), ev)
		if err != nil {
			status := webhook.StatusFor(err)
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || r.Context().Err() != nil {
				status = http.StatusServiceUnavailable
			}
			log.Error("sinch: storing event", "provider_id", ev.ProviderID, "status", ev.Status, "err", err)
			webhook.WriteError(w, status, err)
			return
		}
		log.Debug("sinch: event stored", "provider_id", ev.ProviderID, "status", ev.Status,
			"message", res.MessageID, "duplicate", res.Duplicate, "applied", res.Applied)
	}
	w.WriteHeader(http.StatusOK)
}

// authenticate checks that Sinch is configured and, unless verification is
// off, the callback's signature and credentials, whichever are configured.
func (h *Handler) authenticate(r *http.Request, body []byte, now time.Time) error {
	if !h.cfg.configured() {
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: "type",
			Message: "Sinch is not configured here: set the Sinch service plan id (SMSTRACK_SINCH_SERVICE_PLAN_ID)"}
	}
	if h.cfg.SkipVerification {
		return nil
	}
	if h.cfg.Username != "" {
		user, pass, ok := r.BasicAuth()
		if err := checkBasic(h.cfg.Username, h.cfg.Password, user, pass, ok); err != nil {
			return err
		}
	}
	if h.cfg.Secret != "" {
		hd := r.Header
		return Verify(h.cfg.Secret, hd.Get(SignatureHeader), hd.Get(AlgorithmHeader), hd.Get(NonceHeader), hd.Get(TimestampHeader),
			body, now, h.cfg.tolerance())
	}
	if h.cfg.Username == "" {
		// Validate refuses this configuration; never accept unauthenticated.
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Message: "Sinch callbacks have no configured way to be verified"}
	}
	return nil
}

// refuse answers a request we will not store, by the status its error
// calls for, and keeps a record of it for the operator.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, log *slog.Logger, body []byte, err error) {
	status := webhook.StatusFor(err)
	log.Info("sinch: request refused", "status", status, "reason", smstrack.ErrorMessage(err), "field", smstrack.ErrorField(err))
	h.rej.Record(r, body, err)
	webhook.WriteError(w, status, err)
}
