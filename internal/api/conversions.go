package api

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/insight"
)

// conversionGroupJSON is one group of GET /api/v1/stats/conversions.
type conversionGroupJSON struct {
	Key                   map[string]string `json:"key"`
	Bucket                *time.Time        `json:"bucket,omitempty"`
	Sent                  int               `json:"sent"`
	Delivered             int               `json:"delivered"`
	Converted             int               `json:"converted"`
	ConversionRate        float64           `json:"conversion_rate"`
	ConversionRateCI      *[2]float64       `json:"conversion_rate_ci"`
	DeliveredNotConverted int               `json:"delivered_not_converted"`
	TimeToConvertMS       latencyJSON       `json:"time_to_convert_ms"`
	TimesSampled          int               `json:"time_to_convert_sample"`
}

// scanOnlyParams are message filters the rollups do not keep: with any of
// them the figures come from a scan of the messages instead.
var scanOnlyParams = []string{"status", "provider_id", "error_code", "encoding", "q"}

// conversions answers how many outbound messages led to an action, grouped
// by group_by. From the rollups when the filters and groups are rollup
// dimensions; otherwise (filters such as status or q, group_by=status)
// from a scan of the matching messages, as before rollups existed.
func (s *Server) conversions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if d := q.Get("direction"); d != "" && d != string(smstrack.Outbound) {
		writeError(w, smstrack.FieldError("direction", "conversions count outbound messages only"))
		return
	}
	rd, _ := s.store.(insight.Reader)
	if rd == nil || !rd.RollupsOn() || needsScan(q) {
		s.scannedConversions(w, r, q)
		return
	}
	// The names this endpoint always took: from (the sender) and
	// created_after/created_before.
	groupBy := strings.Split(strings.Join(q["group_by"], ","), ",")
	for i, d := range groupBy {
		if strings.TrimSpace(d) == "from" {
			groupBy[i] = string(insight.DimSender)
		}
	}
	q.Del("group_by")
	if len(groupBy) > 0 {
		q.Set("group_by", strings.Join(groupBy, ","))
	}
	for old, name := range map[string]string{"created_after": "from", "created_before": "to"} {
		if v := q.Get(old); v != "" {
			if q.Get(name) != "" {
				writeError(w, smstrack.FieldError(old, "give %s or %s, not both", old, name))
				return
			}
			q.Set(name, v)
			q.Del(old)
		}
	}
	q.Del("direction")
	now := time.Now()
	allTime := func(time.Time) time.Time { return time.Unix(0, 0).UTC() }
	if q.Get("interval") != "" {
		allTime = lastDay
	}
	req, err := parseStats(q, nil, now, allTime)
	if err != nil {
		writeError(w, err)
		return
	}
	req.q.Filter.Direction = string(smstrack.Outbound)
	groups, from, to, ok := s.runStats(w, r, req.q)
	if !ok {
		return
	}
	out := make([]conversionGroupJSON, len(groups))
	for i, g := range groups {
		key := g.Key
		if v, ok := key[string(insight.DimSender)]; ok {
			key = map[string]string{"from": v}
			for k, v := range g.Key {
				if k != string(insight.DimSender) {
					key[k] = v
				}
			}
		}
		c := conversionGroupJSON{Key: key, Bucket: bucketJSON(g.Bucket), Sent: int(g.Messages), Delivered: int(g.Delivered()),
			Converted: int(g.Converted), DeliveredNotConverted: int(g.DeliveredUnconverted),
			TimeToConvertMS: latency(&g.CreatedToConverted), TimesSampled: int(g.CreatedToConverted.Count())}
		var r *float64
		if r, c.ConversionRateCI = rate(g.Converted, g.Messages); r != nil {
			c.ConversionRate = *r
		}
		out[i] = c
	}
	names := conversionDimensions(groupBy)
	writeJSON(w, http.StatusOK, map[string]any{"group_by": names, "from": from, "to": to, "groups": out})
}

// needsScan reports parameters only a scan of the messages answers: the
// message filters rollups do not keep, group_by=status, and from or to
// given as a phone number (the messages filter's meaning) rather than a time.
func needsScan(q url.Values) bool {
	for _, name := range scanOnlyParams {
		if q.Has(name) {
			return true
		}
	}
	for _, d := range strings.Split(strings.Join(q["group_by"], ","), ",") {
		if strings.TrimSpace(d) == "status" {
			return true
		}
	}
	for _, name := range []string{"from", "to"} {
		if v := q.Get(name); v != "" {
			if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
				return true
			}
		}
	}
	return false
}

// conversionDimensions lists group_by as answered: the names the caller used.
func conversionDimensions(groupBy []string) []string {
	out := []string{}
	for _, d := range groupBy {
		d = strings.TrimSpace(d)
		if d == string(insight.DimSender) {
			d = "from"
		}
		if d != "" && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// scannedConversions answers from one grouped scan of the matching
// messages (store.ConversionStats).
func (s *Server) scannedConversions(w http.ResponseWriter, r *http.Request, q url.Values) {
	groupBy, err := smstrack.ParseConversionDimensions(strings.Join(q["group_by"], ","))
	if err != nil {
		writeError(w, err)
		return
	}
	for _, name := range []string{"group_by", "limit", "cursor"} {
		q.Del(name)
	}
	f, err := s.filter(q)
	if err != nil {
		writeError(w, err)
		return
	}
	groups, err := s.store.ConversionStats(r.Context(), f, groupBy)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]conversionGroupJSON, len(groups))
	for i, g := range groups {
		out[i] = conversionGroupJSON{Key: g.Key, Sent: g.Sent, Delivered: g.Delivered, Converted: g.Converted,
			ConversionRate: g.ConversionRate(), DeliveredNotConverted: g.DeliveredNotConverted, TimesSampled: g.TimesSampled,
			TimeToConvertMS: latencyJSON{P50: millis(g.TimeToConvertP50), P90: millis(g.TimeToConvertP90)}}
		_, out[i].ConversionRateCI = rate(int64(g.Converted), int64(g.Sent))
	}
	// Largest groups first; ties in key order, so answers are stable.
	slices.SortStableFunc(out, func(a, b conversionGroupJSON) int {
		if c := cmp.Compare(b.Sent, a.Sent); c != 0 {
			return c
		}
		for _, d := range groupBy {
			if c := cmp.Compare(a.Key[string(d)], b.Key[string(d)]); c != 0 {
				return c
			}
		}
		return 0
	})
	if groupBy == nil {
		groupBy = []smstrack.ConversionDimension{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"group_by": groupBy, "groups": out})
}

// millis turns a duration into milliseconds, keeping nil.
func millis(d *time.Duration) *float64 {
	if d == nil {
		return nil
	}
	ms := float64(*d) / float64(time.Millisecond)
	return &ms
}
