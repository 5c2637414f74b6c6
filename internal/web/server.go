package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/content"
)

// Store is what the console reads and writes: messages and everything the
// JSON API sees, plus users and sessions.
type Store interface {
	smstrack.Store
	smstrack.UserStore
}

// Options are the console's settings.
type Options struct {
	// PublicURL is the server's public URL; when it is https, cookies are
	// marked Secure even though TLS ends at a proxy.
	PublicURL string
	// Settings are the configuration values shown read-only on the
	// settings page, secrets already masked (see MaskSetting).
	Settings []Setting
	// Retention describes the retention policy in force, for the settings page.
	Retention Retention
	// DefaultRegion reads numbers typed without a country code in the
	// data pages' filters, as the API does (SMSTRACK_DEFAULT_REGION).
	DefaultRegion string
	// Prices estimate what a message cost, on its details page.
	Prices content.PriceTable
	// Now is the clock; time.Now when nil. Tests move it.
	Now func() time.Time
}

// Retention is the retention policy the server applies, from its configuration.
type Retention struct {
	Days           int  // 0: bodies are kept
	DeleteMessages bool // whole messages go, not only bodies
}

// Server is the console: its pages, their templates and assets.
type Server struct {
	store     Store
	log       *slog.Logger
	opts      Options
	templates templates
	assets    *assets
	origin    *http.CrossOriginProtection
	secure    bool // cookies carry Secure regardless of the request
}

// New parses the embedded templates and assets and returns the console.
func New(store Store, log *slog.Logger, opts Options) (*Server, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{store: store, log: log, opts: opts, origin: http.NewCrossOriginProtection()}
	if u, err := url.Parse(opts.PublicURL); err == nil && u.Scheme != "" && u.Host != "" {
		s.secure = u.Scheme == "https"
		// Behind a proxy that rewrites Host, the public origin is still ours.
		if err := s.origin.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("web: public URL: %w", err)
		}
	}
	s.origin.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.deny(w, r, http.StatusForbidden, "This request came from another site and was refused.")
	}))
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.templates, err = parseTemplates(s.assets); err != nil {
		return nil, err
	}
	return s, nil
}

// access says who may use a route.
type access int

const (
	public access = iota // anyone: the sign-in page and the assets
	viewer               // any signed-in user: reading
	admin                // admins: changing settings and users
)

// route is one console route, added by its page file from init.
type route struct {
	pattern string // "GET /messages", as http.ServeMux reads it
	access  access
	json    bool // answers JSON: 401/403 come back as JSON, not as pages
	handle  func(s *Server, w http.ResponseWriter, r *http.Request)
}

// routes are every route of the console, filled from init by page files.
var routes []route

// page adds an HTML route. Call it from init in the page's own file.
func page(pattern string, a access, h func(s *Server, w http.ResponseWriter, r *http.Request)) {
	routes = append(routes, route{pattern: pattern, access: a, handle: h})
}

// jsonEndpoint adds a route answering JSON (e.g. data a page fetches to
// update itself). Call it from init in the page's own file.
func jsonEndpoint(pattern string, a access, h func(s *Server, w http.ResponseWriter, r *http.Request)) {
	routes = append(routes, route{pattern: pattern, access: a, json: true, handle: h})
}

// allRoutes are the registered routes plus a placeholder for every
// navigation entry no page file has claimed yet.
func allRoutes() []route {
	all := slices.Clone(routes)
	for _, item := range nav {
		pattern := "GET " + item.Path
		if item.Path == "/" {
			pattern = "GET /{$}"
		}
		if !slices.ContainsFunc(all, func(rt route) bool { return rt.pattern == pattern }) {
			all = append(all, route{pattern: pattern, access: viewer, handle: placeholderPage(item)})
		}
	}
	slices.SortFunc(all, func(a, b route) int { return strings.Compare(a.pattern, b.pattern) })
	return all
}

// Register mounts every console route on mux. They are all exact paths or
// prefixes of the console's own (/static/, /settings/...): the API, the
// provider webhooks and the link redirects keep theirs.
func (s *Server) Register(mux *http.ServeMux) {
	for _, rt := range allRoutes() {
		mux.Handle(rt.pattern, s.guard(rt))
	}
}
