package api

import (
	"cmp"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/insight"
	"github.com/smstrack/smstrack/internal/webhook"
)

// The stats endpoints answer from the rollups (internal/insight,
// docs/insight.md): merged cells, never a scan of the messages, so they cost
// the same at ten thousand messages or ten million.

// defaultStatsRange is the range of a stats query without from.
const defaultStatsRange = 24 * time.Hour

// statsParams are the query parameters every stats endpoint takes.
var statsParams = map[string]bool{"group_by": true, "interval": true, "from": true, "to": true, "account": true,
	"provider": true, "direction": true, "sender": true, "country": true, "carrier": true, "tag": true}

// statsRequest is a parsed stats query.
type statsRequest struct {
	q insight.Query
}

// parseStats reads the stats parameters of q; extra names the parameters
// the endpoint adds, and defaultFrom is used when from is absent.
func parseStats(q url.Values, extra []string, now time.Time, defaultFrom func(to time.Time) time.Time) (*statsRequest, error) {
	if err := checkParams(q, statsParams, extra...); err != nil {
		return nil, err
	}
	req := &statsRequest{}
	var err error
	if req.q.GroupBy, err = insight.ParseDimensions(strings.Join(q["group_by"], ",")); err != nil {
		return nil, err
	}
	if req.q.Interval, err = insight.ParseGrain(q.Get("interval")); err != nil {
		return nil, err
	}
	req.q.To = now
	if v := q.Get("to"); v != "" {
		if req.q.To, err = parseTime("to", v); err != nil {
			return nil, err
		}
	}
	req.q.From = defaultFrom(req.q.To)
	if v := q.Get("from"); v != "" {
		if req.q.From, err = parseTime("from", v); err != nil {
			return nil, err
		}
	}
	if !req.q.From.Before(req.q.To) {
		return nil, smstrack.FieldError("from", "from must be before to")
	}
	f := &req.q.Filter
	f.Account, f.Provider, f.Sender, f.Carrier = q.Get("account"), q.Get("provider"), q.Get("sender"), q.Get("carrier")
	if v := q.Get("country"); v != "" {
		f.Country = strings.ToUpper(v)
		if len(f.Country) != 2 || strings.Trim(f.Country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			return nil, smstrack.FieldError("country", "country must be an ISO 3166 alpha-2 code such as GB")
		}
	}
	if v := q.Get("direction"); v != "" {
		d, err := smstrack.ParseDirection(v)
		if err != nil {
			return nil, smstrack.FieldError("direction", "direction must be outbound or inbound")
		}
		f.Direction = string(d)
	}
	if tags := q["tag"]; len(tags) > 0 {
		if len(tags) > 1 {
			return nil, smstrack.FieldError("tag", "filter by at most one tag")
		}
		k, v, ok := strings.Cut(tags[0], ":")
		if !ok || k == "" {
			return nil, smstrack.FieldError("tag", "tag must be key:value")
		}
		f.TagKey, f.TagValue = k, v
	}
	return req, nil
}

// parseTime reads an RFC 3339 time parameter.
func parseTime(name, v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return t, smstrack.FieldError(name, "%s must be an RFC 3339 time such as 2026-01-02T15:04:05Z", name)
	}
	return t.UTC(), nil
}

// rollups returns the store's rollup reader, brought up to date, or an
// error saying why stats cannot be answered.
func (s *Server) rollups(r *http.Request) (insight.Reader, error) {
	rd, ok := s.store.(insight.Reader)
	if !ok {
		return nil, smstrack.Errorf(smstrack.EUNAVAILABLE, "this store keeps no rollups")
	}
	if !rd.RollupsOn() {
		return nil, smstrack.Errorf(smstrack.EUNAVAILABLE, "rollups are off (SMSTRACK_ROLLUPS=off): turn them on and run `smstrack rollups rebuild`")
	}
	if err := rd.CatchUpRollups(r.Context()); err != nil {
		return nil, err
	}
	return rd, nil
}

// latencyJSON holds percentiles in milliseconds, null when nothing was measured.
type latencyJSON struct {
	P50 *float64 `json:"p50"`
	P90 *float64 `json:"p90"`
	P99 *float64 `json:"p99"`
}

func latency(s *insight.Sketch) latencyJSON {
	q := func(p float64) *float64 {
		v, ok := s.Quantile(p)
		if !ok {
			return nil
		}
		v = math.Round(v*10) / 10
		return &v
	}
	return latencyJSON{P50: q(0.5), P90: q(0.9), P99: q(0.99)}
}

