package api

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
)

// conversionGroupJSON is one group of GET /api/v1/stats/conversions.
type conversionGroupJSON struct {
	Key                   map[string]string `json:"key"`
	Sent                  int               `json:"sent"`
	Delivered             int               `json:"delivered"`
	Converted             int               `json:"converted"`
	ConversionRate        float64           `json:"conversion_rate"`
	DeliveredNotConverted int               `json:"delivered_not_converted"`
	TimeToConvertMS       percentilesJSON   `json:"time_to_convert_ms"`
	TimesSampled          int               `json:"time_to_convert_sample"`
}

// percentilesJSON holds percentiles in milliseconds, null when nothing converted.
type percentilesJSON struct {
	P50 *float64 `json:"p50"`
	P90 *float64 `json:"p90"`
}

// conversions answers how many of the outbound messages matching the
// filters of GET /api/v1/messages led to an action, grouped by group_by.
func (s *Server) conversions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	groupBy, err := smstrack.ParseConversionDimensions(strings.Join(q["group_by"], ","))
	if err != nil {
		writeError(w, err)
		return
	}
	for _, name := range []string{"group_by", "limit", "cursor"} {
		q.Del(name)
	}
	if d := q.Get("direction"); d != "" && d != string(smstrack.Outbound) {
		writeError(w, smstrack.FieldError("direction", "conversions count outbound messages only"))
		return
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
			TimeToConvertMS: percentilesJSON{P50: millis(g.TimeToConvertP50), P90: millis(g.TimeToConvertP90)}}
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
