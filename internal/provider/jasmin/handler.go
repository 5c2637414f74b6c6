package jasmin

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
	ev, err := parse(fields, receivedAt)
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

// readFields merges the URL's query with a form body. Jasmin adds its
// GET parameters after a "?" even when the configured URL already has a
// query (…?token=x?id=…); a bare "?" in a query can only be that joint,
// since values are percent-encoded, so it is read as "&".
func readFields(r *http.Request, body []byte) (url.Values, error) {
	fields, err := url.ParseQuery(strings.ReplaceAll(r.URL.RawQuery, "?", "&"))
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
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Message: "Jasmin is not configured here (set SMSTRACK_JASMIN_TOKEN)"}
	}
	got := fields.Get(ParamToken)
	if got == "" {
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: ParamToken, Message: "missing token in the URL"}
	}
	if !tokenOK(h.cfg.Token, got) {
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: ParamToken, Message: "wrong token in the URL"}
	}
	return nil
}

// recordBody is what a refusal keeps: the body, or for a GET the query;
// never the token.
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
	log.Info("jasmin: request refused", "status", status, "reason", smstrack.ErrorMessage(err), "field", smstrack.ErrorField(err))
	h.rej.Record(r, body, err)
	webhook.WriteError(w, status, err)
}
