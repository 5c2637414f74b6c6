package web

import (
	"cmp"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/insight"
	"github.com/smstrack/smstrack/internal/webhook"
)

func init() {
	page("GET /{$}", viewer, (*Server).overviewPage)
	jsonEndpoint("GET /console/data/overview", viewer, (*Server).overviewData)
}

// The overview answers from the rollups (docs/insight.md): merged cells,
// never a scan of the messages, so it costs the same at a thousand
// messages or ten million.

// overviewRange is one choice of the time-range picker and the bucket
// width its charts use.
type overviewRange struct {
	Key   string
	Label string
	Span  time.Duration
	Grain insight.Grain
}

// defaultRange is the range the overview opens with.
const defaultRange = "24h"

// overviewRanges are the picker's ranges.
var overviewRanges = []overviewRange{
	{"1h", "1 hour", time.Hour, insight.Minute},
	{"6h", "6 hours", 6 * time.Hour, insight.Minute},
	{"24h", "24 hours", 24 * time.Hour, insight.Hour},
	{"7d", "7 days", 7 * 24 * time.Hour, insight.Hour},
	{"30d", "30 days", 30 * 24 * time.Hour, insight.Day},
}

// breakdownDims are the dimensions the overview breaks the range down by.
var breakdownDims = []insight.Dimension{insight.DimProvider, insight.DimSender, insight.DimCountry, insight.DimCarrier}

// topRows bounds the rows of each breakdown table.
const topRows = 10

// topErrorSeries is how many error codes get a line of their own on the
// errors chart; the rest share one.
const topErrorSeries = 4

// overviewQuery is the overview's range and filters, read from the URL.
type overviewQuery struct {
	Range                              string // a key of overviewRanges, or "custom"
	From, To                           time.Time
	Grain                              insight.Grain
	Live                               bool // the range ends now: the page polls for updates
	Provider, Sender, Country, Carrier string
	// FromText and ToText are the custom range as typed, for the form.
	FromText, ToText string
}

// filter is the rollup filter of the query's dimensions.
func (q overviewQuery) filter() insight.Filter {
	return insight.Filter{Provider: q.Provider, Sender: q.Sender, Country: q.Country, Carrier: q.Carrier}
}

// outbound is the filter of the query's outbound messages, which the
// breakdowns, errors and conversions count.
func (q overviewQuery) outbound() insight.Filter {
	f := q.filter()
	f.Direction = string(smstrack.Outbound)
	return f
}

// values are the query's parameters, for links that keep them.
func (q overviewQuery) values() url.Values {
	v := url.Values{"provider": {q.Provider}, "sender": {q.Sender}, "country": {q.Country}, "carrier": {q.Carrier}}
	if q.Range == "custom" {
		v.Set("from", q.FromText)
		v.Set("to", q.ToText)
	} else if q.Range != defaultRange {
		v.Set("range", q.Range)
	}
	return v
}

// rangeLink is the page at path over one of the picker's ranges, with
// the same filters.
func rangeLink(path string, q overviewQuery, key string) string {
	v := url.Values{"provider": {q.Provider}, "sender": {q.Sender}, "country": {q.Country}, "carrier": {q.Carrier}}
	if key != defaultRange {
		v.Set("range", key)
	}
	return pageURL(path, v)
}

