package main

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/links"
	"github.com/smstrack/smstrack/internal/webhook"
)

// The settings of tracked links.
const (
	optLinkBase       = "link-base"
	optLinkHost       = "link-host"
	optLinkTrustProxy = "link-trust-proxy"
)

func init() {
	config.AddOptions(
		config.Option{Flag: optLinkBase, Env: "SMSTRACK_LINK_BASE", Default: "",
			Usage: "base of short links put in tracked bodies, e.g. https://t.example (default: SMSTRACK_PUBLIC_URL + /l)"},
		config.Option{Flag: optLinkHost, Env: "SMSTRACK_LINK_HOST", Default: "",
			Usage: "host name dedicated to short links: there /{code} redirects too, e.g. t.example"},
		config.Option{Flag: optLinkTrustProxy, Env: "SMSTRACK_LINK_TRUST_PROXY", Default: "false",
			Usage: "take a link visitor's address from X-Forwarded-For (only behind a proxy that sets it)"},
	)
	providerWirings = append(providerWirings, wireLinks)
	providerRoutes = append(providerRoutes, links.Routes...)
	serveJobs = append(serveJobs, startLinks)
}

// linkBase is where short links point: SMSTRACK_LINK_BASE, or the public
// URL's /l; "" lets the API use the host each request reached.
func linkBase(c *config.Config) string {
	if b := strings.TrimSpace(c.Get(optLinkBase)); b != "" {
		return strings.TrimRight(b, "/")
	}
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/") + strings.TrimRight(links.RedirectPrefix, "/")
	}
	return ""
}

// linkStore is the store the redirect routes use: the mux is built before
// the server's store reaches the serve jobs, so startLinks sets it, before
// the server listens.
var linkStore atomic.Pointer[linkBackend]

type linkBackend struct {
	store   links.Store
	actions smstrack.ActionStore
}

// wireLinks mounts the redirect routes, /l/{code} and, with a link host,
// /{code} on it. They need no API key: recipients open them.
func wireLinks(c *config.Config, mux *http.ServeMux, _ smstrack.Ingester, _ *webhook.Rejector, log *slog.Logger) error {
	trust, err := strconv.ParseBool(c.Get(optLinkTrustProxy))
	if err != nil {
		return usageError("invalid value for --link-trust-proxy (SMSTRACK_LINK_TRUST_PROXY): use true or false")
	}
	h := &lazyLinks{log: log, opts: links.Options{Host: strings.TrimSpace(c.Get(optLinkHost)), TrustProxy: trust}}
	h.register(mux)
	return nil
}

func startLinks(_ context.Context, _ *config.Config, db smstrack.Store, _ smstrack.Ingester, _ *slog.Logger) error {
	ls, ok := db.(links.Store)
	if !ok {
		return nil
	}
	actions, _ := db.(smstrack.ActionStore)
	linkStore.Store(&linkBackend{store: ls, actions: actions})
	return nil
}

// lazyLinks builds the redirect handler on the first request, from the
// store startLinks set.
type lazyLinks struct {
	log  *slog.Logger
	opts links.Options
	h    atomic.Pointer[links.Handler]
}

func (l *lazyLinks) register(mux *http.ServeMux) {
	mux.Handle("GET "+links.RedirectPrefix+"{code}", l)
	if l.opts.Host != "" {
		mux.Handle("GET "+l.opts.Host+"/{code}", l)
	}
}

func (l *lazyLinks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := l.h.Load()
	if h == nil {
		b := linkStore.Load()
		if b == nil {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		h = links.NewHandler(b.store, b.actions, l.log, l.opts)
		if !l.h.CompareAndSwap(nil, h) {
			h = l.h.Load()
		}
	}
	h.ServeHTTP(w, r)
}
