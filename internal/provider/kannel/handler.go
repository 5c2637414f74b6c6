package kannel

import (
	"log/slog"
	"net/http"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
	"github.com/smstrack/smstrack/internal/webhook"
)

// StatusPath is the path of the dlr-url.
const StatusPath = "/webhooks/kannel/status"

// Handler serves Kannel's delivery report callbacks.
type Handler struct {
	cfg Config
	cb  provider.Callbacks
}

// NewHandler returns a Handler that checks requests against cfg's token,
// hands events to ing and records refused requests through rej (which may
// be nil).
func NewHandler(cfg Config, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) *Handler {
	cb := provider.NewCallbacks("kannel", ing, rej, log)
	cb.IDKey, cb.StoredKey = "id", "message_id"
	return &Handler{cfg: cfg, cb: cb}
}

// Register adds the Kannel routes to mux. Kannel fetches the dlr-url with
// GET; POST is accepted too, for set-ups that forward reports.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET "+StatusPath, h.serveStatus)
	mux.HandleFunc("POST "+StatusPath, h.serveStatus)
}

// serveStatus runs one report: authenticate, parse, store, and only then
// answer 200, so an acknowledged report is never lost.
func (h *Handler) serveStatus(w http.ResponseWriter, r *http.Request) {
	h.cb.Serve(w, r, func(c *provider.Call) ([]*smstrack.EventInput, error) {
		fields, err := c.TokenFields(h.token(), r.URL.RawQuery)
		if err != nil {
			return nil, err
		}
		ev, err := ParseDLR(fields, h.cfg.Account, h.cfg.Location, c.ReceivedAt)
		if err != nil {
			return nil, err
		}
		return []*smstrack.EventInput{ev}, nil
	}, provider.Text("OK\n"))
}

// token is the shared secret Kannel puts in the dlr-url.
func (h *Handler) token() webhook.URLToken {
	return webhook.URLToken{Param: ParamToken, Secret: h.cfg.Token, Provider: "Kannel", Setting: "SMSTRACK_KANNEL_TOKEN", Where: "the dlr-url"}
}
