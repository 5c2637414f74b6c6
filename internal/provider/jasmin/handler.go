package jasmin

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
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
	cb  provider.Callbacks
}

// NewHandler returns a Handler that checks requests against cfg's token,
// hands events to ing and records refused requests through rej (which may
// be nil).
func NewHandler(cfg Config, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) *Handler {
	cb := provider.NewCallbacks("jasmin", ing, rej, log)
	cb.IDKey, cb.StoredKey = "id", "message_id"
	return &Handler{cfg: cfg, cb: cb}
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

// serve runs one callback: authenticate, parse, store, and only then
// answer ACK/Jasmin, so an acknowledged callback is never lost.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, parse func(url.Values, time.Time) (*smstrack.EventInput, error)) {
	h.cb.Serve(w, r, func(c *provider.Call) ([]*smstrack.EventInput, error) {
		// Jasmin adds its GET parameters after a "?" even when the configured
		// URL already has a query (…?token=x?id=…); a bare "?" in a query can
		// only be that joint, since values are percent-encoded, so it is "&".
		fields, err := c.TokenFields(h.token(), strings.ReplaceAll(r.URL.RawQuery, "?", "&"))
		if err != nil {
			return nil, err
		}
		ev, err := parse(fields, c.ReceivedAt)
		if err != nil {
			return nil, err
		}
		return []*smstrack.EventInput{ev}, nil
	}, provider.Text(Ack))
}

// token is the shared secret Jasmin puts in the URL.
func (h *Handler) token() webhook.URLToken {
	return webhook.URLToken{Param: ParamToken, Secret: h.cfg.Token, Provider: "Jasmin", Setting: "SMSTRACK_JASMIN_TOKEN", Where: "the URL"}
}
