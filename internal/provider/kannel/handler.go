package kannel

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/webhook"
)

// StatusPath is the path of the dlr-url.
const StatusPath = "/webhooks/kannel/status"

// Handler serves Kannel's delivery report callbacks.
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

// Register adds the Kannel routes to mux. Kannel fetches the dlr-url with
// GET; POST is accepted too, for set-ups that forward reports.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET "+StatusPath, h.serveStatus)
	mux.HandleFunc("POST "+StatusPath, h.serveStatus)
}

// serveStatus runs one report: read, authenticate, parse, store, and only
// then answer 200, so an acknowledged report is never lost.
func (h *Handler) serveStatus(w http.ResponseWriter, r *http.Request) {
	receivedAt := h.now().UTC()
	log := h.log.With("path", r.URL.Path, "remote_addr", r.RemoteAddr)

	body, err := webhook.ReadBody(r, webhook.MaxBody)
	if err != nil {
		h.rej.Refuse(w, r, log, "kannel", body, err)
		return
	}
	fields, err := webhook.QueryAndForm(r, r.URL.RawQuery, body)
	if err != nil {
		h.rej.Refuse(w, r, log, "kannel", body, err)
		return
	}
	if err := h.token().Check(fields); err != nil {
		h.rej.Refuse(w, r, log, "kannel", h.token().Redact(body, fields), err)
		return
	}
	ev, err := ParseDLR(fields, h.cfg.Account, h.cfg.Location, receivedAt)
	if err != nil {
		h.rej.Refuse(w, r, log, "kannel", h.token().Redact(body, fields), err)
		return
	}
	res, err := h.ing.Ingest(r.Context(), ev)
	if err != nil {
		status := webhook.StatusFor(err)
		if errors.Is(err, context.Canceled) || r.Context().Err() != nil {
			status = http.StatusServiceUnavailable
		}
		log.Error("kannel: storing event", "id", ev.ProviderID, "status", ev.Status, "err", err)
		webhook.WriteError(w, status, err)
		return
	}
	log.Debug("kannel: event stored", "id", ev.ProviderID, "status", ev.Status,
		"message_id", res.MessageID, "duplicate", res.Duplicate, "applied", res.Applied)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "OK\n")
}

// token is the shared secret Kannel puts in the dlr-url.
func (h *Handler) token() webhook.URLToken {
	return webhook.URLToken{Param: ParamToken, Secret: h.cfg.Token, Provider: "Kannel", Setting: "SMSTRACK_KANNEL_TOKEN", Where: "the dlr-url"}
}
