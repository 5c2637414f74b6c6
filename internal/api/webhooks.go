package api

import (
	"io"
	"net/http"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/notify"
)

// maxWebhookBody bounds a webhook endpoint request: a URL and a few names.
const maxWebhookBody = 16 << 10

// readWebhookBody reads a small JSON body into v, refusing unknown fields.
func readWebhookBody(r *http.Request, v any) error {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
	if err != nil {
		return smstrack.Errorf(smstrack.EINVALID, "could not read the request body")
	}
	if len(raw) > maxWebhookBody {
		return smstrack.Errorf(smstrack.ETOOLARGE, "request body is larger than %d bytes", maxWebhookBody)
	}
	return decodeStrict(raw, v)
}

// createWebhook registers an endpoint and answers its secret, the only
// time it is shown.
func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) {
	var req struct {
		URL        string   `json:"url"`
		EventTypes []string `json:"event_types"`
	}
	if err := readWebhookBody(r, &req); err != nil {
		writeError(w, err)
		return
	}
	e, err := s.store.CreateEndpoint(r.Context(), smstrack.Endpoint{URL: req.URL, EventTypes: req.EventTypes, Secret: notify.GenerateSecret()})
	s.reply(w, r, http.StatusCreated, e, err)
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) {
	list, err := s.store.ListEndpoints(r.Context())
	s.reply(w, r, http.StatusOK, map[string]any{"webhooks": list}, err)
}

// updateWebhook enables or disables an endpoint.
func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "webhook endpoint")
	if !ok {
		return
	}
	var req struct {
		Enabled *bool  `json:"enabled"`
		Reason  string `json:"reason"`
	}
	if err := readWebhookBody(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if req.Enabled == nil {
		writeError(w, smstrack.FieldError("enabled", "enabled must be true or false"))
		return
	}
	reason := req.Reason
	if !*req.Enabled && reason == "" {
		reason = "disabled through the API"
	}
	e, err := s.store.SetEndpointEnabled(r.Context(), id, *req.Enabled, reason)
	s.reply(w, r, http.StatusOK, e, err)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "webhook endpoint")
	if !ok {
		return
	}
	if err := s.store.DeleteEndpoint(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "deleted": true})
}

// webhookDeliveries answers an endpoint's attempt log, newest first.
func (s *Server) webhookDeliveries(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "webhook endpoint")
	if !ok {
		return
	}
	limit, err := pageLimit(r.URL.Query())
	if err != nil {
		writeError(w, err)
		return
	}
	list, err := s.store.ListAttempts(r.Context(), id, limit)
	s.reply(w, r, http.StatusOK, map[string]any{"attempts": list}, err)
}

// replayWebhook queues one event, or the events of a time range, again
// for the endpoint.
func (s *Server) replayWebhook(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "webhook endpoint")
	if !ok {
		return
	}
	var req struct {
		EventID int64      `json:"event_id"`
		From    *time.Time `json:"from"`
		To      *time.Time `json:"to"`
	}
	if err := readWebhookBody(r, &req); err != nil {
		writeError(w, err)
		return
	}
	var rp smstrack.Replay
	switch {
	case req.EventID != 0 && (req.From != nil || req.To != nil):
		writeError(w, smstrack.FieldError("event_id", "name an event_id or a from/to range, not both"))
		return
	case req.EventID != 0:
		rp.EventID = req.EventID
	case req.From == nil || req.To == nil:
		writeError(w, smstrack.FieldError("from", "replay needs event_id, or both from and to"))
		return
	default:
		rp.From, rp.To = *req.From, *req.To
	}
	n, err := s.store.ReplayDeliveries(r.Context(), id, rp)
	s.reply(w, r, http.StatusAccepted, map[string]any{"queued": n}, err)
}

// rotateWebhookSecret gives an endpoint a new secret and answers it, the
// only time it is shown. The old secret keeps signing beside it for the
// grace period (grace_seconds, default a day), so receivers can switch.
func (s *Server) rotateWebhookSecret(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "webhook endpoint")
	if !ok {
		return
	}
	var req struct {
		GraceSeconds *int64 `json:"grace_seconds"`
	}
	if r.ContentLength != 0 {
		if err := readWebhookBody(r, &req); err != nil {
			writeError(w, err)
			return
		}
	}
	grace := smstrack.DefaultSecretGrace
	if req.GraceSeconds != nil {
		if *req.GraceSeconds < 0 || *req.GraceSeconds > int64(smstrack.MaxSecretGrace/time.Second) {
			writeError(w, smstrack.FieldError("grace_seconds", "grace_seconds must be between 0 and %d", int64(smstrack.MaxSecretGrace/time.Second)))
			return
		}
		grace = time.Duration(*req.GraceSeconds) * time.Second
	}
	e, err := s.store.RotateEndpointSecret(r.Context(), id, notify.GenerateSecret(), time.Now().Add(grace))
	s.reply(w, r, http.StatusOK, e, err)
}
