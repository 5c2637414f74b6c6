package provider

import (
	"net/http"
	"strings"
)

// RequestURL rebuilds the URL a provider signed: publicURL when set (a
// proxy in front of us changes scheme, host or port), otherwise the
// request's own scheme and Host, followed by the path and query as sent.
func RequestURL(r *http.Request, publicURL string) string {
	var b strings.Builder
	if publicURL != "" {
		b.WriteString(strings.TrimRight(publicURL, "/"))
	} else {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		b.WriteString(scheme + "://" + r.Host)
	}
	b.WriteString(r.URL.EscapedPath())
	if r.URL.RawQuery != "" {
		b.WriteString("?" + r.URL.RawQuery)
	}
	return b.String()
}
