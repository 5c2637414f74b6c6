package content

import (
	"fmt"
	"strconv"
	"strings"
)

// Report is the whole inspection of one body, as the API and the CLI show
// it: encoding and segments, what smart encoding and the national shift
// tables would save, MMS checks, what the body says, and what it costs
// where a price is known.
type Report struct {
	// Text is the body analysed: the smart-encoded one when applied.
	Text string `json:"text"`
	Analysis
	SmartEncoding        SmartAdvice    `json:"smart_encoding"`
	SmartEncodingApplied bool           `json:"smart_encoding_applied"`
	ShiftTables          []ShiftAdvice  `json:"shift_tables"`
	MMS                  *MediaReport   `json:"mms,omitempty"`
	Sentiment            SentimentScore `json:"sentiment"`
	Keyword              KeywordKind    `json:"keyword"`
	Cost                 *CostEstimate  `json:"cost,omitempty"`
}

// SmartAdvice is what smart encoding would do to a body.
type SmartAdvice struct {
	Text          string        `json:"text"`
	Replacements  []Replacement `json:"replacements"`
	Encoding      string        `json:"encoding"`
	Segments      int           `json:"segments"`
	SegmentsSaved int           `json:"segments_saved"`
}

// CostEstimate is segments times the configured price for a country.
type CostEstimate struct {
	Country         string  `json:"country"`
	PricePerSegment float64 `json:"price_per_segment"`
	Segments        int     `json:"segments"`
	Total           float64 `json:"total"`
}

// InspectOptions say how to inspect a body.
type InspectOptions struct {
	ApplySmart bool    // analyse the smart-encoded body instead of the original
	Media      []Media // attachments, for the MMS checks
	Country    string  // the recipient's country, for the price
	Prices     PriceTable
}

// Inspect reports everything about body.
func Inspect(body string, opts InspectOptions) Report {
	smart := AnalyzeSmart(body)
	r := Report{
		Text: body,
		SmartEncoding: SmartAdvice{Text: smart.Text, Replacements: smart.Replacements,
			Encoding: smart.Encoded.Encoding, Segments: smart.Encoded.Segments, SegmentsSaved: smart.SegmentsSaved},
		Analysis: smart.Original,
	}
	if r.SmartEncoding.Replacements == nil {
		r.SmartEncoding.Replacements = []Replacement{}
	}
	if opts.ApplySmart {
		r.Text, r.Analysis, r.SmartEncodingApplied = smart.Text, smart.Encoded, true
	}
	r.ShiftTables = ShiftTableAdvice(r.Text)
	if r.ShiftTables == nil {
		r.ShiftTables = []ShiftAdvice{}
	}
	if r.NonGSMCharacters == nil {
		r.NonGSMCharacters = []NonGSMChar{}
	}
	if len(opts.Media) > 0 || len([]rune(r.Text)) > MaxBodyCharacters {
		m := AnalyzeMedia(r.Text, opts.Media)
		r.MMS = &m
	}
	r.Sentiment = Sentiment(r.Text)
	r.Keyword = ClassifyKeyword(r.Text)
	if price, ok := opts.Prices.For(opts.Country); ok {
		r.Cost = &CostEstimate{Country: opts.Country, PricePerSegment: price, Segments: r.Segments, Total: Cost(r.Segments, price)}
	}
	return r
}

// PriceTable is the price of one segment by ISO country code; "*" prices
// every other country.
type PriceTable map[string]float64

// For returns the price for a country, falling back to "*".
func (p PriceTable) For(country string) (float64, bool) {
	if v, ok := p[strings.ToUpper(country)]; ok && country != "" {
		return v, true
	}
	v, ok := p["*"]
	return v, ok
}

// ParsePriceTable reads "US:0.0079,GB:0.0400,*:0.05".
func ParsePriceTable(s string) (PriceTable, error) {
	t := PriceTable{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		country, price, ok := strings.Cut(item, ":")
		country = strings.ToUpper(strings.TrimSpace(country))
		if !ok || (country != "*" && len(country) != 2) {
			return nil, fmt.Errorf("price entry %q: want CC:price, e.g. US:0.0079", item)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(price), 64)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("price entry %q: price must be a non-negative number", item)
		}
		t[country] = v
	}
	return t, nil
}
