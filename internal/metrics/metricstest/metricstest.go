// Package metricstest reads a Prometheus text exposition for tests: the
// unit tests of internal/metrics and the end-to-end tests that scrape the
// real server. It parses with the Prometheus project's own parser, so a
// test sees what a Prometheus server would.
package metricstest

import (
	"bytes"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Exposition is a parsed scrape, by metric family name.
type Exposition map[string]*dto.MetricFamily

// Parse parses text in the text exposition format, failing the test when
// it does not parse.
func Parse(t testing.TB, text []byte) Exposition {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(bytes.NewReader(text))
	if err != nil {
		t.Fatalf("parsing the exposition: %v\n%s", err, text)
	}
	return families
}

// Value adds up the samples of family name whose labels include every
// name/value pair of labels: a counter's or gauge's value, a histogram's
// count of observations. Absent samples add nothing.
func (e Exposition) Value(name string, labels ...string) float64 {
	var sum float64
	for _, m := range e.Samples(name, labels...) {
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Histogram != nil:
			sum += float64(m.Histogram.GetSampleCount())
		case m.Untyped != nil:
			sum += m.Untyped.GetValue()
		}
	}
	return sum
}

// Samples are the samples of family name whose labels include every
// name/value pair of labels.
func (e Exposition) Samples(name string, labels ...string) []*dto.Metric {
	f := e[name]
	if f == nil {
		return nil
	}
	var out []*dto.Metric
	for _, m := range f.Metric {
		if matches(m, labels) {
			out = append(out, m)
		}
	}
	return out
}

// LabelValues lists the values label takes among the samples of family name.
func (e Exposition) LabelValues(name, label string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range e.Samples(name) {
		for _, l := range m.Label {
			if l.GetName() == label && !seen[l.GetValue()] {
				seen[l.GetValue()] = true
				out = append(out, l.GetValue())
			}
		}
	}
	return out
}

func matches(m *dto.Metric, labels []string) bool {
	for i := 0; i+1 < len(labels); i += 2 {
		found := false
		for _, l := range m.Label {
			if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
