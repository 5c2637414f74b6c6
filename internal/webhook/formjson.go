package webhook

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// FormJSON encodes form fields as the canonical JSON a payload is kept as:
// keys sorted, one value as a string, repeated values as an array, names
// that are not UTF-8 repaired (merging with a name they then equal). The
// bytes are exactly what encoding/json makes of the same map — equal forms
// give equal bytes, hence equal dedupe keys — written directly, because
// reflection over a map costs a hot path like a status callback dearly.
func FormJSON(fields url.Values) json.RawMessage {
	names := make([]string, 0, len(fields))
	var repaired map[string][]string
	for k := range fields {
		if !utf8.ValidString(k) {
			if repaired == nil {
				repaired = map[string][]string{}
			}
			repaired[strings.ToValidUTF8(k, "\uFFFD")] = nil
			continue
		}
		names = append(names, k)
	}
	if repaired != nil {
		// Rare: rebuild with repaired names, values merged in sorted order of
		// the original names, as the map-based encoding did.
		merged := map[string][]string{}
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range fields {
				if !yield(k) {
					return
				}
			}
		}) {
			name := strings.ToValidUTF8(k, "\uFFFD")
			merged[name] = append(merged[name], fields[k]...)
		}
		fields = merged
		names = names[:0]
		for k := range merged {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	size := 2
	for _, k := range names {
		size += len(k) + 6
		for _, v := range fields[k] {
			size += len(v) + 3
		}
	}
	b := make([]byte, 0, size+size/8)
	b = append(b, '{')
	for i, k := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		switch vs := fields[k]; len(vs) {
		case 1:
			b = appendString(b, vs[0])
		case 0:
			b = append(b, "null"...)
		default:
			b = append(b, '[')
			for j, v := range vs {
				if j > 0 {
					b = append(b, ',')
				}
				b = appendString(b, v)
			}
			b = append(b, ']')
		}
	}
	return append(b, '}')
}

// FormJSONWithout is FormJSON of the fields but the named ones: secrets in
// a URL, or signature parameters that change on every retry and would
// defeat deduplication.
func FormJSONWithout(fields url.Values, skip ...string) json.RawMessage {
	kept := make(url.Values, len(fields))
	for k, v := range fields {
		if !slices.Contains(skip, k) {
			kept[k] = v
		}
	}
	return FormJSON(kept)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string escaped as encoding/json escapes
// it by default: HTML-significant characters, U+2028 and U+2029 as \u
// escapes, invalid UTF-8 as U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
