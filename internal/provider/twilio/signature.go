package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// SignatureHeader carries Twilio's signature of a webhook request.
const SignatureHeader = "X-Twilio-Signature"

// bodyHashParam is the query parameter by which Twilio signs a JSON body: the
// signature covers the URL, and the URL carries the body's SHA-256.
const bodyHashParam = "bodySHA256"

// Sign returns the X-Twilio-Signature Twilio sends with a request to rawURL
// whose form body holds params (nil for a JSON body): base64 of HMAC-SHA1,
// keyed by the auth token, over the URL followed by each parameter's name and
// value, names in order and, for a repeated name, its distinct values in
// order, as Twilio's Node and Python libraries compute it.
func Sign(authToken, rawURL string, params url.Values) string {
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(rawURL))
	for _, k := range slices.Sorted(maps.Keys(params)) {
		values := slices.Clone(params[k])
		slices.Sort(values)
		for _, v := range slices.Compact(values) {
			mac.Write([]byte(k))
			mac.Write([]byte(v))
		}
	}
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// VerifyForm reports whether signature is Twilio's, by authToken, for a form
// request to rawURL with params. Twilio has signed some URLs with their
// default port and some without, so both spellings are accepted, as Twilio's
// own libraries do. Comparisons take constant time.
func VerifyForm(authToken, rawURL string, params url.Values, signature string) bool {
	if signature == "" {
		return false
	}
	for _, u := range urlVariants(rawURL) {
		// Each comparison takes constant time. Stopping at the first match
		// reveals only which spelling of the (public) URL was signed.
		if hmac.Equal([]byte(Sign(authToken, u, params)), []byte(signature)) {
			return true
		}
	}
	return false
}

// VerifyJSON reports whether signature is Twilio's, by authToken, for a JSON
// request to rawURL with body: the URL's bodySHA256 parameter must be the hex
// SHA-256 of body, and the signature must cover the URL alone.
func VerifyJSON(authToken, rawURL string, body []byte, signature string) bool {
	want := bodyHash(rawURL)
	if want == "" {
		return false
	}
	sum := sha256.Sum256(body)
	bodyOK := hmac.Equal([]byte(hex.EncodeToString(sum[:])), []byte(want))
	sigOK := VerifyForm(authToken, rawURL, nil, signature)
	return bodyOK && sigOK
}

// bodyHash returns the bodySHA256 parameter of rawURL, or "".
func bodyHash(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Query().Get(bodyHashParam)
}

// urlVariants returns the spellings of rawURL a signature may cover: the URL
// itself and, for http and https, the same URL with its default port added
// when it has none or removed when it has it. The URL is edited as text, not
// re-encoded, so nothing else in it changes. An unparseable URL has none.
func urlVariants(rawURL string) []string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return nil
	}
	def := map[string]string{"https": "443", "http": "80"}[u.Scheme]
	if def == "" {
		return []string{rawURL}
	}
	// Locate the host:port text after "scheme://" and any userinfo.
	_, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return []string{rawURL}
	}
	start := len(rawURL) - len(rest)
	end := start + len(rest)
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		end = start + i
	}
	if at := strings.LastIndexByte(rawURL[start:end], '@'); at >= 0 {
		start += at + 1
	}
	if rawURL[start:end] != u.Host {
		return []string{rawURL}
	}
	switch u.Port() {
	case "":
		if strings.HasSuffix(u.Host, ":") {
			return []string{rawURL} // "host:" with an empty port: leave it be
		}
		return []string{rawURL, rawURL[:end] + ":" + def + rawURL[end:]}
	case def:
		return []string{rawURL, rawURL[:end-len(":"+def)] + rawURL[end:]}
	}
	return []string{rawURL}
}
