package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/webhook"
)

// Reading what providers send: the pieces every provider's parser needs in
// the same form. Which fields mean what stays in each provider's parse.go.

// ParseForm decodes a form body (or a query), refusing a malformed one
// with EINVALID.
func ParseForm(body []byte) (url.Values, error) {
	fields, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, smstrack.Errorf(smstrack.EINVALID, "malformed form body: %s", webhook.Shorten(err.Error(), 80))
	}
	return fields, nil
}

// DecodeObject checks that body is one JSON object in UTF-8 and returns its
// members, refusing anything else with EINVALID.
func DecodeObject(body []byte) (map[string]json.RawMessage, error) {
	if !utf8.Valid(body) {
		return nil, smstrack.Errorf(smstrack.EINVALID, "malformed JSON body: not UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var obj map[string]json.RawMessage
	if err := dec.Decode(&obj); err != nil {
		return nil, smstrack.Errorf(smstrack.EINVALID, "malformed JSON body: %s", webhook.Shorten(err.Error(), 80))
	}
	if obj == nil {
		return nil, smstrack.Errorf(smstrack.EINVALID, "malformed JSON body: not an object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, smstrack.Errorf(smstrack.EINVALID, "malformed JSON body: data after the object")
	}
	return obj, nil
}

// ObjectJSON is DecodeObject that also returns body compacted, to keep as
// the events' payload.
func ObjectJSON(body []byte) (map[string]json.RawMessage, json.RawMessage, error) {
	obj, err := DecodeObject(body)
	if err != nil {
		return nil, nil, err
	}
	var b bytes.Buffer
	if err := json.Compact(&b, body); err != nil {
		return nil, nil, smstrack.Errorf(smstrack.EINVALID, "malformed JSON body: %s", webhook.Shorten(err.Error(), 80))
	}
	return obj, b.Bytes(), nil
}

// JSONFields gives the members of a flat JSON object as form fields, each
// value as text: strings as they are, null as "", anything else as compact
// JSON. Providers that post JSON or forms alike are then read one way.
func JSONFields(obj map[string]json.RawMessage) url.Values {
	fields := make(url.Values, len(obj))
	for k, raw := range obj {
		fields.Set(k, JSONText(raw))
	}
	return fields
}

// JSONText is a JSON value as the text of a form field: strings as they
// are, null as "", anything else as compact JSON.
func JSONText(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	if string(bytes.TrimSpace(raw)) == "null" {
		return ""
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

// ScalarText is a scalar JSON value as text: strings trimmed, numbers as
// written, null and anything else as "".
func ScalarText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// FirstTime is the first of values that is an RFC 3339 time, in UTC; the
// zero time when none is.
func FirstTime(values ...string) time.Time {
	for _, v := range values {
		if t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(v)); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// Count reads a count a provider reports (parts, segments): 0 when it is
// missing, malformed or beyond reason.
func Count(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 10000 {
		return 0
	}
	return n
}

// ErrorCode is a provider's error code as kept: trimmed, cut to 32
// characters, and "" for "0", which providers send for "no error".
func ErrorCode(s string) string {
	s = strings.TrimSpace(s)
	if s == "0" {
		return ""
	}
	return webhook.Shorten(s, 32)
}

// LookupStatus finds a provider's status word in its table, without regard
// to case or surrounding space. A missing or unknown word is refused with
// EINVALID naming field; an unknown one is quoted as given.
func LookupStatus(field, word string, table map[string]smstrack.Status) (smstrack.Status, error) {
	key := strings.ToLower(strings.TrimSpace(word))
	if key == "" {
		return "", smstrack.FieldError(field, "missing status")
	}
	st, ok := table[key]
	if !ok {
		return "", smstrack.FieldError(field, "unknown status %q", webhook.Shorten(word, 40))
	}
	return st, nil
}

// CheckID refuses, with EINVALID naming field, an id that is missing or
// not valid; what names the id in the message ("message id").
func CheckID(field, what, id string, valid func(string) bool) error {
	switch {
	case id == "":
		return smstrack.FieldError(field, "missing %s", what)
	case !valid(id):
		return smstrack.FieldError(field, "malformed %s %q", what, webhook.Shorten(id, 40))
	}
	return nil
}

// NewEvent is the event of a provider's callback: keyed by the provider,
// account and id, received at receivedAt, keeping payload.
func NewEvent(provider, account, id string, receivedAt time.Time, payload json.RawMessage) *smstrack.EventInput {
	return &smstrack.EventInput{
		Key:   smstrack.Key{Provider: provider, Account: account, ProviderID: id},
		Event: smstrack.Event{Source: smstrack.SourceWebhook, ReceivedAt: receivedAt, Payload: payload},
	}
}

// DecodeJSON checks that body is one JSON object, decodes it into v and
// returns body compacted, to keep as the events' payload. what names the
// body in messages ("Sinch callback"); a value of the wrong type is
// refused naming its field.
func DecodeJSON(body []byte, v any, what string) (json.RawMessage, error) {
	_, payload, err := ObjectJSON(body)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(body, v); err != nil {
		field := ""
		if te := (*json.UnmarshalTypeError)(nil); errors.As(err, &te) {
			field = te.Field
		}
		return nil, smstrack.FieldError(field, "malformed %s: %s", what, webhook.Shorten(err.Error(), 80))
	}
	return payload, nil
}
