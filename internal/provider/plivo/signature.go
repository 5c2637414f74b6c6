package plivo

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The headers of Plivo's V3 request signatures. The main-account twin is
// signed with the main account's token even for a subaccount's callback.
const (
	SignatureHeader            = "X-Plivo-Signature-V3"
	MainAccountSignatureHeader = "X-Plivo-Signature-Ma-V3"
	NonceHeader                = "X-Plivo-Signature-V3-Nonce"
)

// signedText is what Plivo's V3 signature covers, as its server-side SDKs
// build it: the URL's scheme, host and path, then
//   - for GET: "?" and every parameter as name=value joined by "&", names in
//     order (the URL's own query and params together);
//   - for POST: "?" and, when the URL has a query, its raw name=value pairs
//     in name order joined by "&" and a "."; then every body parameter as
//     name followed by value, names in order, with nothing between;
//
// and finally "." and the nonce. Only a name's first value counts.
func signedText(method, rawURL, nonce string, params url.Values) (string, bool) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return "", false
	}
	var b strings.Builder
	b.WriteString(u.Scheme + "://" + u.Host + u.Path)
	if method == http.MethodGet {
		all := url.Values{}
		for k, v := range u.Query() {
			all[k] = v
		}
		for k, v := range params {
			all[k] = v
		}
		if len(all) > 0 {
			b.WriteString("?")
			for i, k := range slices.Sorted(maps.Keys(all)) {
				if i > 0 {
					b.WriteString("&")
				}
				b.WriteString(k + "=" + first(all[k]))
			}
		}
	} else {
		if u.RawQuery != "" || len(params) > 0 {
			b.WriteString("?")
		}
		if u.RawQuery != "" {
			// The query part keeps its URL encoding, as the SDKs read it.
			query := map[string]string{}
			pairs := strings.Split(u.RawQuery, "&")
			slices.Sort(pairs)
			for _, p := range pairs {
				if k, v, ok := strings.Cut(p, "="); ok {
					query[k] = v
				}
			}
			for i, k := range slices.Sorted(maps.Keys(query)) {
				if i > 0 {
					b.WriteString("&")
				}
				b.WriteString(k + "=" + query[k])
			}
			if len(params) > 0 {
				b.WriteString(".")
			}
		}
		for _, k := range slices.Sorted(maps.Keys(params)) {
			b.WriteString(k + first(params[k]))
		}
	}
	b.WriteString("." + nonce)
	return b.String(), true
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// Sign returns the X-Plivo-Signature-V3 Plivo sends, keyed by authToken,
// with a request of method to rawURL with params (the form body of a POST;
// nil for a GET, whose parameters are in the URL) and nonce: base64 of
// HMAC-SHA256 over the signed text. It is "" for an unparseable URL.
func Sign(authToken, method, rawURL, nonce string, params url.Values) string {
	text, ok := signedText(method, rawURL, nonce, params)
	if !ok {
		return ""
	}
	mac := hmac.New(sha256.New, []byte(authToken))
	mac.Write([]byte(text))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Verify reports whether header, which may hold several comma-separated
// signatures (Plivo sends more than one while tokens rotate), holds Plivo's
// signature by authToken of the request. Comparisons take constant time.
func Verify(authToken, method, rawURL, nonce string, params url.Values, header string) bool {
	want := Sign(authToken, method, rawURL, nonce, params)
	if want == "" || strings.TrimSpace(header) == "" || nonce == "" {
		return false
	}
	ok := false
	// No early exit: every candidate costs the same whatever matches.
	for _, sig := range strings.Split(header, ",") {
		if hmac.Equal([]byte(strings.TrimSpace(sig)), []byte(want)) {
			ok = true
		}
	}
	return ok
}
