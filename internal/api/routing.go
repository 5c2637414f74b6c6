package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/insight"
	"github.com/smstrack/smstrack/internal/phone"
	"github.com/smstrack/smstrack/internal/routing"
)

// routingParams are the query parameters of GET /api/v1/routing/advice.
var routingParams = map[string]bool{"to": true, "country": true, "carrier": true, "days": true}

// Bounds of the advice's look-back, in days.
const (
	defaultAdviceDays = 7
	maxAdviceDays     = 90
)

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
	from := to.Add(-time.Duration(days) * 24 * time.Hour)
	query := func(carrier string) ([]insight.Group, error) {
		return rd.Rollup(r.Context(), insight.Query{From: from, To: to,
			GroupBy: []insight.Dimension{insight.DimProvider, insight.DimSender, insight.DimCarrier},
			Filter:  insight.Filter{Direction: string(smstrack.Outbound), Country: dest.Country, Carrier: carrier}})
	}
	groups, err := query(dest.Carrier)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var note string
	if len(groups) == 0 && dest.Carrier != "" {
		// The number's range carrier may be named differently by the
		// provider, or the number ported: the country still says much.
		note = fmt.Sprintf("no outbound messages to carrier %q in %s recorded: advice for the whole country", dest.Carrier, dest.Country)
		if groups, err = query(""); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	advice := routing.Advise(dest, from, to, groups)
	if note != "" {
		advice.Notes = append([]string{note}, advice.Notes...)
	}
	writeJSON(w, http.StatusOK, advice)
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
	days, err := queryInt(q, "days", defaultAdviceDays)
	if err != nil {
		return dest, 0, err
	}
	if days < 1 || days > maxAdviceDays {
		return dest, 0, smstrack.FieldError("days", "days must be between 1 and %d", maxAdviceDays)
	}
	number, country, carrier := get("to"), strings.ToUpper(get("country")), get("carrier")
	switch {
	case number != "" && (country != "" || carrier != ""):
		return dest, 0, smstrack.FieldError("to", "give to, or country (and carrier), not both")
	case number != "":
		info, ok := phone.Lookup(number, s.opts.DefaultRegion)
		if !ok || info.Country == "" {
			return dest, 0, smstrack.FieldError("to", "to must be a phone number, such as +447700900123")
		}
		return routing.Destination{Number: info.E164, Country: info.Country, Carrier: info.Carrier, NumberType: info.NumberType}, days, nil
	case country == "":
		return dest, 0, smstrack.FieldError("to", "say where to: to=<number>, or country=<ISO 3166 alpha-2> (and carrier=<name>)")
	case len(country) != 2 || strings.Trim(country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "":
		return dest, 0, smstrack.FieldError("country", "country must be an ISO 3166 alpha-2 code such as GB")
	}
	return routing.Destination{Country: country, Carrier: carrier}, days, nil
}
