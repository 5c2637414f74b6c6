package archive

import (
	"errors"
	"fmt"
)

// Errors callers can test for with errors.Is. Context cancellation and
// deadlines are reported as the context's own errors, also matchable with
// errors.Is.
var (
	// ErrTooLarge means the media is bigger than Options.MaxBytes.
	ErrTooLarge = errors.New("archive: media too large")
	// ErrTypeNotAllowed means the declared or sniffed content type is not on
	// the allow list, or the bytes contradict the declared type.
	ErrTypeNotAllowed = errors.New("archive: content type not allowed")
	// ErrFetch means the media could not be downloaded: a network error, a
	// redirect that was refused, or a non-2xx status (see FetchError).
	ErrFetch = errors.New("archive: fetch failed")
	// ErrInvalidHash means a string given as a content address is not 64
	// lowercase hex digits; no file was looked up.
	ErrInvalidHash = errors.New("archive: invalid sha256")
)

// FetchError describes a failed download; it matches ErrFetch and unwraps to
// the underlying cause (a *url.Error, a context error, ...), if any.
type FetchError struct {
	// URL is the requested URL without its query, which for presigned
	// storage URLs would carry a signature.
	URL string
	// StatusCode is the HTTP status of the final response, 0 when no
	// response was received.
	StatusCode int
	// Err is the cause, nil when the status code alone explains the failure.
	Err error
}

// Error reports the URL with the status or the cause.
func (e *FetchError) Error() string {
	switch {
	case e.Err != nil && e.StatusCode != 0:
		return fmt.Sprintf("archive: fetch %s: status %d: %v", e.URL, e.StatusCode, e.Err)
	case e.Err != nil:
		return fmt.Sprintf("archive: fetch %s: %v", e.URL, e.Err)
	default:
		return fmt.Sprintf("archive: fetch %s: status %d", e.URL, e.StatusCode)
	}
}

// Is makes errors.Is(err, ErrFetch) true for every FetchError.
func (e *FetchError) Is(target error) bool { return target == ErrFetch }

// Unwrap returns the cause so that context and network errors stay visible.
func (e *FetchError) Unwrap() error { return e.Err }

// TypeError describes refused content; it matches ErrTypeNotAllowed.
type TypeError struct {
	// Declared is the media type from the Content-Type header, without
	// parameters; empty when the header was absent or unparsable.
	Declared string
	// Sniffed is what http.DetectContentType made of the first bytes, empty
	// when the body was not read because the declared type was refused.
	Sniffed string
	// Reason says which rule refused it.
	Reason string
}

// Error reports both types and the rule.
func (e *TypeError) Error() string {
	return fmt.Sprintf("archive: content type not allowed: declared %q, sniffed %q: %s", e.Declared, e.Sniffed, e.Reason)
}

// Is makes errors.Is(err, ErrTypeNotAllowed) true for every TypeError.
func (e *TypeError) Is(target error) bool { return target == ErrTypeNotAllowed }
