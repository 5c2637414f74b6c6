// Package api serves smstrack's JSON API: the app's reports of its sends,
// the message queries, the rejected-requests log and the health check. Every
// route but /healthz needs an API key. It speaks HTTP and JSON only; storage
// and the rules stay behind smstrack.Store and smstrack.Ingester.
package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/archive"
	"github.com/smstrack/smstrack/internal/content"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Server holds what the API handlers need.
type Server struct {
	store  smstrack.Store
	ingest smstrack.Ingester
	log    *slog.Logger
	opts   Options
}

// Options are the settings the API answers with.
type Options struct {
	DefaultRegion string             // for numbers without a country code
	Prices        content.PriceTable // price of a segment by country
	Media         *archive.Archive   // the compliance media archive; nil when off
	LinkBase      string             // where short links point, e.g. https://t.example/l; "" for this server's /l
	TwilioSender  Sender             // sends through Twilio for POST /api/v1/send; nil when off
	Metrics       http.Handler       // the Prometheus exposition served at GET /metrics; nil when off
}

// New returns the API server.
func New(store smstrack.Store, ingest smstrack.Ingester, log *slog.Logger, opts Options) *Server {
	return &Server{store: store, ingest: ingest, log: log, opts: opts}
}

// Routes lists every route the API serves, as "METHOD /path"; a test keeps
// docs/openapi.json true to it.
var Routes = []string{
	"GET /healthz",
	"POST /api/v1/messages",
	"GET /api/v1/messages",
	"GET /api/v1/messages/{id}",
	"GET /api/v1/rejected",
	"POST /api/v1/analyze",
	"GET /api/v1/insights/content",
	"GET /api/v1/messages/{id}/media/{position}",
	"POST /api/v1/links",
	"GET /api/v1/links/{code}",
	"GET /api/v1/messages/{id}/links",
	"GET /api/v1/conversations",
	"GET /api/v1/conversations/{id}",
	"POST /api/v1/messages/{id}/actions",
	"GET /api/v1/messages/{id}/actions",
	"POST /api/v1/actions",
	"GET /api/v1/stats/conversions",
	"GET /api/v1/stats/delivery",
	"GET /api/v1/stats/errors",
	"GET /api/v1/stats/responses",
	"GET /api/v1/alerts",
	"GET /api/v1/alerts/{id}",
	"GET /api/v1/routing/advice",
	"POST /api/v1/webhooks",
	"GET /api/v1/webhooks",
	"PATCH /api/v1/webhooks/{id}",
	"DELETE /api/v1/webhooks/{id}",
	"GET /api/v1/webhooks/{id}/deliveries",
	"POST /api/v1/webhooks/{id}/replay",
	"POST /api/v1/webhooks/{id}/rotate-secret",
	"POST /api/v1/send",
	"GET /metrics",
}

// Register adds the API's routes to mux.
func (s *Server) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", s.health)
	mux.Handle("POST /api/v1/messages", s.authed(s.reportWithLinks))
	mux.Handle("GET /api/v1/messages", s.authed(s.listMessages))
	mux.Handle("GET /api/v1/messages/{id}", s.authed(s.getMessage))
	mux.Handle("GET /api/v1/rejected", s.authed(s.listRejected))
	mux.Handle("POST /api/v1/analyze", s.authed(s.analyze))
	mux.Handle("GET /api/v1/insights/content", s.authed(s.contentInsights))
	mux.Handle("GET /api/v1/messages/{id}/media/{position}", s.authed(s.archivedMedia))
	mux.Handle("POST /api/v1/links", s.authed(s.createLink))
	mux.Handle("GET /api/v1/links/{code}", s.authed(s.getLink))
	mux.Handle("GET /api/v1/messages/{id}/links", s.authed(s.messageLinks))
	mux.Handle("GET /api/v1/conversations", s.authed(s.listConversations))
	mux.Handle("GET /api/v1/conversations/{id}", s.authed(s.getConversation))
	mux.Handle("POST /api/v1/messages/{id}/actions", s.authed(s.recordAction))
	mux.Handle("GET /api/v1/messages/{id}/actions", s.authed(s.listActions))
	mux.Handle("POST /api/v1/actions", s.authed(s.recordActionByNumber))
	mux.Handle("GET /api/v1/stats/conversions", s.authed(s.conversions))
	mux.Handle("GET /api/v1/stats/delivery", s.authed(s.delivery))
	mux.Handle("GET /api/v1/stats/errors", s.authed(s.topErrors))
	mux.Handle("GET /api/v1/stats/responses", s.authed(s.responses))
	mux.Handle("GET /api/v1/alerts", s.authed(s.listAlerts))
	mux.Handle("GET /api/v1/alerts/{id}", s.authed(s.getAlert))
	mux.Handle("GET /api/v1/routing/advice", s.authed(s.routingAdvice))
	mux.Handle("POST /api/v1/webhooks", s.authed(s.createWebhook))
	mux.Handle("GET /api/v1/webhooks", s.authed(s.listWebhooks))
	mux.Handle("PATCH /api/v1/webhooks/{id}", s.authed(s.updateWebhook))
	mux.Handle("DELETE /api/v1/webhooks/{id}", s.authed(s.deleteWebhook))
	mux.Handle("GET /api/v1/webhooks/{id}/deliveries", s.authed(s.webhookDeliveries))
	mux.Handle("POST /api/v1/webhooks/{id}/replay", s.authed(s.replayWebhook))
	mux.Handle("POST /api/v1/webhooks/{id}/rotate-secret", s.authed(s.rotateWebhookSecret))
	mux.Handle("POST /api/v1/send", s.authed(s.send))
	mux.Handle("GET /metrics", s.authed(s.metrics))
	// Anything else under /api/ answers JSON, not the mux's plain text.
	mux.Handle("/api/", s.authed(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, smstrack.Errorf(smstrack.ENOTFOUND, "no such API route: %s %s", r.Method, r.URL.Path))
	}))
}

// authed requires a live API key as "Authorization: Bearer <key>".
func (s *Server) authed(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || strings.TrimSpace(secret) == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="smstrack"`)
			writeError(w, smstrack.Errorf(smstrack.EUNAUTHORIZED, "an API key is required: Authorization: Bearer <key>"))
			return
		}
		if _, err := s.store.AuthenticateAPIKey(r.Context(), HashKey(strings.TrimSpace(secret))); err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="smstrack", error="invalid_token"`)
			writeError(w, err)
			return
		}
		h(w, r)
	})
}

// metrics serves the Prometheus exposition behind the same key as the API.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	if s.opts.Metrics == nil {
		writeError(w, smstrack.Errorf(smstrack.ENOTFOUND, "metrics are not served by this server"))
		return
	}
	s.opts.Metrics.ServeHTTP(w, r)
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	if err := s.store.Ping(r.Context()); err != nil {
		s.log.Error("health check failed", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": "database does not answer"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) listRejected(w http.ResponseWriter, r *http.Request) {
	limit, err := intParam(r, "limit", 100)
	if err != nil {
		writeError(w, err)
		return
	}
	list, err := s.store.ListRejected(r.Context(), limit)
	s.reply(w, r, http.StatusOK, map[string]any{"rejected": list}, err)
}

// reply answers v with status, or err when the call that made v failed.
func (s *Server) reply(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, status, v)
}

// fail answers an error, logging the ones that are ours rather than the caller's.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if webhook.StatusFor(err) >= 500 {
		s.log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeError(w, err)
}

func writeError(w http.ResponseWriter, err error) {
	webhook.WriteError(w, webhook.StatusFor(err), err)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
