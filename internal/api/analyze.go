package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/content"
	"github.com/smstrack/smstrack/internal/phone"
)

// analyzeRequest is the body of POST /api/v1/analyze.
type analyzeRequest struct {
	Body          *string         `json:"body"`
	SmartEncoding bool            `json:"smart_encoding"` // analyse the smart-encoded body
	Media         []content.Media `json:"media"`
	To            string          `json:"to"`      // the recipient, for the price by country
	Country       string          `json:"country"` // or the country itself
}

// analyze inspects a body without storing anything: encoding, segments,
// the characters that force UCS-2, smart-encoding and shift-table advice,
// MMS checks, sentiment, keyword and cost.
func (s *Server) analyze(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxReportBody+1))
	if err != nil || len(raw) > maxReportBody {
		writeError(w, smstrack.Errorf(smstrack.ETOOLARGE, "request body is larger than %d bytes", maxReportBody))
		return
	}
	var req analyzeRequest
	if err := decodeStrict(raw, &req); err != nil {
		writeError(w, err)
		return
	}
	if req.Body == nil {
		writeError(w, smstrack.FieldError("body", "body is required"))
		return
	}
	country := strings.ToUpper(strings.TrimSpace(req.Country))
	if country == "" && req.To != "" {
		country = phone.Country(req.To, s.opts.DefaultRegion)
	}
	writeJSON(w, http.StatusOK, content.Inspect(*req.Body, content.InspectOptions{
		ApplySmart: req.SmartEncoding, Media: req.Media, Country: country, Prices: s.opts.Prices,
	}))
}

// decodeStrict decodes one JSON object into v, refusing unknown fields and
// naming the field at fault.
func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr):
			return smstrack.FieldError(typeErr.Field, "%s must be a JSON %s", typeErr.Field, typeErr.Type)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return smstrack.FieldError(field, "unknown field %q", field)
		}
		return smstrack.Errorf(smstrack.EINVALID, "request body is not valid JSON: %v", err)
	}
	if dec.More() {
		return smstrack.Errorf(smstrack.EINVALID, "request body must hold one JSON object")
	}
	return nil
}
