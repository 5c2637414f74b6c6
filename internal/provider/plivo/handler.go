package plivo

import (
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
	"github.com/smstrack/smstrack/internal/webhook"
)

// The paths Plivo is configured to call: the message's status url (set per
// message in the Send Message request) and the application's message_url.
// Both take POST (a form body) and GET (parameters in the query), the two
// methods Plivo offers.
const (
	StatusPath  = "/webhooks/plivo/status"
	InboundPath = "/webhooks/plivo/inbound"
)

// Routes lists the method-specific patterns Register serves.
var Routes = []string{
	"GET " + StatusPath, "POST " + StatusPath,
	"GET " + InboundPath, "POST " + InboundPath,
}

// emptyResponse answers an inbound message without replying to it: Plivo
// reads the message_url's answer as Plivo XML.
const emptyResponse = `<?xml version="1.0" encoding="UTF-8"?><Response></Response>`

// Handler serves Plivo's message status callbacks and inbound messages.
type Handler struct {
	cfg Config
	cb  provider.Callbacks
}

// NewHandler returns a Handler that verifies requests by cfg, hands events
// to ing and records malformed requests through rej (which may be nil).
func NewHandler(cfg Config, ing smstrack.Ingester, rej *webhook.Rejector, log *slog.Logger) *Handler {
	cb := provider.NewCallbacks("plivo", ing, rej, log)
	cb.IDKey = "message_uuid"
	cb.QueryIsBody = true // a GET callback's fields are its query
	if cfg.SkipVerification {
		cb.Unverified = "accepting a request without checking its signature (SkipVerification is on)"
	}
	return &Handler{cfg: cfg, cb: cb}
}

// Register adds the Plivo webhook routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	status := func(w http.ResponseWriter, r *http.Request) { h.serve(w, r, ParseStatusCallback, provider.OK) }
	inbound := func(w http.ResponseWriter, r *http.Request) {
		h.serve(w, r, ParseInbound, func(w http.ResponseWriter, _ smstrack.EventResult) {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, emptyResponse)
		})
	}
	mux.HandleFunc("GET "+StatusPath, status)
	mux.HandleFunc("POST "+StatusPath, status)
	mux.HandleFunc("GET "+InboundPath, inbound)
	mux.HandleFunc("POST "+InboundPath, inbound)
}

// parseFunc reads a request's fields into an event of the account.
type parseFunc func(fields url.Values, account string, receivedAt time.Time) (*smstrack.EventInput, error)

// serve runs one webhook request: decode, authenticate, parse, store, and
// only then answer with ok.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, parse parseFunc, ok provider.AnswerFunc) {
	h.cb.Serve(w, r, func(c *provider.Call) ([]*smstrack.EventInput, error) {
		params, fields, err := decode(r, c.Body)
		if err != nil {
			return nil, err
		}
		account, err := h.authenticate(r, params)
		if err != nil {
			return nil, err
		}
		ev, err := parse(fields, account, c.ReceivedAt)
		if err != nil {
			return nil, err
		}
		return []*smstrack.EventInput{ev}, nil
	}, ok)
}

// decode reads the callback's parameters: those the signature covers as
// body parameters (the form body of a POST; none for a GET, whose URL
// carries them) and the fields the event is made of (the form body of a
// POST; the query of a GET, without our own account parameter).
func decode(r *http.Request, body []byte) (params, fields url.Values, err error) {
	if r.Method == http.MethodGet {
		fields, err = ParseForm([]byte(r.URL.RawQuery))
		if err != nil {
			return nil, nil, err
		}
		fields.Del(AccountParam)
		return nil, fields, nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil {
			return nil, nil, smstrack.FieldError("Content-Type", "malformed content type %q", shorten(ct, 60))
		}
		if mt != "application/x-www-form-urlencoded" {
			return nil, nil, smstrack.FieldError("Content-Type", "unsupported content type %q (Plivo posts forms)", shorten(mt, 60))
		}
	}
	fields, err = ParseForm(body)
	return fields, fields, err
}

// authenticate decides the callback's account and, unless verification is
// off, checks Plivo's signature with that account's token. The account is
// the URL's account parameter when given, the one configured account when
// there is one, and otherwise the configured account whose token signed
// the request.
func (h *Handler) authenticate(r *http.Request, params url.Values) (string, error) {
	named := strings.TrimSpace(r.URL.Query().Get(AccountParam))
	if named != "" && !validID(named) {
		return "", smstrack.FieldError(AccountParam, "malformed account %q", shorten(named, 40))
	}
	if named != "" {
		if _, known := h.cfg.Accounts[named]; !known && !(h.cfg.SkipVerification && len(h.cfg.Accounts) == 0) {
			return "", forbidden(AccountParam, "Plivo account "+named+" is not configured here")
		}
	}
	if len(h.cfg.Accounts) == 0 && !h.cfg.SkipVerification {
		return "", forbidden(AccountParam, "no Plivo account is configured here")
	}
	if h.cfg.SkipVerification {
		switch {
		case named != "":
			return named, nil
		case len(h.cfg.Accounts) == 1:
			return onlyKey(h.cfg.Accounts), nil
		case len(h.cfg.Accounts) == 0:
			return DefaultAccount, nil
		}
		return "", forbidden(AccountParam, "several Plivo accounts are configured: add ?"+AccountParam+"=<auth ID> to the callback URL")
	}

	sig := r.Header.Get(SignatureHeader)
	maSig := r.Header.Get(MainAccountSignatureHeader)
	nonce := r.Header.Get(NonceHeader)
	if (sig == "" && maSig == "") || nonce == "" {
		return "", forbidden(SignatureHeader, "missing "+SignatureHeader+" or "+NonceHeader+" header")
	}
	u := provider.RequestURL(r, h.cfg.PublicURL)
	candidates := slices.Sorted(func(yield func(string) bool) {
		for id := range h.cfg.Accounts {
			if (named == "" || id == named) && !yield(id) {
				return
			}
		}
	})
	matched := ""
	for _, id := range candidates {
		// Every candidate is checked, so the time taken says nothing of
		// which one matched.
		token := h.cfg.Accounts[id]
		okSig := Verify(token, r.Method, u, nonce, params, sig)
		okMa := Verify(token, r.Method, u, nonce, params, maSig)
		if (okSig || okMa) && matched == "" {
			matched = id
		}
	}
	if matched == "" {
		return "", forbidden(SignatureHeader, "invalid "+SignatureHeader+" for "+shorten(u, 200)+
			" (if Plivo calls another URL, e.g. through a proxy, set the public URL to it)")
	}
	return matched, nil
}

func forbidden(field, msg string) error {
	return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: field, Message: msg}
}

func onlyKey(m map[string]string) string {
	for k := range m {
		return k
	}
	return ""
}
