package smstrack

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// The webhook events of health alerts.
const (
	EventAlertOpened   = "alert.opened"
	EventAlertResolved = "alert.resolved"
)

// AlertState is whether an alert still holds.
type AlertState string

// The alert states.
const (
	AlertOpen     AlertState = "open"
	AlertResolved AlertState = "resolved"
)

// AlertDimension is what a health alert watches: one provider, sender,
// country, carrier, or a route (the four together).
type AlertDimension string

// The dimensions health is watched by.
const (
	DimensionProvider AlertDimension = "provider"
	DimensionSender   AlertDimension = "sender"
	DimensionCountry  AlertDimension = "country"
	DimensionCarrier  AlertDimension = "carrier" // keyed by country and carrier: names repeat across countries
	DimensionRoute    AlertDimension = "route"
)

// AlertDimensions lists the dimensions in the order alerts are evaluated and shown.
var AlertDimensions = []AlertDimension{DimensionProvider, DimensionSender, DimensionCountry, DimensionCarrier, DimensionRoute}

// ParseAlertDimension validates a dimension name.
func ParseAlertDimension(s string) (AlertDimension, error) {
	for _, d := range AlertDimensions {
		if string(d) == s {
			return d, nil
		}
	}
	return "", FieldError("dimension", "unknown dimension %q: use provider, sender, country, carrier or route", s)
}

// AlertMetric is the figure an alert is about: delivery_rate (a drop),
// latency_p90 (a rise of the sent-to-delivered time) or
// error_rate:<category> (a rise of one error category's share).
type AlertMetric string

// The metrics watched besides the error categories.
const (
	MetricDeliveryRate AlertMetric = "delivery_rate"
	MetricLatencyP90   AlertMetric = "latency_p90"
	metricErrorPrefix              = "error_rate:"
)

// ErrorRateMetric is the metric of one error category's share of settled messages.
func ErrorRateMetric(c ErrorCategory) AlertMetric { return AlertMetric(metricErrorPrefix + string(c)) }

// ErrorCategory returns the category of an error_rate:<category> metric, and "" for the others.
func (m AlertMetric) ErrorCategory() ErrorCategory {
	c, ok := strings.CutPrefix(string(m), metricErrorPrefix)
	if !ok {
		return ""
	}
	return ErrorCategory(c)
}

// AlertEvidence is what a test found: the recent window against the
// dimension's own baseline. Rates are shares in [0, 1]; latencies are
// milliseconds.
type AlertEvidence struct {
	EvaluatedAt  time.Time `json:"evaluated_at"`
	WindowFrom   time.Time `json:"window_from"`
	WindowTo     time.Time `json:"window_to"`
	BaselineFrom time.Time `json:"baseline_from"`
	BaselineTo   time.Time `json:"baseline_to"`
	Baseline     float64   `json:"baseline"`   // the baseline's rate, or its p90 in ms
	Recent       float64   `json:"recent"`     // the recent window's rate, or its p90 in ms
	BaselineN    int64     `json:"baseline_n"` // messages (or latency samples) in the baseline
	RecentN      int64     `json:"recent_n"`   // and in the recent window
	// Affected counts the recent window's messages beyond what the
	// baseline predicts: deliveries missing, errors of the category in
	// excess, or messages slower than the baseline's p90 in excess of 10%.
	Affected int64   `json:"affected"`
	Z        float64 `json:"z"`       // the two-proportion z statistic
	PValue   float64 `json:"p_value"` // one-sided, exact binomial
	Alpha    float64 `json:"alpha"`   // the level the p-value had to beat: the family level over Tests
	Tests    int     `json:"tests"`   // tests run in that evaluation (the Bonferroni divisor)
	// AlsoAffected names the other dimension values whose degradation this
	// one explains: the country, providers, senders and routes of a
	// failing carrier, say.
	AlsoAffected []string `json:"also_affected,omitempty"`
}

// Alert is a significant degradation of one dimension value, open until a
// run of evaluations finds it recovered.
type Alert struct {
	ID        int64             `json:"id"`
	Dimension AlertDimension    `json:"dimension"`
	Key       map[string]string `json:"key"` // provider, sender, country and/or carrier
	Metric    AlertMetric       `json:"metric"`
	State     AlertState        `json:"state"`
	Summary   string            `json:"summary"`
	// Evidence is the test that opened the alert; Latest the last
	// evaluation of it (the recovery, once resolved).
	Evidence   AlertEvidence `json:"evidence"`
	Latest     AlertEvidence `json:"latest"`
	OpenedAt   time.Time     `json:"opened_at"`
	ResolvedAt *time.Time    `json:"resolved_at"`
	UpdatedAt  time.Time     `json:"updated_at"`
}

// KeyString is the alert's key in canonical form (JSON with sorted keys),
// the same for the same dimension value whatever the map's order.
func (a Alert) KeyString() string {
	b, _ := json.Marshal(a.Key) // a map of strings always encodes
	return string(b)
}

// AlertFilter selects alerts for ListAlerts; zero fields match all.
type AlertFilter struct {
	State     AlertState
	Dimension AlertDimension
	Metric    AlertMetric
	// Since keeps alerts that were open at some time since then: still
	// open, or resolved at or after it.
	Since  time.Time
	Limit  int
	Cursor string
}

// AlertStore keeps health alerts and settles which instance evaluates
// health; the stores implement it.
type AlertStore interface {
	// OpenAlert stores a new open alert and queues its alert.opened event
	// in the same transaction. ECONFLICT when the same dimension value and
	// metric already has an open alert.
	OpenAlert(ctx context.Context, a Alert) (*Alert, error)
	// UpdateAlert records the latest evaluation of an open alert.
	UpdateAlert(ctx context.Context, id int64, latest AlertEvidence) error
	// ResolveAlert closes an open alert at the time given, with the
	// evidence of recovery, and queues its alert.resolved event.
	ResolveAlert(ctx context.Context, id int64, at time.Time, latest AlertEvidence) (*Alert, error)
	// ListAlerts returns the alerts matching f, newest first, and the
	// cursor of the next page ("" at the end).
	ListAlerts(ctx context.Context, f AlertFilter) ([]Alert, string, error)
	// GetAlert returns one alert, or ENOTFOUND.
	GetAlert(ctx context.Context, id int64) (*Alert, error)
	// ClaimLease takes or renews the named lease for holder until the
	// time given, and reports whether holder has it: another holder's
	// unexpired lease is left alone. Instances sharing a database use it
	// so that one of them runs a periodic job.
	ClaimLease(ctx context.Context, name, holder string, until time.Time) (bool, error)
}
