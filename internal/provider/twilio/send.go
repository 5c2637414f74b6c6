package twilio

import (
	"bytes"
	"cmp"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/links"
)

// The send API: an app using Twilio's libraries points their base URL at
// smstrack and sends unchanged. smstrack forwards each request to Twilio
// with the account's own credentials, answers exactly what Twilio
// answered, and records the Message resources that come back. It
// replaces StatusCallback with its own status webhook so it sees every
// status; the app's callback is kept on the message as the tag
// status_callback and carried in the StatusCallback given to Twilio, and
// the relay (relay.go) passes statuses on to it.

// Twilio's Message list and Message resource paths. Twilio's libraries
// fetch /Messages/{Sid}.json; ServeMux wildcards are whole segments, so
// MessageSid holds "SM....json" and the handler takes the suffix off.
const (
	MessagesPath = "/2010-04-01/Accounts/{AccountSid}/Messages.json"
	MessagePath  = "/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}"
)

// SendRoutes lists the routes of the send handler, for the OpenAPI test.
var SendRoutes = []string{"POST " + MessagesPath, "GET " + MessagesPath, "GET " + MessagePath}

// maxSendBody bounds a create request: a 1,600-character body, ten media
// URLs and the other fields fit many times over.
const maxSendBody = 1 << 20

// statusCallbackTag is the message tag that keeps the app's own
// StatusCallback, to relay statuses to later.
const statusCallbackTag = "status_callback"

// SendConfig configures the send handler.
type SendConfig struct {
	// Accounts maps each AccountSid to its auth token: the credentials
	// the app authenticates with, which are also Twilio's.
	Accounts map[string]string
	// PublicURL is smstrack's public address, for the StatusCallback
	// given to Twilio; empty means the address the request came to.
	PublicURL string
	// BaseURL is the upstream Twilio API; empty means DefaultBaseURL.
	BaseURL string
	// HTTP is the client for the upstream; nil means one with a
	// 60-second timeout that keeps connections alive.
	HTTP *http.Client
	// Background, when set, lets the Twilio-compatible create answer as
	// soon as the upstream has: the message is recorded right after, in
	// the background, counted here so that a stop waits for it before it
	// closes the ingest path. Nil: recorded before the answer.
	Background *sync.WaitGroup
	// Links, when set, ties the tracked links of a sent body (smstrack's
	// short links, made beforehand) to the message, so that their clicks
	// become its actions and previews at its delivery are told apart.
	Links LinkAttacher
}

// LinkAttacher ties links not yet tied to a message to one; the store is one.
type LinkAttacher interface {
	AttachLinks(ctx context.Context, messageID int64, codes []string) error
}

// SendHandler serves Twilio's Messages API by forwarding it to Twilio and
// recording what Twilio answers.
type SendHandler struct {
	cfg SendConfig
	ing smstrack.Ingester
	log *slog.Logger
	now func() time.Time
	// behind bounds the records under way in the background; when it is
	// full, sends record before answering again.
	behind chan struct{}
}

// maxBehind bounds the records a send may leave in the background.
const maxBehind = 4096

// NewSendHandler returns the send handler, recording through ing.
func NewSendHandler(cfg SendConfig, ing smstrack.Ingester, log *slog.Logger) *SendHandler {
	if cfg.HTTP == nil {
		// Every send is one upstream request: keep a connection per
		// concurrent send alive (Go's default keeps two per host, and
		// dialling anew costs more than the request).
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns, t.MaxIdleConnsPerHost = upstreamIdleConns, upstreamIdleConns
		cfg.HTTP = &http.Client{Timeout: 60 * time.Second, Transport: t}
	}
	return &SendHandler{cfg: cfg, ing: ing, log: log.With("provider", Provider), now: time.Now, behind: make(chan struct{}, maxBehind)}
}

// upstreamIdleConns is how many idle connections to the upstream are kept.
const upstreamIdleConns = 256

// Register adds the send routes to mux.
func (h *SendHandler) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+MessagesPath, h.serveCreate)
	mux.HandleFunc("GET "+MessagesPath, h.serveList)
	mux.HandleFunc("GET "+MessagePath, h.serveFetch)
}

func (h *SendHandler) serveCreate(w http.ResponseWriter, r *http.Request) {
	account, _, ok := h.authenticate(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxSendBody)
	if err := r.ParseForm(); err != nil {
		writeRestError(w, http.StatusBadRequest, codeInvalid, "The request body must be a form of at most 1 MiB")
		return
	}
	status, body, err := h.send(r, account, r.PostForm, nil, h.cfg.Background != nil)
	if err != nil {
		writeForwardError(w, err)
		return
	}
	writeUpstream(w, status, body)
}