// parseOverview reads the range and filters of the overview, which the
// errors page shares; extra names the parameters a page adds.
func (s *Server) parseOverview(q url.Values, extra ...string) (overviewQuery, error) {
	o := overviewQuery{Provider: strings.TrimSpace(q.Get("provider")), Sender: strings.TrimSpace(q.Get("sender")),
		Country: strings.ToUpper(strings.TrimSpace(q.Get("country"))), Carrier: strings.TrimSpace(q.Get("carrier")),
		FromText: q.Get("from"), ToText: q.Get("to")}
	if err := checkParams(q, append([]string{"range", "from", "to", "provider", "sender", "country", "carrier"}, extra...)...); err != nil {
		return o, err
	}
	now := s.opts.Now().UTC()
	key := cmp.Or(q.Get("range"), defaultRange)
	i := slices.IndexFunc(overviewRanges, func(r overviewRange) bool { return r.Key == key })
	if i < 0 {
		return o, smstrack.FieldError("range", "range must be one of 1h, 6h, 24h, 7d or 30d")
	}
	rg := overviewRanges[i]
	o.Range, o.To, o.From, o.Grain, o.Live = rg.Key, now, now.Add(-rg.Span), rg.Grain, true
	if strings.TrimSpace(o.FromText) != "" || strings.TrimSpace(o.ToText) != "" {
		from, err := parseWhen("from", o.FromText)
		if err != nil {
			return o, err
		}
		to := now
		if strings.TrimSpace(o.ToText) != "" {
			if to, err = parseWhen("to", o.ToText); err != nil {
				return o, err
			}
		}
		if !from.Before(to) {
			return o, smstrack.FieldError("from", "the start must be before the end")
		}
		o.Range, o.From, o.To, o.Live = "custom", from, to, to.Equal(now) || to.After(now)
		o.FromText, o.ToText = from.Format(localTimeLayout), ""
		if strings.TrimSpace(q.Get("to")) != "" {
			o.ToText = to.Format(localTimeLayout)
		}
		o.Grain = grainFor(to.Sub(from))
	}
	if o.Country != "" && (len(o.Country) != 2 || strings.Trim(o.Country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "") {
		return o, smstrack.FieldError("country", "country must be an ISO 3166 alpha-2 code such as GB")
	}
	return o, nil
}

// grainFor picks the bucket width of a custom range: a few hundred points
// at most (6 hours by minute, 14 days by hour), within what the rollups keep.
func grainFor(span time.Duration) insight.Grain {
	switch {
	case span <= 6*time.Hour:
		return insight.Minute
	case span <= 14*24*time.Hour:
		return insight.Hour
	}
	return insight.Day
}

// overview is what the overview shows, and what its live updates carry.
type overview struct {
	From    time.Time     `json:"from"`
	To      time.Time     `json:"to"`
	Grain   string        `json:"grain"`
	Totals  overviewKPIs  `json:"totals"`
	Series  overviewChart `json:"series"`
	Codes   []string      `json:"codes"` // the error codes of Series.Errors, in order
	Explain []string      `json:"explain"`
	Tables  []breakdown   `json:"tables"`
	Updated time.Time     `json:"updated"`
}

// overviewKPIs are the figures of the whole range.
type overviewKPIs struct {
	Sent         int64    `json:"sent"`
	Delivered    int64    `json:"delivered"`
	Failed       int64    `json:"failed"` // failed and undelivered
	Pending      int64    `json:"pending"`
	Received     int64    `json:"received"`
	DeliveryRate *float64 `json:"delivery_rate"`
	P50          *float64 `json:"p50_ms"`
	P90          *float64 `json:"p90_ms"`
	P99          *float64 `json:"p99_ms"`
	Errors       int64    `json:"errors"`
}

// overviewChart is the charts' data, column by column as uPlot takes it:
// one time (Unix seconds) per bucket and one value per bucket in each
// series; null where there is nothing to show.
type overviewChart struct {
	Time         []int64    `json:"time"`
	Sent         []int64    `json:"sent"`
	Delivered    []int64    `json:"delivered"`
	Failed       []int64    `json:"failed"`
	Received     []int64    `json:"received"`
	DeliveryRate []*float64 `json:"delivery_rate"` // percent
	P50          []*float64 `json:"p50"`           // seconds
	P90          []*float64 `json:"p90"`
	P99          []*float64 `json:"p99"`
	Errors       [][]int64  `json:"errors"` // one series per code of Codes, then the others
	errorsByCode []map[string]int64
}

// breakdown is one table of the overview: the range by one dimension.
type breakdown struct {
	Dim   string         `json:"dim"`
	Title string         `json:"title"`
	Rows  []breakdownRow `json:"rows"`
	More  int            `json:"more"` // rows left out
}

// breakdownRow is one value of a breakdown's dimension.
type breakdownRow struct {
	Value        string   `json:"value"`
	Link         string   `json:"link"` // the overview filtered to it
	Sent         int64    `json:"sent"`
	Share        float64  `json:"share"` // of the range's sent messages
	DeliveryRate *float64 `json:"delivery_rate"`
	P90          *float64 `json:"p90_ms"`
	Failed       int64    `json:"failed"`
	TopError     string   `json:"top_error"`
}

// readOverview runs the overview's rollup queries: the series by
// direction, then one breakdown per dimension.
func (s *Server) readOverview(r *http.Request, q overviewQuery) (*overview, error) {
	rd, err := s.rollups(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	f := q.filter()
	series := insight.Query{From: q.From, To: q.To, Interval: q.Grain, GroupBy: []insight.Dimension{insight.DimDirection}, Filter: f}
	groups, err := rd.Rollup(ctx, series)
	if smstrack.ErrorCode(err) == smstrack.EINVALID && q.Grain == insight.Minute {
		// Minutes are kept for a while, and not by sender: hours then.
		series.Interval, q.Grain = insight.Hour, insight.Hour
		groups, err = rd.Rollup(ctx, series)
	}
	if err != nil {
		return nil, err
	}
	from, to, err := rd.RollupRange(series)
	if err != nil {
		return nil, err
	}
	o := &overview{From: from, To: to, Grain: q.Grain.String(), Updated: s.opts.Now().UTC(), Codes: []string{}, Explain: []string{}}
	o.Series, o.Totals = chartOf(groups, from, to, q.Grain)

	out := q.outbound()
	for _, d := range breakdownDims {
		gs, err := rd.Rollup(ctx, insight.Query{From: q.From, To: q.To, GroupBy: []insight.Dimension{d}, Filter: out})
		if err != nil {
			return nil, err
		}
		o.Tables = append(o.Tables, breakdownOf(d, gs, o.Totals.Sent, q))
	}
	// Codes are the provider's own: they are explained when the traffic
	// shown is one provider's.
	provider := q.Provider
	if byProvider := o.Tables[0].Rows; provider == "" && len(byProvider) == 1 {
		provider = byProvider[0].Value
	}
	o.Codes, o.Explain = o.Series.splitErrors(provider)
	return o, nil
}

// rollups returns the store's rollup reader, brought up to date, or an
// error saying why the overview cannot be drawn.
func (s *Server) rollups(r *http.Request) (insight.Reader, error) {
	rd, ok := s.store.(insight.Reader)
	if !ok {
		return nil, smstrack.Errorf(smstrack.EUNAVAILABLE, "this store keeps no rollups")
	}
	if !rd.RollupsOn() {
		return nil, smstrack.Errorf(smstrack.EUNAVAILABLE, "the rollups are off (SMSTRACK_ROLLUPS=off): turn them on and run `smstrack rollups rebuild`")
	}
	if err := rd.CatchUpRollups(r.Context()); err != nil {
		return nil, err
	}
	return rd, nil
}

// chartOf lays the per-bucket groups out as chart columns, every bucket
// of the range present, and adds them up into the range's figures.
func chartOf(groups []insight.Group, from, to time.Time, g insight.Grain) (overviewChart, overviewKPIs) {
	var c overviewChart
	index := map[int64]int{}
	for t := from; t.Before(to); t = t.Add(g.Duration()) {
		index[t.Unix()] = len(c.Time)
		c.Time = append(c.Time, t.Unix())
	}
	n := len(c.Time)
	c.Sent, c.Delivered, c.Failed, c.Received = make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	c.DeliveryRate, c.P50, c.P90, c.P99 = make([]*float64, n), make([]*float64, n), make([]*float64, n), make([]*float64, n)
	c.errorsByCode = make([]map[string]int64, n)
	outbound := make([]insight.Figures, n)
	var total insight.Figures
	var received int64
	for i := range groups {
		gr := &groups[i]
		k, ok := index[gr.Bucket.Unix()]
		if !ok {
			continue
		}
		if gr.Key[string(insight.DimDirection)] == string(smstrack.Inbound) {
			c.Received[k] += gr.Messages
			received += gr.Messages
			continue
		}
		outbound[k].Add(&gr.Figures, 1)
		total.Add(&gr.Figures, 1)
	}
	for k := range outbound {
		f := &outbound[k]
		c.Sent[k], c.Delivered[k], c.Failed[k] = f.Sent(), f.Delivered(), f.Failed()+f.Undelivered()
		if rate, _, _, ok := f.DeliveryRate(); ok {
			c.DeliveryRate[k] = new(rate * 100)
		}
		c.P50[k], c.P90[k], c.P99[k] = seconds(&f.SentToDelivered, 0.5), seconds(&f.SentToDelivered, 0.9), seconds(&f.SentToDelivered, 0.99)
		c.errorsByCode[k] = f.Errors
	}
	kpi := overviewKPIs{Sent: total.Sent(), Delivered: total.Delivered(), Failed: total.Failed() + total.Undelivered(),
		Pending: total.Pending(), Received: received,
		P50: quantile(&total.SentToDelivered, 0.5), P90: quantile(&total.SentToDelivered, 0.9), P99: quantile(&total.SentToDelivered, 0.99)}
	if rate, _, _, ok := total.DeliveryRate(); ok {
		kpi.DeliveryRate = &rate
	}
	for _, n := range total.Errors {
		kpi.Errors += n
	}
	return c, kpi
}

// splitErrors makes the errors chart's series: the most frequent codes of
// the range one each, the rest together; it returns the codes and their
// explanations (by provider, when the overview is narrowed to one).
func (c *overviewChart) splitErrors(provider string) (codes, explain []string) {
	totals := map[string]int64{}
	for _, m := range c.errorsByCode {
		for code, n := range m {
			totals[code] += n
		}
	}
	for code := range totals {
		codes = append(codes, code)
	}
	slices.SortFunc(codes, func(a, b string) int { return cmp.Or(cmp.Compare(totals[b], totals[a]), cmp.Compare(a, b)) })
	others := len(codes) > topErrorSeries
	codes = codes[:min(len(codes), topErrorSeries)]
	c.Errors = make([][]int64, len(codes)+1)
	for i := range c.Errors {
		c.Errors[i] = make([]int64, len(c.Time))
	}
	for k, m := range c.errorsByCode {
		for code, n := range m {
			i := slices.Index(codes, code)
			if i < 0 {
				i = len(codes)
			}
			c.Errors[i][k] += n
		}
	}
	if !others {
		c.Errors = c.Errors[:len(codes)]
	}
	explain = make([]string, len(codes))
	for i, code := range codes {
		explain[i] = code
		if info := smstrack.ExplainError(provider, code); provider != "" && info.Category != smstrack.CategoryUnknown {
			explain[i] = code + " " + info.Title
		}
	}
	return append([]string{}, codes...), explain
}

// quantile is a latency percentile in milliseconds; nil without samples.
func quantile(s *insight.Sketch, p float64) *float64 {
	v, ok := s.Quantile(p)
	if !ok {
		return nil
	}
	return &v
}

// seconds is a latency percentile in seconds, for the chart's axis.
func seconds(s *insight.Sketch, p float64) *float64 {
	v := quantile(s, p)
	if v != nil {
		*v /= 1000
	}
	return v
}

// breakdownOf ranks the values of one dimension by messages sent.
func breakdownOf(d insight.Dimension, groups []insight.Group, sent int64, q overviewQuery) breakdown {
	b := breakdown{Dim: string(d), Title: breakdownTitles[d], Rows: []breakdownRow{}}
	slices.SortStableFunc(groups, func(a, b insight.Group) int { return cmp.Compare(b.Sent(), a.Sent()) })
	if len(groups) > topRows {
		b.More, groups = len(groups)-topRows, groups[:topRows]
	}
	for i := range groups {
		g := &groups[i]
		value := g.Key[string(d)]
		row := breakdownRow{Value: value, Sent: g.Sent(), Failed: g.Failed() + g.Undelivered(), P90: quantile(&g.SentToDelivered, 0.9)}
		if sent > 0 {
			row.Share = float64(row.Sent) / float64(sent)
		}
		if rate, _, _, ok := g.DeliveryRate(); ok {
			row.DeliveryRate = &rate
		}
		var top int64
		for code, n := range g.Errors {
			if n > top || (n == top && code < row.TopError) {
				row.TopError, top = code, n
			}
		}
		link := q.values()
		link.Set(string(d), value)
		row.Link = pageURL("/", link)
		b.Rows = append(b.Rows, row)
	}
	return b
}

// breakdownTitles head the breakdown tables.
var breakdownTitles = map[insight.Dimension]string{insight.DimProvider: "By provider", insight.DimSender: "By sender",
	insight.DimCountry: "By country", insight.DimCarrier: "By carrier"}

// rangeForm is what the range picker and filters draw (partials/range.html).
type rangeForm struct {
	Path   string // the page the form is on
	Q      overviewQuery
	Ranges []overviewRange
	Code   string      // the errors page's code, kept across ranges
	Lists  []breakdown // values offered in the filters
}

// Filtered reports whether a dimension filter is set.
func (q overviewQuery) Filtered() bool {
	return q.Provider != "" || q.Sender != "" || q.Country != "" || q.Carrier != ""
}

// overviewData is what the overview's page carries besides its data.
type overviewData struct {
	Q        overviewQuery
	Range    rangeForm
	O        *overview
	JSON     template.JS // O, for the charts' script: encoding/json escapes <, > and &
	Endpoint string      // where the script polls for updates
	Notice   string      // why there is nothing to show, when rollups are off
	Filtered bool
}

func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request) {
	q, err := s.parseOverview(r.URL.Query())
	d := overviewData{Q: q, Range: rangeForm{Path: "/", Q: q, Ranges: overviewRanges}, Filtered: q.Filtered()}
	if s.answered(w, r, "overview", "Overview", err, d) {
		return
	}
	d.O, err = s.readOverview(r, q)
	if smstrack.ErrorCode(err) == smstrack.EUNAVAILABLE {
		d.Notice = smstrack.ErrorMessage(err)
		s.render(w, r, http.StatusOK, "overview", view{Title: "Overview", Data: d})
		return
	} else if s.answered(w, r, "overview", "Overview", err, d) {
		return
	}
	d.Range.Lists = d.O.Tables
	b, err := json.Marshal(d.O)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.JSON = template.JS(b)
	d.Endpoint = pageURL("/console/data/overview", q.values())
	s.render(w, r, http.StatusOK, "overview", view{Title: "Overview", Data: d})
}

// overviewData answers the overview's live updates: the same figures as
// the page, as JSON.
func (s *Server) overviewData(w http.ResponseWriter, r *http.Request) {
	q, err := s.parseOverview(r.URL.Query())
	if err != nil {
		webhook.WriteError(w, http.StatusBadRequest, err)
		return
	}
	o, err := s.readOverview(r, q)
	if err != nil {
		status := webhook.StatusFor(err)
		if smstrack.ErrorCode(err) == smstrack.EUNAVAILABLE {
			status = http.StatusServiceUnavailable
		} else if status >= 500 {
			s.log.Error("console: overview data", "err", err)
			err = smstrack.Errorf(smstrack.EINTERNAL, "the overview could not be read: the server log says why")
		}
		webhook.WriteError(w, status, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(o)
}
