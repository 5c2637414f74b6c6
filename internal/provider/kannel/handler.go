package kannel

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
		h.refuse(w, r, log, body, err)
		return
	}
	fields, err := readFields(r, body)
	if err != nil {
		h.refuse(w, r, log, body, err)
		return
	}
	if err := h.authenticate(fields); err != nil {
		h.refuse(w, r, log, recordBody(body, fields), err)
		return
	}
	ev, err := ParseDLR(fields, h.cfg.Account, h.cfg.Location, receivedAt)
	if err != nil {
		h.refuse(w, r, log, recordBody(body, fields), err)
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

// readFields merges the URL's query with a form body: the dlr-url's own
// parameters arrive in the query whatever the method.
func readFields(r *http.Request, body []byte) (url.Values, error) {
	fields, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, smstrack.Errorf(smstrack.EINVALID, "malformed query: %s", shorten(err.Error(), 80))
	}
	if len(body) == 0 {
		return fields, nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return nil, smstrack.FieldError("Content-Type", "unsupported content type %q", shorten(ct, 60))
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

// authenticate checks the shared token.
func (h *Handler) authenticate(fields url.Values) error {
	if h.cfg.Token == "" {
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Message: "Kannel is not configured here (set SMSTRACK_KANNEL_TOKEN)"}
	}
	got := fields.Get(ParamToken)
	if got == "" {
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: ParamToken, Message: "missing token in the dlr-url"}
	}
	if !tokenOK(h.cfg.Token, got) {
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: ParamToken, Message: "wrong token in the dlr-url"}
	}
	return nil
}

// recordBody is what a refusal keeps: the body, or for a GET the query,
// which is where Kannel puts everything; never the token.
func recordBody(body []byte, fields url.Values) []byte {
	if len(body) > 0 && !strings.Contains(string(body), ParamToken+"=") {
		return body
	}
	shown := url.Values{}
	for k, v := range fields {
		if k != ParamToken {
			shown[k] = v
		}
	}
	return []byte(shown.Encode())
}

// refuse answers a request we will not store and keeps a record of it.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, log *slog.Logger, body []byte, err error) {
	status := webhook.StatusFor(err)
	log.Info("kannel: request refused", "status", status, "reason", smstrack.ErrorMessage(err), "field", smstrack.ErrorField(err))
	h.rej.Record(r, body, err)
	webhook.WriteError(w, status, err)
}