// ErrUnreachable reports a send that got no answer from Twilio: the
// message may or may not have gone out.
var ErrUnreachable = errors.New("twilio: upstream unreachable")

// Send creates a message for account through Twilio with the fields of
// form, as Twilio's Messages API takes them, and returns Twilio's status
// and body. Every field goes on as given, repeated ones (MediaUrl)
// included; only StatusCallback is replaced by smstrack's own, built from
// the public URL or else r's address; the app's is kept as a tag and
// carried in smstrack's URL for the relay (relay.go). An app callback that
// is no http(s) URL is refused as Twilio refuses it (400, code 21609). A
// Message resource Twilio answers with is recorded with tags (which may be
// nil). The error is ErrUnreachable when Twilio did not answer.
func (h *SendHandler) Send(r *http.Request, account string, form url.Values, tags map[string]string) (status int, body []byte, err error) {
	return h.send(r, account, form, tags, false)
}

// send is Send; with later, the message may be recorded in the background.
func (h *SendHandler) send(r *http.Request, account string, form url.Values, tags map[string]string, later bool) (status int, body []byte, err error) {
	token, known := h.cfg.Accounts[account]
	if !known || token == "" {
		return 0, nil, &smstrack.Error{Code: smstrack.EINVALID, Field: "account",
			Message: "Twilio account " + account + " is not configured here"}
	}
	out := cloneValues(form)
	appCallback := out.Get("StatusCallback")
	callback := h.statusURL(r)
	if appCallback != "" {
		if err := checkCallbackURL(appCallback); err != nil {
			// What Twilio answers for a StatusCallback it cannot use.
			return http.StatusBadRequest, restErrorBody(http.StatusBadRequest, 21609, "The StatusCallback URL "+shorten(appCallback, 200)+" is not a valid URL."), nil
		}
		callback = RelayStatusURL(callback, token, appCallback)
	}
	out.Set("StatusCallback", callback)
	path := "/2010-04-01/Accounts/" + url.PathEscape(account) + "/Messages.json"
	status, body, err = h.forward(r, http.MethodPost, account, token, path, strings.NewReader(out.Encode()))
	if err != nil {
		return 0, nil, err
	}
	if status/100 == 2 {
		recorded := map[string]string{}
		for k, v := range tags {
			recorded[k] = v
		}
		if appCallback != "" {
			recorded[statusCallbackTag] = appCallback
		}
		if later {
			select {
			case h.behind <- struct{}{}:
				// The app's answer does not wait for smstrack's disk; a
				// stop waits for the record (cfg.Background).
				h.cfg.Background.Add(1)
				go func() {
					defer func() { <-h.behind; h.cfg.Background.Done() }()
					h.record(context.WithoutCancel(r.Context()), body, smstrack.SourceAPI, recorded)
				}()
				return status, body, nil
			default:
			}
		}
		h.record(r.Context(), body, smstrack.SourceAPI, recorded)
	}
	return status, body, nil
}

// writeForwardError answers a request Twilio never answered, as Twilio
// answers its own failures.
func writeForwardError(w http.ResponseWriter, err error) {
	if errors.Is(err, ErrUnreachable) {
		// A POST whose answer was lost may still have sent the message;
		// the app learns that it does not know, as from Twilio's own 502.
		writeRestError(w, http.StatusBadGateway, 20500, "smstrack could not reach Twilio's API")
		return
	}
	writeRestError(w, http.StatusInternalServerError, 20500, "Internal server error")
}

func (h *SendHandler) serveFetch(w http.ResponseWriter, r *http.Request) {
	sid, found := strings.CutSuffix(r.PathValue("MessageSid"), ".json")
	if !found || !validID(sid) {
		writeRestError(w, http.StatusNotFound, codeNotFound, "The requested resource "+r.URL.Path+" was not found")
		return
	}
	account, token, ok := h.authenticate(w, r)
	if !ok {
		return
	}
	status, body, err := h.forward(r, http.MethodGet, account, token, r.URL.EscapedPath(), nil)
	if err != nil {
		writeForwardError(w, err)
		return
	}
	if status/100 == 2 {
		h.record(r.Context(), body, smstrack.SourceSync, nil)
	}
	writeUpstream(w, status, body)
}

func (h *SendHandler) serveList(w http.ResponseWriter, r *http.Request) {
	account, token, ok := h.authenticate(w, r)
	if !ok {
		return
	}
	// Paging (PageSize, Page, PageToken) and filters pass through in the
	// query; next_page_uri in the answer is a path, so the library's next
	// request comes back here too.
	path := r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		path += "?" + r.URL.RawQuery
	}
	status, body, err := h.forward(r, http.MethodGet, account, token, path, nil)
	if err != nil {
		writeForwardError(w, err)
		return
	}
	if status/100 == 2 {
		var page messagePage
		if err := json.Unmarshal(body, &page); err != nil {
			h.log.Warn("send api: unreadable message list from Twilio", "account", account, "err", err)
		}
		for _, raw := range page.Messages {
			h.record(r.Context(), raw, smstrack.SourceSync, nil)
		}
	}
	writeUpstream(w, status, body)
}

