package web

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/insight"
	"github.com/smstrack/smstrack/internal/links"
)

func init() {
	page("GET /links", viewer, (*Server).linksPage)
}

// linksPerPage is how many links one page of the list shows.
const linksPerPage = 50

// linkLister lists links for the console; the store has it.
type linkLister interface {
	RecentLinks(ctx context.Context, limit int, beforeID int64) ([]links.Stats, error)
}

// linksData is the links and conversions page: how outbound messages of
// the range converted, by provider, sender and country, and the tracked
// links with their clicks.
type linksData struct {
	Range       rangeForm
	Conversions []conversionTable
	Totals      conversionRow
	Notice      string
	Links       []links.Stats
	Next, First string
}

// conversionTable is the range's conversions by one dimension.
type conversionTable struct {
	Dim  string
	Rows []conversionRow
}

// conversionRow is the conversion figures of one value of a dimension.
type conversionRow struct {
	Value                 string
	Sent, Delivered       int64
	Converted             int64
	DeliveredNotConverted int64
	Rate                  float64  // converted over sent
	TimeToConvert         *float64 // median, in milliseconds
}

func (s *Server) linksPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	before := q.Get("before")
	q.Del("before")
	o, err := s.parseOverview(q)
	d := linksData{Range: rangeForm{Path: "/links", Q: o, Ranges: overviewRanges}}
	var beforeID int64
	if before != "" {
		if beforeID, err = strconv.ParseInt(before, 10, 64); err != nil || beforeID <= 0 {
			err = smstrack.FieldError("before", "before must be a link's position in the list")
		}
		d.First = pageURL("/links", q)
	}
	if s.answered(w, r, "links", "Links and conversions", err, d) {
		return
	}
	err = s.readConversions(r, o, &d)
	var ok bool
	if d.Notice, ok = s.rollupNotice(w, r, err); !ok {
		return
	}
	if ll, ok := s.store.(linkLister); ok {
		if d.Links, err = ll.RecentLinks(r.Context(), linksPerPage+1, beforeID); err != nil {
			s.fail(w, r, err)
			return
		}
		if len(d.Links) > linksPerPage {
			d.Links = d.Links[:linksPerPage]
			d.Next = withParam("/links", q, "before", strconv.FormatInt(d.Links[linksPerPage-1].ID, 10))
		}
	}
	s.render(w, r, http.StatusOK, "links", view{Title: "Links and conversions", Data: d})
}

// readConversions reads the range's conversions by provider, sender and
// country from the rollups.
func (s *Server) readConversions(r *http.Request, o overviewQuery, d *linksData) error {
	rd, err := s.rollups(r)
	if err != nil {
		return err
	}
	f := o.outbound()
	var total insight.Figures
	for i, dim := range []insight.Dimension{insight.DimProvider, insight.DimSender, insight.DimCountry} {
		groups, err := rd.Rollup(r.Context(), insight.Query{From: o.From, To: o.To, GroupBy: []insight.Dimension{dim}, Filter: f})
		if err != nil {
			return err
		}
		t := conversionTable{Dim: string(dim)}
		for j := range groups {
			g := &groups[j]
			if i == 0 {
				total.Add(&g.Figures, 1)
			}
			t.Rows = append(t.Rows, conversionOf(g.Key[string(dim)], &g.Figures))
		}
		slices.SortFunc(t.Rows, func(a, b conversionRow) int {
			return cmp.Or(cmp.Compare(b.Sent, a.Sent), cmp.Compare(a.Value, b.Value))
		})
		t.Rows = t.Rows[:min(len(t.Rows), topRows)]
		d.Conversions = append(d.Conversions, t)
	}
	d.Totals = conversionOf("", &total)
	return nil
}

// conversionOf is the conversion figures of a set of outbound messages.
func conversionOf(value string, f *insight.Figures) conversionRow {
	return conversionRow{Value: value, Sent: f.Sent(), Delivered: f.Delivered(), Converted: f.Converted,
		DeliveredNotConverted: f.DeliveredUnconverted, Rate: share(f.Converted, f.Sent()), TimeToConvert: quantile(&f.CreatedToConverted, 0.5)}
}
