package webhook

import (
	"crypto/sha256"
	"crypto/subtle"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/smstrack/smstrack"
)

// URLToken authenticates gateways that cannot sign their callbacks (Kannel,
// Jasmin): the operator puts a shared secret in the callback URL's query.
type URLToken struct {
	Param    string // the query parameter holding the token, e.g. "token"
	Secret   string // the configured token; empty means not configured
	Provider string // for messages, e.g. "Kannel"
	Setting  string // the setting that configures it, e.g. "SMSTRACK_KANNEL_TOKEN"
	Where    string // where the token goes, e.g. "the dlr-url"
}

// Check refuses, with EFORBIDDEN, a request whose fields lack the right token.
func (t URLToken) Check(fields url.Values) error {
	if t.Secret == "" {
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Message: t.Provider + " is not configured here (set " + t.Setting + ")"}
	}
	got := fields.Get(t.Param)
	if got == "" {
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: t.Param, Message: "missing token in " + t.Where}
	}
	if !TokenEqual(t.Secret, got) {
		return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: t.Param, Message: "wrong token in " + t.Where}
	}
	return nil
}

// Redact is what a refusal may keep of a request: the body, or for a GET
// the query; never the token.
func (t URLToken) Redact(body []byte, fields url.Values) []byte {
	if len(body) > 0 && !strings.Contains(string(body), t.Param+"=") {
		return body
	}
	shown := url.Values{}
	for k, v := range fields {
		if k != t.Param {
			shown[k] = v
		}
	}
	return []byte(shown.Encode())
}

// TokenEqual compares a presented token with the configured one in constant
// time, whatever their lengths (hashing first hides the length too).
func TokenEqual(want, got string) bool {
	if want == "" || got == "" {
		return false
	}
	a, b := sha256.Sum256([]byte(want)), sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// QueryAndForm merges a raw query with a form body: gateways put a callback
// URL's own parameters in the query whatever the method.
func QueryAndForm(r *http.Request, rawQuery string, body []byte) (url.Values, error) {
	fields, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, smstrack.Errorf(smstrack.EINVALID, "malformed query: %s", Shorten(err.Error(), 80))
	}
	if len(body) == 0 {
		return fields, nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return nil, smstrack.FieldError("Content-Type", "unsupported content type %q", Shorten(ct, 60))
		}
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, smstrack.Errorf(smstrack.EINVALID, "malformed form body: %s", Shorten(err.Error(), 80))
	}
	for k, v := range form {
		fields[k] = append(fields[k], v...)
	}
	return fields, nil
}

// Shorten cuts s to n characters for quoting in an error message or a log.
func Shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
