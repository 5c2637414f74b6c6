package archive

import (
	"fmt"
	"mime"
	"strings"
)

// DefaultAllowedTypes are the media types MMS carriers and Twilio accept or
// pass through; anything else in a picture message is more likely a mistake
// or an attack than something worth keeping.
var DefaultAllowedTypes = []string{
	"image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/bmp",
	"video/mp4", "video/3gpp", "video/quicktime",
	"audio/mpeg", "audio/mp4", "audio/amr", "audio/ogg",
	"text/vcard", "text/x-vcard", "text/calendar",
	"application/pdf",
}

// typeAliases maps non-standard names that phones and gateways really send
// to the registered type, so that the allow list need not repeat them and
// the stored type is the one browsers understand.
var typeAliases = map[string]string{
	"image/jpg":      "image/jpeg",
	"image/pjpeg":    "image/jpeg",
	"image/x-ms-bmp": "image/bmp",
	"audio/mp3":      "audio/mpeg",
	"audio/x-m4a":    "audio/mp4",
}

// sniffFamilies lists, for a type http.DetectContentType can report, the
// declared types whose files legitimately sniff as it. The sniffer knows one
// ISO base media signature (reported as video/mp4) and one Ogg signature, so
// a 3GPP video or an M4A voice note whose brands include "mp4" sniffs as
// video/mp4; the declared type is the more precise one and is kept.
var sniffFamilies = map[string][]string{
	"video/mp4": {
		"audio/mp4", "video/3gpp", "video/3gpp2", "audio/3gpp", "audio/3gpp2",
		"video/quicktime", "image/heic", "image/heif",
	},
	"application/ogg": {"audio/ogg", "video/ogg", "audio/opus"},
	"audio/wave":      {"audio/wav", "audio/x-wav", "audio/vnd.wave"},
}

// normalizeType reduces a Content-Type value to its lowercased media type
// without parameters, resolving aliases; it returns "" when v is empty or
// does not parse, which callers treat as "not declared".
func normalizeType(v string) string {
	if strings.TrimSpace(v) == "" {
		return ""
	}
	t, _, err := mime.ParseMediaType(v)
	if err != nil {
		return ""
	}
	if alias, ok := typeAliases[t]; ok {
		return alias
	}
	return t
}

// allowList matches media types against exact entries and "major/*"
// wildcards; "*/*" allows everything.
type allowList struct {
	exact map[string]bool
	major map[string]bool // "image" for "image/*"; "*" for "*/*"
}

// newAllowList validates and lowercases the entries; an entry that is not
// "type/subtype" is a configuration mistake worth failing New for.
func newAllowList(types []string) (allowList, error) {
	l := allowList{exact: map[string]bool{}, major: map[string]bool{}}
	for _, raw := range types {
		t := strings.ToLower(strings.TrimSpace(raw))
		major, minor, ok := strings.Cut(t, "/")
		if !ok || major == "" || minor == "" || strings.ContainsAny(minor, "/;") || (major == "*" && minor != "*") {
			return allowList{}, fmt.Errorf("archive: allowed type %q: want type/subtype or type/*", raw)
		}
		if minor == "*" {
			l.major[major] = true
			continue
		}
		if alias, ok := typeAliases[t]; ok {
			t = alias
		}
		l.exact[t] = true
	}
	return l, nil
}

// allows reports whether the normalized media type t is on the list.
func (l allowList) allows(t string) bool {
	if t == "" {
		return false
	}
	if l.exact[t] || l.major["*"] {
		return true
	}
	major, _, _ := strings.Cut(t, "/")
	return l.major[major]
}

// undeclared reports whether the Content-Type header tells nothing useful:
// absent, unparsable, or the generic binary type servers use when they do not
// know.
func undeclared(t string) bool {
	return t == "" || t == "application/octet-stream"
}

// resolveType decides the type to store from the declared type (already
// checked against the allow list when declared) and what the first bytes
// sniff as. The rules, in order:
//
//   - Nothing declared: the sniffed type is used and must be allowed.
//   - Sniffed equals declared: accepted.
//   - Sniffed application/octet-stream, meaning the sniffer knows no
//     signature (HEIC, AMR, 3GPP, ...): the declared type is trusted, unless it
//     is text/*, because text with binary bytes in it is not text.
//   - Sniffed text/plain: accepted only for a declared text/* type (vCard and
//     iCalendar sniff as plain text). A JSON error or an HTML fragment served
//     as image/jpeg lands here and is refused.
//   - Sniffed type in the declared type's family (see sniffFamilies):
//     accepted with the declared, more precise, type.
//   - Otherwise the magic number wins over the header: the sniffed type is
//     stored if it is allowed (a PNG labelled image/jpeg is kept as image/png,
//     so it is served with its true type) and refused if it is not (an HTML
//     page labelled image/jpeg).
func (l allowList) resolveType(declared, sniffedHeader string) (string, error) {
	sniffed := normalizeType(sniffedHeader)
	refuse := func(reason string) (string, error) {
		return "", &TypeError{Declared: declared, Sniffed: sniffed, Reason: reason}
	}
	if undeclared(declared) {
		if l.allows(sniffed) {
			return sniffed, nil
		}
		return refuse("no usable declared type and the sniffed type is not allowed")
	}
	switch {
	case sniffed == declared:
		return declared, nil
	case sniffed == "application/octet-stream":
		if strings.HasPrefix(declared, "text/") {
			return refuse("declared text but the bytes are binary")
		}
		return declared, nil
	case sniffed == "text/plain":
		if strings.HasPrefix(declared, "text/") {
			return declared, nil
		}
		return refuse("declared binary media but the bytes are text")
	}
	for _, member := range sniffFamilies[sniffed] {
		if member == declared {
			return declared, nil
		}
	}
	if l.allows(sniffed) {
		return sniffed, nil
	}
	return refuse("the bytes are of another type, which is not allowed")
}
