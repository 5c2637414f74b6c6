package bird

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
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

// serve runs one webhook: read, authenticate, parse, store every event,
// and only then answer 200, so Bird never hears "ok" for a lost event.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, parse func([]byte, time.Time) ([]*smstrack.EventInput, error)) {
	receivedAt := h.now().UTC()
	log := h.log.With("path", r.URL.Path, "remote_addr", r.RemoteAddr)
	if h.cfg.SkipVerification {
		log.Warn("bird: accepting a webhook without checking its signature (verification is off)")
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
	events, err := parse(body, receivedAt)
	if err != nil {
		h.refuse(w, r, log, body, err)
		return
	}
	for _, ev := range events {
		res, err := h.ing.Ingest(r.Context(), ev)
		if err != nil {
			status := webhook.StatusFor(err)
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || r.Context().Err() != nil {
				status = http.StatusServiceUnavailable
			}
			log.Error("bird: storing event", "provider_id", ev.ProviderID, "status", ev.Status, "err", err)
			webhook.WriteError(w, status, err)
			return
		}
		log.Debug("bird: event stored", "provider_id", ev.ProviderID, "status", ev.Status,
			"message", res.MessageID, "duplicate", res.Duplicate, "applied", res.Applied)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "OK")
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
		return VerifyJWT(h.cfg.SigningKey, token, h.requestURL(r), body, now)
	}
	return VerifyLegacy(h.cfg.SigningKey, r.Header.Get(SignatureHeader), r.Header.Get(TimestampHeader),
		r.URL.Query(), body, now, h.cfg.tolerance())
}

// requestURL rebuilds the URL Bird signed: the public URL when configured,
// otherwise the request's own scheme and Host, then the path and query as
// sent.
func (h *Handler) requestURL(r *http.Request) string {
	var b strings.Builder
	if h.cfg.PublicURL != "" {
		b.WriteString(strings.TrimRight(h.cfg.PublicURL, "/"))
	} else {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		b.WriteString(scheme + "://" + r.Host)
	}
	b.WriteString(r.URL.EscapedPath())
	if r.URL.RawQuery != "" {
		b.WriteString("?" + r.URL.RawQuery)
	}
	return b.String()
}

// refuse answers a request we will not store, by the status its error
// calls for, and keeps a record of it for the operator.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, log *slog.Logger, body []byte, err error) {
	status := webhook.StatusFor(err)
	log.Info("bird: request refused", "status", status, "reason", smstrack.ErrorMessage(err), "field", smstrack.ErrorField(err))
	h.rej.Record(r, body, err)
	webhook.WriteError(w, status, err)
}
