// Package webhook holds what every provider's webhook handlers share: reading
// a bounded request body, answering errors as JSON, mapping domain error codes
// to HTTP statuses, and keeping a record of refused requests.
//
// It knows nothing of any provider's payloads or signatures; those live in
// internal/provider/<name>. It must not import a provider package.
package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/smstrack/smstrack"
)

// MaxBody is the largest webhook body we read. Provider callbacks are a few
// kilobytes at most; anything near this size is not a callback.
const MaxBody = 64 << 10

// ReadBody reads the request body, refusing bodies larger than limit bytes
// (MaxBody when limit is zero or negative) with an ETOOLARGE error. With that
// error it still returns what it read, at most limit bytes, so the refusal
// can be recorded with the start of the body.
func ReadBody(r *http.Request, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = MaxBody
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	// A declared length says enough to refuse without reading.
	if r.ContentLength > limit {
		return nil, tooLarge(limit)
	}
	// Reading one byte past the limit tells an oversized body from one of
	// exactly limit bytes.
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, smstrack.Errorf(smstrack.EINVALID, "could not read the request body")
	}
	if int64(len(body)) > limit {
		return body[:limit], tooLarge(limit)
	}
	return body, nil
}

func tooLarge(limit int64) error {
	return smstrack.Errorf(smstrack.ETOOLARGE, "request body is larger than %d bytes", limit)
}

// StatusFor maps an error to the HTTP status that answers it: the one place
// where domain error codes meet HTTP. A canceled or timed-out context means
// we could not finish, not that the request was wrong, hence 503.
func StatusFor(err error) int {
	if err == nil {
		return http.StatusOK
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return http.StatusServiceUnavailable
	}
	switch smstrack.ErrorCode(err) {
	case smstrack.EINVALID:
		return http.StatusBadRequest
	case smstrack.ETOOLARGE:
		// 400 rather than 413: providers treat any 4xx alike, and operators
		// read one status for "we refused what you sent".
		return http.StatusBadRequest
	case smstrack.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case smstrack.EFORBIDDEN:
		return http.StatusForbidden
	case smstrack.ENOTFOUND:
		return http.StatusNotFound
	case smstrack.ECONFLICT:
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

// errorBody is the JSON shape of every webhook error answer.
type errorBody struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// WriteError answers with status and a JSON body naming the error and the
// field at fault. Only caller-safe messages are written: errors that are not
// *smstrack.Error show as "internal error".
func WriteError(w http.ResponseWriter, status int, err error) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	msg := smstrack.ErrorMessage(err)
	if msg == "" {
		msg = http.StatusText(status)
	}
	// Encoding a struct of two strings cannot fail; a write error means the
	// client left, and there is no one left to tell.
	// The answer is JSON, never HTML: "<key>" reads better than "\u003ckey\u003e".
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(errorBody{Error: msg, Field: smstrack.ErrorField(err)})
}
