package bird

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"hash"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
)

// The headers that carry Bird's request signatures.
const (
	JWTHeader       = "MessageBird-Signature-JWT"
	SignatureHeader = "MessageBird-Signature"
	TimestampHeader = "MessageBird-Request-Timestamp"
)

// jwtHashes are the JWT algorithms Bird's signing keys may use: HMAC only,
// since the key is a shared secret.
var jwtHashes = map[string]func() hash.Hash{
	"HS256": sha256.New,
	"HS384": sha512.New384,
	"HS512": sha512.New,
}

// claims are the claims of a MessageBird-Signature-JWT.
type claims struct {
	Issuer      string `json:"iss"`
	NotBefore   *int64 `json:"nbf"`
	Expires     *int64 `json:"exp"`
	ID          string `json:"jti"`
	URLHash     string `json:"url_hash"`
	PayloadHash string `json:"payload_hash"`
}

// SignJWT returns a MessageBird-Signature-JWT for a request to rawURL with
// body, valid from issued for a minute, as Bird makes them: HS256 over the
// claims iss "MessageBird", nbf, exp, jti, url_hash (hex SHA-256 of the
// URL) and, for a non-empty body, payload_hash (hex SHA-256 of the body).
// Tests and simulators use it.
func SignJWT(key, rawURL string, body []byte, issued time.Time, jti string) string {
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	nbf, exp := issued.Unix(), issued.Add(time.Minute).Unix()
	c := claims{Issuer: "MessageBird", NotBefore: &nbf, Expires: &exp, ID: jti, URLHash: hexSHA256([]byte(rawURL))}
	if len(body) > 0 {
		c.PayloadHash = hexSHA256(body)
	}
	payload, _ := json.Marshal(c) // a struct of strings and numbers always encodes
	signing := header + "." + base64.RawURLEncoding.EncodeToString(payload)
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(signing))
	return signing + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// VerifyJWT checks a MessageBird-Signature-JWT for a request to rawURL with
// body at now: an HMAC JWT by key (compared in constant time), issued by
// MessageBird, within its nbf and exp (with a few seconds of leeway), with
// a jti, whose url_hash matches the URL and whose payload_hash matches the
// body (and is absent for an empty body). It returns an EFORBIDDEN error.
func VerifyJWT(key, token, rawURL string, body []byte, now time.Time) error {
	token = strings.TrimSpace(token)
	if token == "" {
		return forbidden(JWTHeader, "missing "+JWTHeader+" header")
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return forbidden(JWTHeader, "malformed "+JWTHeader+": not a JWT")
	}
	rawHeader, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	rawClaims, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return forbidden(JWTHeader, "malformed "+JWTHeader+": not base64url")
	}
	var header struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(rawHeader, &header) != nil {
		return forbidden(JWTHeader, "malformed "+JWTHeader+" header part")
	}
	newHash := jwtHashes[header.Alg]
	if newHash == nil {
		// Refusing "none" and public-key algorithms here is what stops a
		// forged token from choosing how it is checked.
		return forbidden(JWTHeader, "unsupported JWT algorithm "+strconv.Quote(shorten(header.Alg, 10)))
	}
	mac := hmac.New(newHash, []byte(key))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if !hmac.Equal(mac.Sum(nil), sig) {
		return forbidden(JWTHeader, "invalid "+JWTHeader+" (is the configured signing key this workspace's?)")
	}
	var c claims
	if json.Unmarshal(rawClaims, &c) != nil {
		return forbidden(JWTHeader, "malformed "+JWTHeader+" claims")
	}
	switch {
	case c.Issuer != "MessageBird":
		return forbidden(JWTHeader, "JWT issuer is not MessageBird")
	case c.NotBefore == nil || c.Expires == nil:
		return forbidden(JWTHeader, "JWT without nbf or exp")
	case now.Add(leeway).Before(time.Unix(*c.NotBefore, 0)):
		return forbidden(JWTHeader, "JWT is not valid yet (nbf in the future; is a clock out of sync?)")
	case now.Add(-leeway).After(time.Unix(*c.Expires, 0)):
		return forbidden(JWTHeader, "JWT has expired (replayed request, or a clock out of sync)")
	case c.ID == "":
		return forbidden(JWTHeader, "JWT without jti")
	case !hmac.Equal([]byte(c.URLHash), []byte(hexSHA256([]byte(rawURL)))):
		return forbidden(JWTHeader, "JWT signs another URL than "+shorten(rawURL, 200)+
			" (if Bird calls another URL, e.g. through a proxy, set the public URL to it)")
	case len(body) == 0 && c.PayloadHash != "":
		return forbidden(JWTHeader, "JWT signs a body but the request has none")
	case len(body) > 0 && !hmac.Equal([]byte(c.PayloadHash), []byte(hexSHA256(body))):
		return forbidden(JWTHeader, "JWT does not sign this body")
	}
	return nil
}

// SignLegacy returns the older MessageBird-Signature for a request at
// timestamp (Unix seconds, as text) with query and body: base64 of
// HMAC-SHA256, keyed by the signing key, over the timestamp, a newline, the
// query parameters sorted by name and encoded, a newline, and the raw
// SHA-256 of the body.
func SignLegacy(key, timestamp string, query url.Values, body []byte) string {
	sum := sha256.Sum256(body)
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(timestamp + "\n" + query.Encode() + "\n"))
	mac.Write(sum[:])
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// VerifyLegacy checks the older MessageBird-Signature and that its
// timestamp is within tolerance of now. It returns an EFORBIDDEN error.
func VerifyLegacy(key, signature, timestamp string, query url.Values, body []byte, now time.Time, tolerance time.Duration) error {
	signature, timestamp = strings.TrimSpace(signature), strings.TrimSpace(timestamp)
	if timestamp == "" {
		return forbidden(TimestampHeader, "missing "+TimestampHeader+" header")
	}
	secs, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return forbidden(TimestampHeader, "malformed "+TimestampHeader+" header")
	}
	if !hmac.Equal([]byte(SignLegacy(key, timestamp, query, body)), []byte(signature)) {
		return forbidden(SignatureHeader, "invalid "+SignatureHeader+" (is the configured signing key this workspace's?)")
	}
	if d := now.Sub(time.Unix(secs, 0)); d > tolerance || d < -tolerance {
		return forbidden(TimestampHeader, TimestampHeader+" is outside the accepted window of "+tolerance.String())
	}
	return nil
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func forbidden(field, msg string) error {
	return &smstrack.Error{Code: smstrack.EFORBIDDEN, Field: field, Message: msg}
}
