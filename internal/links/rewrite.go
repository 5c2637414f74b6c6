package links

import (
	"net/url"
	"regexp"
	"strings"
)

// urlPattern finds candidate URLs; trimURL then drops what a sentence put
// after them.
var urlPattern = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"]+`)

// Span is one URL found in a body, as byte offsets.
type Span struct {
	Start, End int
	URL        string
}

// FindURLs returns the http and https URLs of body in order. Punctuation
// that ends a sentence ("see https://x.example/a." or "(https://x.example)")
// is not part of the URL; a closing bracket is kept when the URL opened it.
func FindURLs(body string) []Span {
	var out []Span
	for _, loc := range urlPattern.FindAllStringIndex(body, -1) {
		u := trimURL(body[loc[0]:loc[1]])
		if !ValidTarget(u) {
			continue
		}
		out = append(out, Span{Start: loc[0], End: loc[0] + len(u), URL: u})
	}
	return out
}

func trimURL(u string) string {
	for len(u) > 0 {
		c := u[len(u)-1]
		switch c {
		case '.', ',', ';', ':', '!', '?', '\'', '*':
			u = u[:len(u)-1]
			continue
		case ')', ']', '}':
			open := map[byte]byte{')': '(', ']': '[', '}': '{'}[c]
			if strings.Count(u, string(open)) < strings.Count(u, string(c)) {
				u = u[:len(u)-1]
				continue
			}
		}
		return u
	}
	return u
}

// ValidTarget reports whether u may be the target of a link: an absolute
// http or https URL with a host and no credentials.
func ValidTarget(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" || p.User != nil {
		return false
	}
	s := strings.ToLower(p.Scheme)
	return s == "http" || s == "https"
}

// Rewrite returns body with each found URL replaced by short(i, url), i
// counting from 0, and the URLs replaced.
func Rewrite(body string, short func(i int, u string) string) (string, []string) {
	spans := FindURLs(body)
	if len(spans) == 0 {
		return body, nil
	}
	var b strings.Builder
	urls := make([]string, len(spans))
	last := 0
	for i, s := range spans {
		b.WriteString(body[last:s.Start])
		b.WriteString(short(i, s.URL))
		urls[i] = s.URL
		last = s.End
	}
	b.WriteString(body[last:])
	return b.String(), urls
}

// ShortURL joins a link base ("https://t.example/l") and a code.
func ShortURL(base, code string) string {
	return strings.TrimRight(base, "/") + "/" + code
}
