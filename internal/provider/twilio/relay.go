package twilio

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// The relay: a message sent through smstrack's send API gets smstrack's
// own status webhook as its StatusCallback, with the app's own callback
// carried in that URL's query (relay, and relay_sig, a tag keyed by the
// account's auth token). Every status callback therefore names where it
// goes next: no lookup, and no race with the recording of the send. Twilio
// signs the whole URL, query included, so only a verified callback can
// carry a target; the tag also keeps a forged callback from choosing one
// when signature verification is off. A new callback so marked is queued
// in the outbox in the transaction that stores it (EventInput.RelayTo),
// and the webhook worker delivers it, with retries, signed by RelaySigner
// as Twilio signs its own callbacks.

// The query parameters of smstrack's status URL that carry the app's
// callback and its tag.
const (
	relayParam    = "relay"
	relayTagParam = "relay_sig"
)

// IdempotencyHeader is the header Twilio's webhooks carry for receivers to
// deduplicate by; a relay sets it the same on every attempt.
const IdempotencyHeader = "I-Twilio-Idempotency-Token"

// relayTag authenticates target as the relay chosen by a holder of token.
func relayTag(token, target string) string {
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte("smstrack relay\x00"))
	mac.Write([]byte(target))
	return hex.EncodeToString(mac.Sum(nil)[:16])
}

// RelayStatusURL is the StatusCallback the send API gives Twilio: smstrack's
// status URL carrying the app's own callback and its tag by the token.
func RelayStatusURL(statusURL, token, appCallback string) string {
	q := url.Values{relayParam: {appCallback}, relayTagParam: {relayTag(token, appCallback)}}
	return statusURL + "?" + q.Encode()
}

// errRelayTag reports a relay target whose tag does not match.
var errRelayTag = errors.New("the relay tag does not match the account's token")

// relayTarget returns the app's callback that a status callback request
// carries in its URL: "" when it carries none, an error when its tag is
// wrong or it is no http(s) URL.
func relayTarget(r *http.Request, token string) (string, error) {
	q := r.URL.Query()
	target := q.Get(relayParam)
	if target == "" {
		return "", nil
	}
	if token == "" || !hmac.Equal([]byte(q.Get(relayTagParam)), []byte(relayTag(token, target))) {
		return "", errRelayTag
	}
	if err := checkCallbackURL(target); err != nil {
		return "", err
	}
	return target, nil
}

// RelaySigner signs relayed status callbacks for the webhook worker as
// Twilio signs its own: X-Twilio-Signature by the account's auth token over
// the app's URL and the fields, so the app's RequestValidator passes
// unchanged, and an idempotency token that is the same on every attempt.
func RelaySigner(accounts map[string]string) func(account, target, id string, fields url.Values) (http.Header, error) {
	return func(account, target, id string, fields url.Values) (http.Header, error) {
		token := accounts[account]
		if token == "" {
			return nil, fmt.Errorf("twilio account %s is not configured: no auth token to sign the relay with", account)
		}
		return http.Header{
			SignatureHeader:   {Sign(token, target, fields)},
			IdempotencyHeader: {"smstrack-" + id},
		}, nil
	}
}

// checkCallbackURL refuses anything but an absolute http(s) URL.
func checkCallbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("malformed status callback URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("status callback %q is not an http(s) URL", shorten(raw, 200))
	}
	return nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