// rate is k/n with its 95% Wilson interval; nil when n is zero.
func rate(k, n int64) (*float64, *[2]float64) {
	lo, hi, ok := insight.Wilson(k, n, insight.Z95)
	if !ok {
		return nil, nil
	}
	r := float64(k) / float64(n)
	return &r, &[2]float64{lo, hi}
}

// bucketJSON is a group's bucket, absent without an interval.
func bucketJSON(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// deliveryGroupJSON is one group of GET /api/v1/stats/delivery.
type deliveryGroupJSON struct {
	Key            map[string]string `json:"key"`
	Bucket         *time.Time        `json:"bucket,omitempty"`
	Sent           int64             `json:"sent"`
	Delivered      int64             `json:"delivered"`
	Undelivered    int64             `json:"undelivered"`
	Failed         int64             `json:"failed"`
	Pending        int64             `json:"pending"`
	DeliveryRate   *float64          `json:"delivery_rate"`
	DeliveryRateCI *[2]float64       `json:"delivery_rate_ci"`
	LatencyMS      latencyJSON       `json:"latency_ms"`
}

// latencyKinds are the latencies the delivery endpoint can report.
var latencyKinds = map[string]func(*insight.Figures) *insight.Sketch{
	"sent_delivered": func(f *insight.Figures) *insight.Sketch { return &f.SentToDelivered },
	"queued_sent":    func(f *insight.Figures) *insight.Sketch { return &f.QueuedToSent },
}

// delivery answers sends, outcomes, delivery rate and latency by any
// grouping: outbound messages unless direction says otherwise.
func (s *Server) delivery(w http.ResponseWriter, r *http.Request) {
	req, err := parseStats(r.URL.Query(), []string{"latency"}, time.Now(), lastDay)
	if err != nil {
		writeError(w, err)
		return
	}
	kind := cmp.Or(r.URL.Query().Get("latency"), "sent_delivered")
	sketch, ok := latencyKinds[kind]
	if !ok {
		writeError(w, smstrack.FieldError("latency", "latency must be sent_delivered or queued_sent"))
		return
	}
	if req.q.Filter.Direction == "" {
		req.q.Filter.Direction = string(smstrack.Outbound)
	}
	groups, from, to, ok := s.runStats(w, r, req.q)
	if !ok {
		return
	}
	out := make([]deliveryGroupJSON, len(groups))
	for i, g := range groups {
		d := deliveryGroupJSON{Key: g.Key, Bucket: bucketJSON(g.Bucket), Sent: g.Sent(), Delivered: g.Delivered(),
			Undelivered: g.Undelivered(), Failed: g.Failed(), Pending: g.Pending(), LatencyMS: latency(sketch(&g.Figures))}
		d.DeliveryRate, d.DeliveryRateCI = rate(g.Delivered(), g.Delivered()+g.Undelivered()+g.Failed())
		out[i] = d
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": from, "to": to, "groups": out})
}

// lastDay is the default start of a stats range ending at to.
func lastDay(to time.Time) time.Time { return to.Add(-defaultStatsRange) }

// runStats answers a rollup query, writing the error itself when there is
// one; ok is false then.
func (s *Server) runStats(w http.ResponseWriter, r *http.Request, q insight.Query) (groups []insight.Group, from, to time.Time, ok bool) {
	rd, err := s.rollups(r)
	if smstrack.ErrorCode(err) == smstrack.EUNAVAILABLE {
		webhook.WriteError(w, http.StatusServiceUnavailable, err)
		return nil, from, to, false
	} else if err != nil {
		s.fail(w, r, err)
		return nil, from, to, false
	}
	if from, to, err = rd.RollupRange(q); err != nil {
		writeError(w, err)
		return nil, from, to, false
	}
	if groups, err = rd.Rollup(r.Context(), q); err != nil {
		s.fail(w, r, err)
		return nil, from, to, false
	}
	return groups, from, to, true
}

// responseGroupJSON is one group of GET /api/v1/stats/responses.
type responseGroupJSON struct {
	Key            map[string]string `json:"key"`
	Bucket         *time.Time        `json:"bucket,omitempty"`
	Sent           int64             `json:"sent"`
	Replied        int64             `json:"replied"`
	ReplyRate      *float64          `json:"reply_rate"`
	ReplyRateCI    *[2]float64       `json:"reply_rate_ci"`
	OptOuts        int64             `json:"opt_outs"`
	OptOutRate     *float64          `json:"opt_out_rate"`
	OptOutRateCI   *[2]float64       `json:"opt_out_rate_ci"`
	ResponseTimeMS latencyJSON       `json:"response_time_ms"`
}

// responses answers how recipients answered: outbound messages sent, how
// many got a reply and how fast, and the opt-outs (inbound STOP-type
// keywords) per message sent, by any grouping.
func (s *Server) responses(w http.ResponseWriter, r *http.Request) {
	req, err := parseStats(r.URL.Query(), nil, time.Now(), lastDay)
	if err != nil {
		writeError(w, err)
		return
	}
	if req.q.Filter.Direction != "" || slices.Contains(req.q.GroupBy, insight.DimDirection) {
		writeError(w, smstrack.FieldError("direction", "responses combine both directions: outbound sends, inbound replies and opt-outs"))
		return
	}
	// Both directions, told apart to fold them into one group.
	q := req.q
	q.GroupBy = append(slices.Clone(q.GroupBy), insight.DimDirection)
	if len(q.GroupBy) > insight.MaxGroupBy {
		writeError(w, smstrack.FieldError("group_by", "group by at most %d dimensions here", insight.MaxGroupBy-1))
		return
	}
	groups, from, to, ok := s.runStats(w, r, q)
	if !ok {
		return
	}
	byKey := map[string]*responseGroupJSON{}
	sketches := map[string]*insight.Sketch{}
	var order []string
	for _, g := range groups {
		key := map[string]string{}
		var id strings.Builder
		for _, d := range req.q.GroupBy {
			key[string(d)] = g.Key[string(d)]
			id.WriteString(g.Key[string(d)] + "\x00")
		}
		id.WriteString(g.Bucket.String())
		out := byKey[id.String()]
		if out == nil {
			out = &responseGroupJSON{Key: key, Bucket: bucketJSON(g.Bucket)}
			byKey[id.String()], sketches[id.String()] = out, &insight.Sketch{}
			order = append(order, id.String())
		}
		if g.Key[string(insight.DimDirection)] == string(smstrack.Outbound) {
			out.Sent += g.Sent()
			out.Replied += g.Replied
			sketches[id.String()].Merge(&g.ResponseTime)
		}
		out.OptOuts += g.OptOuts
	}
	list := make([]responseGroupJSON, 0, len(order))
	for _, id := range order {
		g := byKey[id]
		g.ReplyRate, g.ReplyRateCI = rate(g.Replied, g.Sent)
		g.OptOutRate, g.OptOutRateCI = rate(min(g.OptOuts, g.Sent), g.Sent)
		g.ResponseTimeMS = latency(sketches[id])
		list = append(list, *g)
	}
	if len(list) == 0 && len(req.q.GroupBy) == 0 && req.q.Interval == insight.NoGrain {
		list = append(list, responseGroupJSON{Key: map[string]string{}})
	}
	slices.SortStableFunc(list, func(a, b responseGroupJSON) int {
		if a.Bucket != nil && b.Bucket != nil {
			if c := a.Bucket.Compare(*b.Bucket); c != 0 {
				return c
			}
		}
		return cmp.Compare(b.Sent, a.Sent)
	})
	writeJSON(w, http.StatusOK, map[string]any{"from": from, "to": to, "groups": list})
}

// errorJSON is one error of GET /api/v1/stats/errors.
type errorJSON struct {
	Provider      string                 `json:"provider"`
	Code          string                 `json:"code"`
	Title         string                 `json:"title"`
	Category      smstrack.ErrorCategory `json:"category"`
	Responsible   smstrack.Party         `json:"responsible"`
	Count         int64                  `json:"count"`
	Rate          float64                `json:"rate"`
	PreviousCount int64                  `json:"previous_count"`
	PreviousRate  float64                `json:"previous_rate"`
	// Trend compares the error's share of messages with the previous
	// period of equal length: "up" or "down" when a two-proportion z-test
	// says the change is unlikely to be noise (|z| > 1.96), else "steady";
	// "new" when it did not occur before.
	Trend string  `json:"trend"`
	Z     float64 `json:"z"`
}

// errorGroupJSON is one group of GET /api/v1/stats/errors.
type errorGroupJSON struct {
	Key              map[string]string `json:"key"`
	Messages         int64             `json:"messages"`
	PreviousMessages int64             `json:"previous_messages"`
	Errors           []errorJSON       `json:"errors"`
}

// maxTopErrors bounds the limit of GET /api/v1/stats/errors.
const maxTopErrors = 100

// topErrors answers the most frequent error codes of a period, explained,
// with their trend against the previous period of equal length.
func (s *Server) topErrors(w http.ResponseWriter, r *http.Request) {
	req, err := parseStats(r.URL.Query(), []string{"limit"}, time.Now(), lastDay)
	if err != nil {
		writeError(w, err)
		return
	}
	if req.q.Interval != insight.NoGrain {
		writeError(w, smstrack.FieldError("interval", "top errors compare two periods: give from and to, not an interval"))
		return
	}
	limit, err := queryInt(r.URL.Query(), "limit", 10)
	if err != nil {
		writeError(w, err)
		return
	}
	if limit < 1 || limit > maxTopErrors {
		writeError(w, smstrack.FieldError("limit", "limit must be between 1 and %d", maxTopErrors))
		return
	}
	// Codes are the provider's: group by provider to explain them.
	q := req.q
	if !slices.Contains(q.GroupBy, insight.DimProvider) {
		if len(q.GroupBy) == insight.MaxGroupBy {
			writeError(w, smstrack.FieldError("group_by", "group by at most %d dimensions here", insight.MaxGroupBy-1))
			return
		}
		q.GroupBy = append(slices.Clone(q.GroupBy), insight.DimProvider)
	}
	current, from, to, ok := s.runStats(w, r, q)
	if !ok {
		return
	}
	prev := q
	prev.From, prev.To = from.Add(-to.Sub(from)), from
	previous, _, _, ok := s.runStats(w, r, prev)
	if !ok {
		return
	}
	type errKey struct{ group, provider, code string }
	groups := map[string]*errorGroupJSON{}
	var order []string
	counts := map[errKey][2]int64{}
	groupOf := func(g insight.Group) (string, string) {
		var id strings.Builder
		for _, d := range req.q.GroupBy {
			id.WriteString(g.Key[string(d)] + "\x00")
		}
		return id.String(), g.Key[string(insight.DimProvider)]
	}
	for i, list := range [][]insight.Group{current, previous} {
		for _, g := range list {
			id, provider := groupOf(g)
			out := groups[id]
			if out == nil {
				key := map[string]string{}
				for _, d := range req.q.GroupBy {
					key[string(d)] = g.Key[string(d)]
				}
				out = &errorGroupJSON{Key: key, Errors: []errorJSON{}}
				groups[id] = out
				order = append(order, id)
			}
			if i == 0 {
				out.Messages += g.Messages
			} else {
				out.PreviousMessages += g.Messages
			}
			for code, n := range g.Errors {
				c := counts[errKey{id, provider, code}]
				c[i] += n
				counts[errKey{id, provider, code}] = c
			}
		}
	}
	for k, c := range counts {
		out := groups[k.group]
		if c[0] == 0 {
			continue // only in the previous period
		}
		info := smstrack.ExplainError(k.provider, k.code)
		e := errorJSON{Provider: k.provider, Code: k.code, Title: info.Title, Category: info.Category,
			Responsible: info.Responsible, Count: c[0], PreviousCount: c[1]}
		e.Rate = share(c[0], out.Messages)
		e.PreviousRate = share(c[1], out.PreviousMessages)
		e.Z = math.Round(insight.TwoProportionZ(c[0], out.Messages, c[1], out.PreviousMessages)*100) / 100
		switch {
		case c[1] == 0:
			e.Trend = "new"
		case e.Z > insight.Z95:
			e.Trend = "up"
		case e.Z < -insight.Z95:
			e.Trend = "down"
		default:
			e.Trend = "steady"
		}
		out.Errors = append(out.Errors, e)
	}
	list := make([]errorGroupJSON, 0, len(order))
	for _, id := range order {
		g := groups[id]
		if g.Messages == 0 && len(req.q.GroupBy) > 0 {
			continue // only in the previous period
		}
		slices.SortFunc(g.Errors, func(a, b errorJSON) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Code, b.Code))
		})
		g.Errors = g.Errors[:min(len(g.Errors), limit)]
		list = append(list, *g)
	}
	if len(list) == 0 && len(req.q.GroupBy) == 0 {
		list = append(list, errorGroupJSON{Key: map[string]string{}, Errors: []errorJSON{}})
	}
	slices.SortStableFunc(list, func(a, b errorGroupJSON) int { return cmp.Compare(b.Messages, a.Messages) })
	writeJSON(w, http.StatusOK, map[string]any{"from": from, "to": to, "previous_from": prev.From, "groups": list})
}

// share is k/n, 0 when n is 0, rounded to six places.
func share(k, n int64) float64 {
	if n == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(float64(k)/float64(n), 'f', 6, 64), 64)
	return v
}
