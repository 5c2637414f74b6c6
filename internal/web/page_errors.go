package web

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/insight"
)

func init() {
	page("GET /errors", viewer, (*Server).errorsPage)
}

// errorsData is the errors page: the range's error codes grouped by
// category, each explained, with its trend against the period before.
type errorsData struct {
	Range    rangeForm
	Code     string // the code asked for, when one
	Sent     int64  // outbound messages in the range
	Previous int64  // and in the period before it
	Groups   []errorCategory
	Notice   string
}

// errorCategory is the errors of one category, most frequent first.
type errorCategory struct {
	Category smstrack.ErrorCategory
	Count    int64
	Share    float64
	Parties  []smstrack.Party
	Errors   []errorRow
}

// errorRow is one provider's error code in the range.
type errorRow struct {
	Provider string
	Info     *smstrack.ErrorInfo
	Count    int64
	Share    float64 // of the provider's outbound messages
	Previous int64
	// Trend compares the share with the period before: up or down when a
	// two-proportion z-test says the change is unlikely to be noise, new
	// when it did not occur then, steady otherwise.
	Trend    string
	Messages string // the messages page filtered to the code
}

func (s *Server) errorsPage(w http.ResponseWriter, r *http.Request) {
	q, err := s.parseOverview(r.URL.Query(), "code")
	code := strings.TrimSpace(r.URL.Query().Get("code"))
	d := errorsData{Range: rangeForm{Path: "/errors", Q: q, Ranges: overviewRanges, Code: code}, Code: code}
	if s.answered(w, r, "errors", "Errors", err, d) {
		return
	}
	err = s.readErrors(r, q, &d)
	var ok bool
	if d.Notice, ok = s.rollupNotice(w, r, err); !ok {
		return
	}
	s.render(w, r, http.StatusOK, "errors", view{Title: "Errors", Data: d})
}

// readErrors counts the range's error codes by provider, and the period of
// equal length before it, from the rollups.
func (s *Server) readErrors(r *http.Request, q overviewQuery, d *errorsData) error {
	rd, err := s.rollups(r)
	if err != nil {
		return err
	}
	f := q.outbound()
	cur := insight.Query{From: q.From, To: q.To, GroupBy: []insight.Dimension{insight.DimProvider}, Filter: f}
	from, to, err := rd.RollupRange(cur)
	if err != nil {
		return err
	}
	prev := cur
	prev.From, prev.To = from.Add(-to.Sub(from)), from
	type key struct{ provider, code string }
	counts := map[key][2]int64{}
	sent := map[string][2]int64{} // by provider
	for i, query := range []insight.Query{cur, prev} {
		groups, err := rd.Rollup(r.Context(), query)
		if err != nil {
			return err
		}
		for _, g := range groups {
			p := g.Key[string(insight.DimProvider)]
			n := sent[p]
			n[i] += g.Sent()
			sent[p] = n
			for code, k := range g.Errors {
				c := counts[key{p, code}]
				c[i] += k
				counts[key{p, code}] = c
			}
		}
	}
	for _, n := range sent {
		d.Sent += n[0]
		d.Previous += n[1]
	}
	byCategory := map[smstrack.ErrorCategory]*errorCategory{}
	for k, c := range counts {
		if c[0] == 0 || (d.Code != "" && k.code != d.Code) {
			continue
		}
		info := smstrack.ExplainError(k.provider, k.code)
		row := errorRow{Provider: k.provider, Info: info, Count: c[0], Previous: c[1], Share: share(c[0], sent[k.provider][0]),
			Messages: pageURL("/messages", map[string][]string{"provider": {k.provider}, "error_code": {k.code}})}
		z := insight.TwoProportionZ(c[0], sent[k.provider][0], c[1], sent[k.provider][1])
		switch {
		case c[1] == 0:
			row.Trend = "new"
		case z > insight.Z95:
			row.Trend = "up"
		case z < -insight.Z95:
			row.Trend = "down"
		default:
			row.Trend = "steady"
		}
		g := byCategory[info.Category]
		if g == nil {
			g = &errorCategory{Category: info.Category}
			byCategory[info.Category] = g
		}
		g.Count += row.Count
		g.Errors = append(g.Errors, row)
		if !slices.Contains(g.Parties, info.Responsible) {
			g.Parties = append(g.Parties, info.Responsible)
		}
	}
	for _, g := range byCategory {
		g.Share = share(g.Count, d.Sent)
		slices.SortFunc(g.Errors, func(a, b errorRow) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Info.Code, b.Info.Code))
		})
		d.Groups = append(d.Groups, *g)
	}
	slices.SortFunc(d.Groups, func(a, b errorCategory) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Category, b.Category))
	})
	return nil
}

// share is k/n, 0 when n is 0.
func share(k, n int64) float64 {
	if n == 0 {
		return 0
	}
	return float64(k) / float64(n)
}
