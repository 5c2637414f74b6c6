package links

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/smstrack/smstrack"
)

// RedirectPrefix is the path under which short links are served on the
// main host: {base}/l/{code}.
const RedirectPrefix = "/l/"

// Options are the redirect handler's settings.
type Options struct {
	// Host, when set, is a host name dedicated to links: there /{code}
	// redirects too (e.g. https://t.example/{code}).
	Host string
	// TrustProxy takes the client address from X-Forwarded-For.
	TrustProxy bool
	// Salt salts the client address hashes; when nil it is read from the
	// store (generated once and kept there) on first use.
	Salt []byte
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Handler serves the short links recipients open: it records the visit and
// redirects to the stored URL. It needs no API key.
type Handler struct {
	store Store
	log   *slog.Logger
	opts  Options

	saltMu sync.Mutex
	salt   []byte
}

// NewHandler returns the redirect handler. actions may be nil.
func NewHandler(store Store, log *slog.Logger, opts Options) *Handler {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Handler{store: store, log: log, opts: opts, salt: opts.Salt}
}

// Routes are the patterns Register adds, without the dedicated host's.
var Routes = []string{"GET " + RedirectPrefix + "{code}"}

// Register adds the redirect routes to mux. GET patterns serve HEAD too.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET "+RedirectPrefix+"{code}", h.ServeHTTP)
	if h.opts.Host != "" {
		mux.HandleFunc("GET "+h.opts.Host+"/{code}", h.ServeHTTP)
	}
}

// notFoundPage is the whole answer for a code we do not know: no link, no
// redirect, nothing taken from the request.
const notFoundPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>Link not found</title></head>
<body><h1>Link not found</h1><p>This link does not exist or has been removed.</p></body></html>
`

// ServeHTTP redirects a known code to its URL with 302 and answers
// anything else with a plain 404 page.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if !ValidCode(code) {
		h.notFound(w)
		return
	}
	l, err := h.store.ResolveLink(r.Context(), code)
	if err != nil {
		if smstrack.ErrorCode(err) != smstrack.ENOTFOUND {
			h.log.Error("resolve link", "code", code, "err", err)
			http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
			return
		}
		h.notFound(w)
		return
	}
	// The target is only ever what the store holds, and only a URL that
	// passed ValidTarget was stored; check again so a bad row cannot
	// become an open redirect.
	if !ValidTarget(l.URL) {
		h.log.Error("stored link target is not an http(s) URL", "code", code)
		h.notFound(w)
		return
	}
	h.record(r, l)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Location", l.URL)
	w.WriteHeader(http.StatusFound)
}

func (h *Handler) notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprint(w, notFoundPage)
}

// record keeps the visit; a failure is logged, never shown: the recipient
// gets to the page whatever happens to the statistics.
func (h *Handler) record(r *http.Request, l *Link) {
	ctx := context.WithoutCancel(r.Context())
	salt, err := h.saltFor(ctx)
	if err != nil {
		h.log.Error("link salt", "err", err)
		return
	}
	now := h.opts.Now().UTC()
	ua := r.UserAgent()
	if len(ua) > 512 {
		ua = ua[:512]
	}
	v := Classify(r.Method, ua, now, l.DeliveredAt)
	visit := Visit{LinkID: l.ID, At: now, UserAgent: ua, IPHash: HashIP(salt, ClientIP(r, h.opts.TrustProxy)), Preview: v.Preview}
	if !v.Preview && l.MessageID != 0 {
		data, _ := json.Marshal(map[string]string{"code": l.Code, "url": l.URL})
		visit.Click = &smstrack.Action{MessageID: l.MessageID, Type: smstrack.ActionClicked, At: now, Data: data, Source: "link"}
	}
	if _, err := h.store.RecordVisit(ctx, visit); err != nil {
		h.log.Error("record link visit", "code", l.Code, "err", err)
	}
}

func (h *Handler) saltFor(ctx context.Context) ([]byte, error) {
	h.saltMu.Lock()
	defer h.saltMu.Unlock()
	if h.salt != nil {
		return h.salt, nil
	}
	s, err := h.store.LinkSalt(ctx)
	if err != nil {
		return nil, err
	}
	h.salt = s
	return s, nil
}
