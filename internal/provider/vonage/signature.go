package vonage

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The parameters of a signed webhook that carry the signature itself and
// the values it was made with.
const (
	SigParam       = "sig"
	TimestampParam = "timestamp"
	NonceParam     = "nonce"
)

// signingText is the text Vonage signs: for each parameter but sig, in
// name order, "&name=value", with every '&' and '=' inside names and values
// replaced by '_' so the pairs cannot be confused. Only a name's first value
// counts. With skipBlank, parameters whose value is blank are left out, as
// some of Vonage's libraries do; others keep them, so both are tried.
func signingText(params url.Values, skipBlank bool) string {
	clean := strings.NewReplacer("&", "_", "=", "_")
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(params)) {
		if k == SigParam || len(params[k]) == 0 {
			continue
		}
		v := params[k][0]
		if skipBlank && strings.TrimSpace(v) == "" {
			continue
		}
		b.WriteString("&")
		b.WriteString(clean.Replace(k))
		b.WriteString("=")
		b.WriteString(clean.Replace(v))
	}
	return b.String()
}

// Sign returns the sig Vonage sends with params, signed by secret with
// method, as lowercase hex: MD5 of the signing text followed by the secret
// for MD5Hash, an HMAC keyed by the secret over the signing text otherwise.
func Sign(secret string, method Method, params url.Values) string {
	return sign(secret, method, signingText(params, false))
}

func sign(secret string, method Method, text string) string {
	if method == MD5Hash || method == "" {
		sum := md5.Sum([]byte(text + secret))
		return hex.EncodeToString(sum[:])
	}
	var h func() hash.Hash
	switch method {
	case HMACMD5:
		h = md5.New
	case HMACSHA1:
		h = sha1.New
	case HMACSHA256:
		h = sha256.New
	case HMACSHA512:
		h = sha512.New
	default:
		return ""
	}
	mac := hmac.New(h, []byte(secret))
	mac.Write([]byte(text))
	return hex.EncodeToString(mac.Sum(nil))
}

// Verify reports whether params carry a valid sig by secret with method.
// Vonage's libraries write HMACs in upper case and MD5 hashes in lower case,
// so hex case is ignored. Comparisons take constant time.
func Verify(secret string, method Method, params url.Values) bool {
	got := strings.ToLower(strings.TrimSpace(params.Get(SigParam)))
	if got == "" || secret == "" {
		return false
	}
	ok := false
	// No early exit: both spellings cost the same whatever matches.
	for _, skip := range []bool{false, true} {
		if hmac.Equal([]byte(sign(secret, method, signingText(params, skip))), []byte(got)) {
			ok = true
		}
	}
	return ok
}

// Fresh reports whether the timestamp parameter (Unix seconds) lies within
// maxAge of now, either way: a signed webhook outside it may be a replay.
func Fresh(params url.Values, now time.Time, maxAge time.Duration) bool {
	ts, err := strconv.ParseInt(strings.TrimSpace(params.Get(TimestampParam)), 10, 64)
	if err != nil {
		return false
	}
	d := now.Sub(time.Unix(ts, 0))
	return d <= maxAge && d >= -maxAge
}
