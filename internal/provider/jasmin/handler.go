package jasmin

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/webhook"
)

// The paths Jasmin is configured to call.
const (
	StatusPath  = "/webhooks/jasmin/status"
	InboundPath = "/webhooks/jasmin/inbound"
)

// Ack is the body Jasmin requires, with status 200, to consider a callback
// delivered; anything else and it throws the callback again later.
const Ack = "ACK/Jasmin"

// Handler serves Jasmin's receipt and inbound message callbacks.
type Handler struct {
	cfg Config
	ing smstrack.Ingester
	rej *webhook.Rejector
	log *slog.Logger
	now func() time.Time
}

// NewHandler returns a Handler that checks requests against cfg's token,
// hands events to ing and records refused requests through rej (which may
// be nil).
func NewHandler(cfg Config, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.Default()
	}
	return &Handler{cfg: cfg, ing: ing, rej: rej, log: log, now: time.Now}
}

// Register adds the Jasmin routes to mux. Jasmin calls with GET or POST,
// as the dlr-method (or the HTTP connector's method) says.
func (h *Handler) Register(mux *http.ServeMux) {
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		mux.HandleFunc(m+" "+StatusPath, h.serveStatus)
		mux.HandleFunc(m+" "+InboundPath, h.serveInbound)
	}
}

func (h *Handler) serveStatus(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r, func(fields url.Values, at time.Time) (*smstrack.EventInput, error) {
		return ParseDLR(fields, h.cfg.Account, h.cfg.Location, at)
	})
}

func (h *Handler) serveInbound(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r, func(fields url.Values, at time.Time) (*smstrack.EventInput, error) {
		return ParseInbound(fields, h.cfg.Account, at)
	})
}

// serve runs one callback: read, authenticate, parse, store, and only then
// answer ACK/Jasmin, so an acknowledged callback is never lost.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, parse func(url.Values, time.Time) (*smstrack.EventInput, error)) {
	receivedAt := h.now().UTC()
	log := h.log.With("path", r.URL.Path, "remote_addr", r.RemoteAddr)

	body, err := webhook.ReadBody(r, webhook.MaxBody)
	if err != nil {
		h.rej.Refuse(w, r, log, "jasmin", body, err)
		return
	}
	// Jasmin adds its GET parameters after a "?" even when the configured
	// URL already has a query (…?token=x?id=…); a bare "?" in a query can
	// only be that joint, since values are percent-encoded, so it is "&".
	fields, err := webhook.QueryAndForm(r, strings.ReplaceAll(r.URL.RawQuery, "?", "&"), body)
	if err != nil {
		h.rej.Refuse(w, r, log, "jasmin", body, err)
		return
	}
	if err := h.token().Check(fields); err != nil {
		h.rej.Refuse(w, r, log, "jasmin", h.token().Redact(body, fields), err)
		return
	}
	ev, err := parse(fields, receivedAt)
	if err != nil {
		h.rej.Refuse(w, r, log, "jasmin", h.token().Redact(body, fields), err)
		return
	}
	res, err := h.ing.Ingest(r.Context(), ev)
	if err != nil {
		status := webhook.StatusFor(err)
		if errors.Is(err, context.Canceled) || r.Context().Err() != nil {
			status = http.StatusServiceUnavailable
		}
		log.Error("jasmin: storing event", "id", ev.ProviderID, "status", ev.Status, "err", err)
		webhook.WriteError(w, status, err)
		return
	}
	log.Debug("jasmin: event stored", "id", ev.ProviderID, "status", ev.Status,
		"message_id", res.MessageID, "duplicate", res.Duplicate, "applied", res.Applied)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, Ack)
}

// token is the shared secret Jasmin puts in the URL.
func (h *Handler) token() webhook.URLToken {
	return webhook.URLToken{Param: ParamToken, Secret: h.cfg.Token, Provider: "Jasmin", Setting: "SMSTRACK_JASMIN_TOKEN", Where: "the URL"}
}
