package sinch

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Path is the one URL Sinch calls: a service plan's callback URL receives
// delivery reports and inbound messages alike.
const Path = "/webhooks/sinch"

// Handler serves the callbacks of Sinch's SMS REST API.
type Handler struct {
	cfg Config
	cb  provider.Callbacks
}

// NewHandler returns a Handler that authenticates callbacks by cfg, hands events
// to ing and records refused requests through rej (which may be nil).
func NewHandler(cfg Config, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) *Handler {
	cb := provider.NewCallbacks("sinch", ing, rej, log)
	if cfg.SkipVerification {
		cb.Unverified = "accepting a callback without checking its signature or credentials (verification is off)"
	}
	return &Handler{cfg: cfg, cb: cb}
}

// Register adds the Sinch callback route to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+Path, h.serve)
}

// serve runs one callback: authenticate, parse, store every recipient's
// event, and only then answer 200. Sinch retries 5xx answers, not 4xx.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	h.cb.Serve(w, r, func(c *provider.Call) ([]*smstrack.EventInput, error) {
		if err := h.authenticate(r, c.Body, c.ReceivedAt); err != nil {
			return nil, err
		}
		return ParseCallback(c.Body, c.ReceivedAt, h.cfg.ServicePlanID)
	}, provider.OK)
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
