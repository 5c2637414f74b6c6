package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/routing"
)

// routingParams are the query parameters of GET /api/v1/routing/advice.
var routingParams = map[string]bool{"to": true, "country": true, "carrier": true, "days": true}

// routingAdvice ranks the routes, providers and senders of a destination
// (a number, or a country and optionally a carrier) by their recent
// figures from the rollups: GET /api/v1/routing/advice.
func (s *Server) routingAdvice(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	dest, days, err := s.parseDestination(q)
	if err != nil {
		writeError(w, err)
		return
	}
	rd, err := s.rollups(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	to := time.Now().UTC()
	advice, err := routing.AdviseFrom(r.Context(), rd, dest, to.Add(-time.Duration(days)*24*time.Hour), to)
	s.reply(w, r, http.StatusOK, advice, err)
}

// parseDestination reads where the advice is for, and over how many days.
func (s *Server) parseDestination(q map[string][]string) (routing.Destination, int, error) {
	var dest routing.Destination
	for k := range q {
		if !routingParams[k] {
			return dest, 0, smstrack.FieldError(k, "unknown query parameter %q: use to, or country and carrier, and days", k)
		}
	}
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	days, err := queryInt(q, "days", routing.DefaultDays)
	if err != nil {
		return dest, 0, err
	}
	if days < 1 || days > routing.MaxDays {
		return dest, 0, smstrack.FieldError("days", "days must be between 1 and %d", routing.MaxDays)
	}
	dest, err = routing.ParseDestination(get("to"), get("country"), get("carrier"), s.opts.DefaultRegion)
	return dest, days, err
}
