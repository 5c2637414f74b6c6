package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/smstrack/smstrack"
)

func init() {
	page("GET /alerts", viewer, (*Server).alertsPage)
	page("GET /alerts/{id}", viewer, (*Server).alertPage)
}

// alertsData is the alerts list: open ones first by default, or every
// alert of one state or dimension.
type alertsData struct {
	State, Dimension string // the filters as chosen
	Dimensions       []smstrack.AlertDimension
	Alerts           []smstrack.Alert
	Next, First      string
}

func (s *Server) alertsPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := alertsData{State: q.Get("state"), Dimension: q.Get("dimension"), Dimensions: smstrack.AlertDimensions}
	cursor := q.Get("cursor")
	q.Del("cursor")
	if cursor != "" {
		d.First = pageURL("/alerts", q)
	}
	f, err := alertFilter(q)
	if s.answered(w, r, "alerts", "Alerts", err, d) {
		return
	}
	f.Cursor = cursor
	list, next, err := s.store.ListAlerts(r.Context(), f)
	if s.answered(w, r, "alerts", "Alerts", err, d) {
		return
	}
	d.Alerts = list
	if next != "" {
		d.Next = withParam("/alerts", q, "cursor", next)
	}
	s.render(w, r, http.StatusOK, "alerts", view{Title: "Alerts", Data: d})
}

// alertFilter reads the alerts list's filters.
func alertFilter(q url.Values) (smstrack.AlertFilter, error) {
	var f smstrack.AlertFilter
	if err := checkParams(q, "state", "dimension", "cursor"); err != nil {
		return f, err
	}
	switch st := smstrack.AlertState(strings.TrimSpace(q.Get("state"))); st {
	case "", smstrack.AlertOpen, smstrack.AlertResolved:
		f.State = st
	default:
		return f, smstrack.FieldError("state", "state must be open or resolved")
	}
	if v := strings.TrimSpace(q.Get("dimension")); v != "" {
		dim, err := smstrack.ParseAlertDimension(v)
		if err != nil {
			return f, err
		}
		f.Dimension = dim
	}
	return f, nil
}

// alertData is one alert with its evidence, and where to look next.
type alertData struct {
	A        *smstrack.Alert
	Keys     []tag  // the alert's key, in order
	Messages string // the messages page narrowed to what the alert is about
	Overview string // the overview narrowed the same way
	Errors   string // the errors page narrowed the same way, for error-rate alerts
}

func (s *Server) alertPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	a, err := s.store.GetAlert(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := alertData{A: a, Keys: sortedTags(a.Key)}
	narrow := url.Values{}
	for _, k := range []string{"provider", "sender", "country", "carrier"} {
		if v := a.Key[k]; v != "" {
			narrow.Set(k, v)
		}
	}
	ov := url.Values{"from": {a.Evidence.WindowFrom.Add(-a.Evidence.WindowTo.Sub(a.Evidence.WindowFrom) * 6).UTC().Format(localTimeLayout)}}
	for k, v := range narrow {
		ov[k] = v
	}
	d.Overview = pageURL("/", ov)
	if a.Metric.ErrorCategory() != "" {
		d.Errors = pageURL("/errors", ov)
	}
	mq := url.Values{"direction": {"outbound"}, "provider": {narrow.Get("provider")}, "from": {narrow.Get("sender")},
		"country": {narrow.Get("country")}, "carrier": {narrow.Get("carrier")},
		"created_after": {a.Evidence.WindowFrom.UTC().Format(localTimeLayout)}}
	d.Messages = pageURL("/messages", mq)
	s.render(w, r, http.StatusOK, "alert", view{Title: "Alert " + a.Summary, Data: d})
}

// alertValue writes a figure of an alert's evidence: a latency in
// milliseconds for latency alerts, a share for the others.
func alertValue(m smstrack.AlertMetric, v float64) string {
	if m == smstrack.MetricLatencyP90 {
		return formatMillis(v)
	}
	return formatShare(v)
}
