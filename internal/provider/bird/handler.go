package bird

import (
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
	"github.com/smstrack/smstrack/internal/webhook"
)

// The paths Bird is configured to call.
const (
	// StatusPath takes legacy MessageBird SMS status reports (reportUrl),
	// by GET or POST.
	StatusPath = "/webhooks/bird/status"
	// EventsPath takes Channels API webhooks, outbound and inbound alike.
	EventsPath = "/webhooks/bird"
)

// Handler serves Bird's SMS webhooks.
type Handler struct {
	cfg Config
	cb  provider.Callbacks
}

// NewHandler returns a Handler that verifies webhooks by cfg, hands events
// to ing and records refused requests through rej (which may be nil).
func NewHandler(cfg Config, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) *Handler {
	cb := provider.NewCallbacks("bird", ing, rej, log)
	if cfg.SkipVerification {
		cb.Unverified = "accepting a webhook without checking its signature (verification is off)"
	}
	return &Handler{cfg: cfg, cb: cb}
}

// Register adds the Bird webhook routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET "+StatusPath, h.serveStatus)
	mux.HandleFunc("POST "+StatusPath, h.serveStatus)
	mux.HandleFunc("POST "+EventsPath, h.serveEvents)
}

func (h *Handler) serveStatus(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r, func(body []byte, receivedAt time.Time) ([]*smstrack.EventInput, error) {
		fields, err := reportFields(r, body)
		if err != nil {
			return nil, err
		}
		ev, err := ParseStatusReport(fields, receivedAt, h.cfg.account())
		if err != nil {
			return nil, err
		}
		return []*smstrack.EventInput{ev}, nil
	})
}

func (h *Handler) serveEvents(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r, func(body []byte, receivedAt time.Time) ([]*smstrack.EventInput, error) {
		return ParseChannelEvent(body, receivedAt, h.cfg.account())
	})
}

// serve runs one webhook: authenticate, parse, store every event, and only
// then answer 200 "OK".
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, parse func([]byte, time.Time) ([]*smstrack.EventInput, error)) {
	h.cb.Serve(w, r, func(c *provider.Call) ([]*smstrack.EventInput, error) {
		if err := h.authenticate(r, c.Body, c.ReceivedAt); err != nil {
			return nil, err
		}
		return parse(c.Body, c.ReceivedAt)
	}, provider.Text("OK"))
}

// reportFields gathers a status report's parameters: the query string,
// plus a form body when one came.
func reportFields(r *http.Request, body []byte) (url.Values, error) {
	fields, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, smstrack.Errorf(smstrack.EINVALID, "malformed query string: %s", shorten(err.Error(), 80))
	}
	if len(body) == 0 {
		return fields, nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return nil, smstrack.FieldError("Content-Type", "unsupported content type %q for a status report", shorten(ct, 60))
		}
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, smstrack.Errorf(smstrack.EINVALID, "malformed form body: %s", shorten(err.Error(), 80))
	}
	for k, v := range form {
		fields[k] = append(fields[k], v...)
	}
	return fields, nil
}

// authenticate checks the webhook's signature unless verification is off:
// the MessageBird-Signature-JWT when present, else the older
// MessageBird-Signature.
func (h *Handler) authenticate(r *http.Request, body []byte, now time.Time) error {
	if h.cfg.SkipVerification {
		return nil
	}
	if h.cfg.SigningKey == "" {
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: JWTHeader,
			Message: "Bird is not configured here: set the Bird signing key (SMSTRACK_BIRD_SIGNING_KEY)"}
	}
	if token := r.Header.Get(JWTHeader); token != "" || r.Header.Get(SignatureHeader) == "" {
		return VerifyJWT(h.cfg.SigningKey, token, provider.RequestURL(r, h.cfg.PublicURL), body, now)
	}
	return VerifyLegacy(h.cfg.SigningKey, r.Header.Get(SignatureHeader), r.Header.Get(TimestampHeader),
		r.URL.Query(), body, now, h.cfg.tolerance())
}