// authenticate checks HTTP Basic credentials against the path's account,
// in constant time, and answers 401 itself when they are wrong.
func (h *SendHandler) authenticate(w http.ResponseWriter, r *http.Request) (account, token string, ok bool) {
	account = r.PathValue("AccountSid")
	user, pass, hasAuth := r.BasicAuth()
	token, known := h.cfg.Accounts[account]
	if hasAuth && known && token != "" {
		userOK := subtle.ConstantTimeCompare([]byte(user), []byte(account))
		passOK := subtle.ConstantTimeCompare([]byte(pass), []byte(token))
		if userOK&passOK == 1 {
			return account, token, true
		}
	}
	w.Header().Set("WWW-Authenticate", `Basic realm="smstrack"`)
	writeRestError(w, http.StatusUnauthorized, codeAuthenticate, "Authenticate with the AccountSid and its auth token")
	return "", "", false
}

// statusURL is smstrack's own status webhook, given to Twilio.
func (h *SendHandler) statusURL(r *http.Request) string {
	base := strings.TrimRight(h.cfg.PublicURL, "/")
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return base + StatusPath
}

// forward sends one request to the upstream with the account's
// credentials and returns its status and body; the error wraps
// ErrUnreachable when the request never got an answer.
func (h *SendHandler) forward(r *http.Request, method, account, token, path string, body io.Reader) (status int, answer []byte, err error) {
	c := &Client{BaseURL: h.cfg.BaseURL, AccountSid: account, AuthToken: token}
	u, err := c.resolve(path)
	if err != nil {
		h.log.Error("send api: bad upstream URL", "err", err)
		return 0, nil, fmt.Errorf("twilio: upstream URL: %w", err)
	}
	req, err := http.NewRequestWithContext(r.Context(), method, u.String(), body)
	if err != nil {
		h.log.Error("send api: building upstream request", "err", err)
		return 0, nil, fmt.Errorf("twilio: upstream request: %w", err)
	}
	req.SetBasicAuth(account, token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", cmp.Or(r.UserAgent(), "smstrack"))
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := h.cfg.HTTP.Do(req)
	if err == nil {
		defer resp.Body.Close()
		answer, err = io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
		if err == nil && len(answer) > maxResponse {
			err = io.ErrShortBuffer
		}
	}
	if err != nil {
		h.log.Warn("send api: Twilio unreachable", "method", method, "path", u.Path, "err", err)
		return 0, nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	return resp.StatusCode, answer, nil
}

// record stores one Message resource Twilio answered; a failure is logged,
// never shown to the app, whose request Twilio has already served.
func (h *SendHandler) record(ctx context.Context, raw []byte, source smstrack.Source, tags map[string]string) {
	m, err := DecodeMessageResource(raw)
	if err == nil {
		var ev *smstrack.EventInput
		if ev, err = ResourceEvent(m, source, h.now().UTC()); err == nil {
			if len(tags) > 0 {
				ev.Facts.Tags = tags
			}
			var res smstrack.EventResult
			if res, err = h.ing.Ingest(ctx, ev); err == nil && source == smstrack.SourceAPI && h.cfg.Links != nil {
				if codes := shortLinkCodes(m.Get("body")); len(codes) > 0 {
					err = h.cfg.Links.AttachLinks(ctx, res.MessageID, codes)
				}
			}
		}
	}
	if err != nil {
		h.log.Error("send api: recording Twilio's message", "source", source, "err", err)
	}
}

// shortLinkCodes returns the codes of the URLs of body that look like
// smstrack's short links (.../l/{code}); codes of no link, or of a link
// already tied to a message, are ignored by AttachLinks.
func shortLinkCodes(body string) []string {
	var codes []string
	for _, s := range links.FindURLs(body) {
		u, err := url.Parse(s.URL)
		if err != nil {
			continue
		}
		if code, ok := strings.CutPrefix(u.Path, links.RedirectPrefix); ok && links.ValidCode(code) {
			codes = append(codes, code)
		}
	}
	return codes
}

// writeUpstream answers with the upstream's status and body, unchanged.
func writeUpstream(w http.ResponseWriter, status int, body []byte) {
	ct := "application/json"
	if len(bytes.TrimSpace(body)) == 0 {
		ct = ""
	}
	if ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.WriteHeader(status)
	w.Write(body)
}
