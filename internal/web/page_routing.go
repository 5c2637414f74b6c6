package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/routing"
)

func init() {
	page("GET /routing", viewer, (*Server).routingPage)
}

// routingData is the routing page: the destination asked about and the
// advice for it.
type routingData struct {
	To, Country, Carrier, Days string // the form as typed
	Advice                     *routing.Advice
	Notice                     string
}

func (s *Server) routingPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := routingData{To: q.Get("to"), Country: q.Get("country"), Carrier: q.Get("carrier"), Days: q.Get("days")}
	dest, days, asked, err := s.destination(q)
	if s.answered(w, r, "routing", "Routing", err, d) {
		return
	}
	if !asked {
		s.render(w, r, http.StatusOK, "routing", view{Title: "Routing", Data: d})
		return
	}
	d.Advice, err = s.advise(r, dest, days)
	var ok bool
	if d.Notice, ok = s.rollupNotice(w, r, err); !ok {
		return
	}
	s.render(w, r, http.StatusOK, "routing", view{Title: "Routing", Data: d})
}

// destination reads where advice is asked for: a number, or a country and
// optionally a carrier; asked is false for the empty form.
func (s *Server) destination(q url.Values) (dest routing.Destination, days int, asked bool, err error) {
	if err := checkParams(q, "to", "country", "carrier", "days"); err != nil {
		return dest, 0, false, err
	}
	number, country, carrier := strings.TrimSpace(q.Get("to")), strings.ToUpper(strings.TrimSpace(q.Get("country"))), strings.TrimSpace(q.Get("carrier"))
	days = routing.DefaultDays
	if v := strings.TrimSpace(q.Get("days")); v != "" {
		if days, err = strconv.Atoi(v); err != nil || days < 1 || days > routing.MaxDays {
			return dest, 0, false, smstrack.FieldError("days", "days must be a whole number from 1 to %d", routing.MaxDays)
		}
	}
	if number == "" && country == "" && carrier == "" {
		return dest, days, false, nil
	}
	dest, err = routing.ParseDestination(number, country, carrier, s.opts.DefaultRegion)
	return dest, days, err == nil, err
}

// advise ranks the routes, providers and senders that recently sent to
// dest, from the rollups; a carrier without traffic widens to its country.
func (s *Server) advise(r *http.Request, dest routing.Destination, days int) (*routing.Advice, error) {
	rd, err := s.rollups(r)
	if err != nil {
		return nil, err
	}
	to := s.opts.Now().UTC()
	return routing.AdviseFrom(r.Context(), rd, dest, to.Add(-time.Duration(days)*24*time.Hour), to)
}

// candidateTable is one table of the routing page.
type candidateTable struct {
	Title       string
	Column      string // what one row is
	List        []routing.Candidate
	Conversions bool // the destination's conversions are compared
}

// candidates makes a candidateTable in a template.
func candidates(title, column string, list []routing.Candidate, conversions bool) candidateTable {
	return candidateTable{title, column, list, conversions}
}
