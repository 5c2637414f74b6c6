package vonage

import (
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
	"github.com/smstrack/smstrack/internal/webhook"
)

// The paths Vonage is configured to call, for delivery receipts and inbound
// messages. Both take GET (parameters in the query) and POST (a form or a
// JSON body), as the Vonage dashboard lets either be chosen.
const (
	StatusPath  = "/webhooks/vonage/status"
	InboundPath = "/webhooks/vonage/inbound"
)

// Routes lists the method-specific patterns Register serves.
var Routes = []string{
	"GET " + StatusPath, "POST " + StatusPath,
	"GET " + InboundPath, "POST " + InboundPath,
}

// Handler serves Vonage's delivery receipts and inbound message webhooks.
type Handler struct {
	cfg Config
	cb  provider.Callbacks
}

// NewHandler returns a Handler that verifies requests by cfg, hands events
// to ing and records malformed requests through rej (which may be nil).
func NewHandler(cfg Config, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) *Handler {
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	cb := provider.NewCallbacks("vonage", ing, rej, log)
	cb.IDKey = "message_id"
	cb.QueryIsBody = true // a GET webhook's fields are its query
	if cfg.SkipVerification {
		cb.Unverified = "accepting a request without checking its signature (SkipVerification is on)"
	}
	return &Handler{cfg: cfg, cb: cb}
}

// Register adds the Vonage webhook routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	receipt := func(w http.ResponseWriter, r *http.Request) { h.serve(w, r, ParseReceipt) }
	inbound := func(w http.ResponseWriter, r *http.Request) { h.serve(w, r, ParseInbound) }
	mux.HandleFunc("GET "+StatusPath, receipt)
	mux.HandleFunc("POST "+StatusPath, receipt)
	mux.HandleFunc("GET "+InboundPath, inbound)
	mux.HandleFunc("POST "+InboundPath, inbound)
}

// parseFunc reads a request's fields into an event of the account.
type parseFunc func(fields url.Values, account string, receivedAt time.Time) (*smstrack.EventInput, error)

// serve runs one webhook request: decode, authenticate, parse, store, and
// only then answer 200 (Vonage retries anything but a 200).
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, parse parseFunc) {
	h.cb.Serve(w, r, func(c *provider.Call) ([]*smstrack.EventInput, error) {
		fields, err := decode(r, c.Body)
		if err != nil {
			return nil, err
		}
		account, err := h.account(fields)
		if err != nil {
			return nil, err
		}
		if err := h.authenticate(account, fields, c.ReceivedAt); err != nil {
			c.LogWith("account", account)
			return nil, err
		}
		ev, err := parse(fields, account, c.ReceivedAt)
		if err != nil {
			return nil, err
		}
		return []*smstrack.EventInput{ev}, nil
	}, provider.OK)
}

// decode reads the webhook's fields: the query of a GET, the body of a POST
// by its content type (a form when none is given).
func decode(r *http.Request, body []byte) (url.Values, error) {
	if r.Method == http.MethodGet {
		return ParseForm([]byte(r.URL.RawQuery))
	}
	mt := ""
	if ct := r.Header.Get("Content-Type"); ct != "" {
		var err error
		mt, _, err = mime.ParseMediaType(ct)
		if err != nil {
			return nil, smstrack.FieldError("Content-Type", "malformed content type %q", shorten(ct, 60))
		}
	}
	switch {
	case mt == "" || mt == "application/x-www-form-urlencoded":
		return ParseForm(body)
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return ParseJSON(body)
	}
	return nil, smstrack.FieldError("Content-Type", "unsupported content type %q", shorten(mt, 60))
}

// account names the webhook's account: its api-key, or the one configured
// account when the webhook carries none.
func (h *Handler) account(fields url.Values) (string, error) {
	key := strings.TrimSpace(fields.Get("api-key"))
	if key == "" && len(h.cfg.Accounts) == 1 {
		for k := range h.cfg.Accounts {
			key = k
		}
	}
	if err := provider.CheckID("api-key", "api-key", key, validID); err != nil {
		return "", err
	}
	return key, nil
}

// authenticate checks that the account is one we serve and, when it has a
// signature secret and verification is on, that the sig is Vonage's and
// recent.
func (h *Handler) authenticate(account string, fields url.Values, now time.Time) error {
	acc, known := h.cfg.Accounts[account]
	if !known {
		if h.cfg.SkipVerification && len(h.cfg.Accounts) == 0 {
			return nil
		}
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: "api-key",
			Message: "Vonage account " + account + " is not configured here"}
	}
	if h.cfg.SkipVerification || acc.SignatureSecret == "" {
		return nil
	}
	if strings.TrimSpace(fields.Get(SigParam)) == "" {
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: SigParam,
			Message: "missing sig: account " + account + " expects signed webhooks"}
	}
	// The signature is checked first, so the timestamp it covers is trusted.
	if !Verify(acc.SignatureSecret, acc.Method, fields) {
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: SigParam,
			Message: "invalid sig (check the signature secret and method of account " + account + ")"}
	}
	if !Fresh(fields, now, h.cfg.MaxAge) {
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: TimestampParam,
			Message: "timestamp missing or more than " + h.cfg.MaxAge.String() + " from our clock: refused as a possible replay"}
	}
	return nil
}
