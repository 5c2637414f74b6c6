package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/notify"
)

func init() {
	page("GET /settings/webhooks", viewer, (*Server).webhooksPage)
	page("POST /settings/webhooks", admin, (*Server).createWebhook)
	page("GET /settings/webhooks/{id}", viewer, (*Server).webhookPage)
	page("POST /settings/webhooks/{id}/enable", admin, (*Server).enableWebhook)
	page("POST /settings/webhooks/{id}/disable", admin, (*Server).disableWebhook)
	page("POST /settings/webhooks/{id}/delete", admin, (*Server).deleteWebhook)
	page("POST /settings/webhooks/{id}/replay", admin, (*Server).replayWebhook)
}

// deliveryLogSize is how many attempts an endpoint's page shows.
const deliveryLogSize = 100

var webhookFlashes = map[string]string{
	"enabled":  "The endpoint is enabled: new events are delivered to it again.",
	"disabled": "The endpoint is disabled: no events are delivered to it until it is enabled.",
	"deleted":  "The endpoint and its delivery log are deleted.",
	"replayed": "The event is queued for delivery again.",
}

// webhooksData is what the endpoints page shows; Secret only right after
// an endpoint is created.
type webhooksData struct {
	Endpoints  []smstrack.Endpoint
	EventTypes []string
	Created    *smstrack.Endpoint
	Secret     string
	URL        string   // the URL typed, kept when the form is refused
	Checked    []string // the event types ticked, likewise
}

func (s *Server) webhooksPage(w http.ResponseWriter, r *http.Request) {
	s.renderWebhooks(w, r, http.StatusOK, view{Flash: doneMessage(r, webhookFlashes)}, webhooksData{})
}

func (s *Server) renderWebhooks(w http.ResponseWriter, r *http.Request, status int, v view, d webhooksData) {
	list, err := s.store.ListEndpoints(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Endpoints, d.EventTypes = list, smstrack.EventTypes
	v.Title, v.Data = "Webhooks", d
	s.render(w, r, status, "settings_webhooks", v)
}

// createWebhook registers an endpoint and shows its signing secret in the
// answer itself, the only time it is shown.
func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	e := smstrack.Endpoint{URL: strings.TrimSpace(r.PostFormValue("url")), EventTypes: r.PostForm["event_types"], Secret: notify.GenerateSecret()}
	created, err := s.store.CreateEndpoint(r.Context(), e)
	if smstrack.ErrorCode(err) == smstrack.EINVALID {
		s.renderWebhooks(w, r, http.StatusBadRequest, view{Error: smstrack.ErrorMessage(err)}, webhooksData{URL: e.URL, Checked: e.EventTypes})
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("console: webhook endpoint created", "endpoint", created.ID, "url", created.URL, "by", userOf(r).Email)
	s.renderWebhooks(w, r, http.StatusCreated, view{}, webhooksData{Created: created, Secret: e.Secret})
}

// webhookData is what an endpoint's page shows: the endpoint and its
// delivery log, newest first.
type webhookData struct {
	Endpoint *smstrack.Endpoint
	Attempts []smstrack.DeliveryAttempt
}

func (s *Server) webhookPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	e, err := s.store.GetEndpoint(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	attempts, err := s.store.ListAttempts(r.Context(), id, deliveryLogSize)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "settings_webhook", view{Title: "Webhook " + e.URL, Flash: doneMessage(r, webhookFlashes),
		Data: webhookData{Endpoint: e, Attempts: attempts}})
}

func (s *Server) enableWebhook(w http.ResponseWriter, r *http.Request) {
	s.setWebhookEnabled(w, r, true)
}
func (s *Server) disableWebhook(w http.ResponseWriter, r *http.Request) {
	s.setWebhookEnabled(w, r, false)
}

func (s *Server) setWebhookEnabled(w http.ResponseWriter, r *http.Request, enabled bool) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	reason := ""
	if !enabled {
		reason = "disabled in the console by " + userOf(r).Email
	}
	if _, err := s.store.SetEndpointEnabled(r.Context(), id, enabled, reason); err != nil {
		s.fail(w, r, err)
		return
	}
	done := map[bool]string{true: "enabled", false: "disabled"}[enabled]
	s.log.Info("console: webhook endpoint "+done, "endpoint", id, "by", userOf(r).Email)
	http.Redirect(w, r, "/settings/webhooks?done="+done, http.StatusSeeOther)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	if err := s.store.DeleteEndpoint(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("console: webhook endpoint deleted", "endpoint", id, "by", userOf(r).Email)
	http.Redirect(w, r, "/settings/webhooks?done=deleted", http.StatusSeeOther)
}

// replayWebhook queues one event of the delivery log again for the endpoint.
func (s *Server) replayWebhook(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	event, err := strconv.ParseInt(r.PostFormValue("event_id"), 10, 64)
	if err != nil || event <= 0 {
		s.deny(w, r, http.StatusBadRequest, "Name the event to replay by its number.")
		return
	}
	if _, err := s.store.ReplayDeliveries(r.Context(), id, smstrack.Replay{EventID: event}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("console: webhook event replayed", "endpoint", id, "event", event, "by", userOf(r).Email)
	http.Redirect(w, r, "/settings/webhooks/"+strconv.FormatInt(id, 10)+"?done=replayed", http.StatusSeeOther)
}
