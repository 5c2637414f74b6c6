package api

import (
	"net/http"
	"strconv"

	"github.com/smstrack/smstrack"
)

// alertParams are the query parameters of GET /api/v1/alerts.
var alertParams = map[string]bool{"state": true, "dimension": true, "metric": true, "since": true, "limit": true, "cursor": true}

// listAlerts answers the health alerts, newest first: GET /api/v1/alerts
// with state (open, resolved), dimension, metric, since (open at some time
// since then), limit and cursor.
func (s *Server) listAlerts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for k := range q {
		if !alertParams[k] {
			writeError(w, smstrack.FieldError(k, "unknown query parameter %q: use state, dimension, metric, since, limit or cursor", k))
			return
		}
	}
	f := smstrack.AlertFilter{Metric: smstrack.AlertMetric(q.Get("metric")), Cursor: q.Get("cursor")}
	switch st := smstrack.AlertState(q.Get("state")); st {
	case "", smstrack.AlertOpen, smstrack.AlertResolved:
		f.State = st
	default:
		writeError(w, smstrack.FieldError("state", "state must be open or resolved"))
		return
	}
	if v := q.Get("dimension"); v != "" {
		d, err := smstrack.ParseAlertDimension(v)
		if err != nil {
			writeError(w, err)
			return
		}
		f.Dimension = d
	}
	var err error
	if v := q.Get("since"); v != "" {
		if f.Since, err = parseTime("since", v); err != nil {
			writeError(w, err)
			return
		}
	}
	if f.Limit, err = pageLimit(q); err != nil {
		writeError(w, err)
		return
	}
	alerts, next, err := s.store.ListAlerts(r.Context(), f)
	s.reply(w, r, http.StatusOK, map[string]any{"alerts": alerts, "next_cursor": next}, err)
}

// getAlert answers one alert with its evidence: GET /api/v1/alerts/{id}.
func (s *Server) getAlert(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, smstrack.FieldError("id", "alert id must be a positive whole number"))
		return
	}
	a, err := s.store.GetAlert(r.Context(), id)
	s.reply(w, r, http.StatusOK, a, err)
}
