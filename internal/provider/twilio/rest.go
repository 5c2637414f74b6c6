package twilio

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/smstrack/smstrack/internal/provider"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The REST client reads Twilio's Message resources, for reconciliation
// (sync.go) and for completing messages known only from callbacks. It
// never writes to Twilio: it only lists and fetches.

// DefaultBaseURL is Twilio's REST API; tests point Client.BaseURL elsewhere.
const DefaultBaseURL = "https://api.twilio.com"

// MaxPageSize is the largest page Twilio's list endpoints serve.
const MaxPageSize = 1000

// maxResponse bounds one answer of the API: a page of 1,000 messages with
// 1,600-character bodies stays well under it.
const maxResponse = 32 << 20

// Client talks to Twilio's REST API for one account, with HTTP Basic
// authentication by AccountSid and auth token.
type Client struct {
	// BaseURL is the API's scheme and host; empty means DefaultBaseURL.
	BaseURL    string
	AccountSid string
	AuthToken  string
	// HTTP is the client used; nil means one with a 60-second timeout.
	HTTP *http.Client
	// MaxRetries bounds the retries of one request after a 429, a 5xx or
	// a network error; 0 means 5. Negative means none.
	MaxRetries int
	// MinBackoff and MaxBackoff bound the exponential backoff between
	// retries; zero means 500 ms and 30 s. A Retry-After header is honoured
	// up to MaxRetryAfter instead.
	MinBackoff, MaxBackoff time.Duration
	// MaxRetryAfter caps the wait a Retry-After header may ask for; zero
	// means 2 minutes. A longer demand fails the request instead.
	MaxRetryAfter time.Duration
	// UserAgent is sent with every request; empty means "smstrack".
	UserAgent string

	// sleep waits between retries; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
}

// NewClient returns a client for the account with the default settings.
func NewClient(accountSid, authToken string) *Client {
	return &Client{AccountSid: accountSid, AuthToken: authToken}
}

// APIError is an error answer of Twilio's API, with the fields of its JSON
// body: Twilio's own error code, its message, its documentation link and
// the HTTP status.
type APIError struct {
	Status   int    `json:"status"`
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "twilio api: status %d", e.Status)
	if e.Code != 0 {
		fmt.Fprintf(&b, ", error %d", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.MoreInfo != "" {
		fmt.Fprintf(&b, " (%s)", e.MoreInfo)
	}
	return b.String()
}

// MessageResource is one Message resource as Twilio's API returns it: each
// field as text, by its JSON name (numbers as decimal text; a null field is
// left out, like an absent one),
// and the whole object as canonical JSON, to keep as an event's payload.
type MessageResource struct {
	Fields  map[string]string
	Payload json.RawMessage
}

// Get returns the text of the named field ("" when absent or null).
func (m *MessageResource) Get(name string) string { return m.Fields[name] }

// Sid is the message's id.
func (m *MessageResource) Sid() string { return m.Fields["sid"] }

// Status is Twilio's status word for the message.
func (m *MessageResource) Status() string { return m.Fields["status"] }

// DecodeMessageResource reads one Message resource from its JSON object.
// The payload is the object re-encoded with sorted keys, so the same
// resource always gives the same bytes and its events deduplicate.
func DecodeMessageResource(raw []byte) (*MessageResource, error) {
	if !utf8.Valid(raw) {
		return nil, errors.New("twilio api: message resource is not UTF-8")
	}
	obj, err := splitObject(raw)
	if err != nil {
		return nil, fmt.Errorf("twilio api: message resource: %w", err)
	}
	m := &MessageResource{Fields: make(map[string]string, len(obj))}
	for k, v := range obj {
		if string(v) != "null" { // null: unknown, as if absent
			m.Fields[k] = resourceText(v)
		}
	}
	payload, err := canonicalObject(obj, len(raw))
	if err != nil {
		return nil, fmt.Errorf("twilio api: message resource: %w", err)
	}
	m.Payload = payload
	return m, nil
}

// splitObject reads a JSON object into its members, as json.Unmarshal
// into a map of raw messages does (a repeated key keeps its last value),
// without reflection: once the whole is known valid, a scan finds where
// each member starts and ends.
func splitObject(raw []byte) (map[string]json.RawMessage, error) {
	if !json.Valid(raw) {
		var v map[string]json.RawMessage
		return nil, json.Unmarshal(raw, &v) // the decoder's own error
	}
	i := skipSpace(raw, 0)
	if raw[i] != '{' {
		return nil, errors.New("not an object")
	}
	obj := make(map[string]json.RawMessage, 24)
	i = skipSpace(raw, i+1)
	for raw[i] != '}' {
		end := valueEnd(raw, i)
		key := raw[i:end]
		var k string
		if bytes.IndexByte(key, '\\') < 0 {
			k = string(key[1 : len(key)-1])
		} else if err := json.Unmarshal(key, &k); err != nil {
			return nil, err
		}
		i = skipSpace(raw, end)
		i = skipSpace(raw, i+1) // past ':'
		end = valueEnd(raw, i)
		obj[k] = json.RawMessage(raw[i:end])
		i = skipSpace(raw, end)
		if raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	return obj, nil
}

// skipSpace returns the index of the first byte from i that is not JSON
// white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// valueEnd returns the index just past the valid JSON value starting at i.
func valueEnd(b []byte, i int) int {
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '"':
			for j++; b[j] != '"'; j++ {
				if b[j] == '\\' {
					j++
				}
			}
			if depth == 0 {
				return j + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return j // the end of the enclosing object: a literal ended here
			}
			if depth--; depth == 0 {
				return j + 1
			}
		case ',', ' ', '\t', '\n', '\r', ':':
			if depth == 0 {
				return j
			}
		}
	}
	return len(b)
}

// resourceText is provider.JSONText with a fast path for the common case, a string
// without escapes: every send decodes a resource, so this is a hot path.
func resourceText(v json.RawMessage) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' && bytes.IndexByte(v[1:len(v)-1], '\\') < 0 &&
		bytes.IndexByte(v[1:len(v)-1], '"') < 0 && utf8.Valid(v) {
		return string(v[1 : len(v)-1])
	}
	return provider.JSONText(v)
}

// canonicalObject writes obj exactly as encoding/json writes a map of raw
// messages (keys sorted, values compacted, <, >, &, U+2028 and U+2029
// escaped in strings), without its reflection: the bytes must not change,
// since they feed the events' dedupe keys.
func canonicalObject(obj map[string]json.RawMessage, sizeHint int) (json.RawMessage, error) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b bytes.Buffer
	b.Grow(sizeHint)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		if plainKey(k) {
			b.WriteByte('"')
			b.WriteString(k)
			b.WriteByte('"')
		} else {
			kb, err := json.Marshal(k)
			if err != nil {
				return nil, err
			}
			b.Write(kb)
		}
		b.WriteByte(':')
		v := obj[k]
		if bytes.ContainsAny(v, "<>&\u2028\u2029") {
			var c bytes.Buffer
			if err := json.Compact(&c, v); err != nil {
				return nil, err
			}
			json.HTMLEscape(&b, c.Bytes())
		} else if err := json.Compact(&b, v); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// plainKey reports a key encoding/json writes as is: letters, digits and
// a few safe punctuation marks.
func plainKey(k string) bool {
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// ListParams select messages for ListMessages.
type ListParams struct {
	// DateSentAfter and DateSentBefore filter by date_sent (Twilio's
	// DateSent> and DateSent< parameters); zero means unbounded.
	DateSentAfter, DateSentBefore time.Time
	// PageSize is the number of messages per page; 0 means MaxPageSize.
	PageSize int
}

// messagePage is one page of Twilio's message list.
type messagePage struct {
	Messages    []json.RawMessage `json:"messages"`
	NextPageURI *string           `json:"next_page_uri"`
}

// ListMessages reads every message of the account matching p, newest
// first as Twilio lists them, following next_page_uri, and hands each
// page to fn. It stops at the first error of the API or of fn.
func (c *Client) ListMessages(ctx context.Context, p ListParams, fn func(page []*MessageResource) error) error {
	q := url.Values{}
	size := p.PageSize
	if size <= 0 || size > MaxPageSize {
		size = MaxPageSize
	}
	q.Set("PageSize", strconv.Itoa(size))
	if !p.DateSentAfter.IsZero() {
		q.Set("DateSent>", p.DateSentAfter.UTC().Format(time.RFC3339))
	}
	if !p.DateSentBefore.IsZero() {
		q.Set("DateSent<", p.DateSentBefore.UTC().Format(time.RFC3339))
	}
	next := c.accountPath("Messages.json") + "?" + q.Encode()
	seen := map[string]bool{}
	for next != "" {
		// A server that hands back a page already read would loop forever.
		if seen[next] {
			return fmt.Errorf("twilio api: next_page_uri repeats %s", next)
		}
		seen[next] = true
		var page messagePage
		if err := c.get(ctx, next, &page); err != nil {
			return err
		}
		msgs := make([]*MessageResource, 0, len(page.Messages))
		for _, raw := range page.Messages {
			m, err := DecodeMessageResource(raw)
			if err != nil {
				return err
			}
			msgs = append(msgs, m)
		}
		if err := fn(msgs); err != nil {
			return err
		}
		next = ""
		if page.NextPageURI != nil {
			next = *page.NextPageURI
		}
	}
	return nil
}

// FetchMessage reads one Message resource by its sid. A message Twilio
// does not know comes back as an *APIError with Status 404.
func (c *Client) FetchMessage(ctx context.Context, sid string) (*MessageResource, error) {
	if !validID(sid) {
		return nil, fmt.Errorf("twilio api: malformed message sid %q", shorten(sid, 40))
	}
	var raw json.RawMessage
	if err := c.get(ctx, c.accountPath("Messages/"+sid+".json"), &raw); err != nil {
		return nil, err
	}
	return DecodeMessageResource(raw)
}

// accountPath is the path of a resource under the client's account.
func (c *Client) accountPath(rest string) string {
	return "/2010-04-01/Accounts/" + url.PathEscape(c.AccountSid) + "/" + rest
}

// get reads path (relative to BaseURL, or absolute on the same host) into
// out, retrying what a later attempt may cure.
func (c *Client) get(ctx context.Context, path string, out any) error {
	u, err := c.resolve(path)
	if err != nil {
		return err
	}
	retries := c.MaxRetries
	if retries == 0 {
		retries = 5
	}
	for attempt := 0; ; attempt++ {
		body, wait, err := c.do(ctx, u)
		if err == nil {
			if err := json.Unmarshal(body, out); err != nil {
				return fmt.Errorf("twilio api: GET %s: decoding answer: %w", u.Path, err)
			}
			return nil
		}
		if wait < 0 || attempt >= retries || ctx.Err() != nil {
			return err
		}
		if wait == 0 {
			wait = c.backoff(attempt)
		}
		if err := c.pause(ctx, wait); err != nil {
			return err
		}
	}
}

// resolve makes path absolute against BaseURL. next_page_uri is relative
// to the API's host; an absolute URL must stay on that host, so the
// credentials never go elsewhere.
func (c *Client) resolve(path string) (*url.URL, error) {
	base, err := url.Parse(strings.TrimRight(cmp.Or(c.BaseURL, DefaultBaseURL), "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("twilio api: bad base URL %q", c.BaseURL)
	}
	ref, err := url.Parse(path)
	if err != nil {
		return nil, fmt.Errorf("twilio api: bad path %q: %w", shorten(path, 80), err)
	}
	u := base.ResolveReference(ref)
	if u.Scheme != base.Scheme || u.Host != base.Host {
		return nil, fmt.Errorf("twilio api: refusing to follow %s off %s", u.Redacted(), base.Host)
	}
	return u, nil
}

// do sends one GET. On failure wait says what to do: negative for an
// error no retry cures, zero to back off exponentially, positive for the
// wait the server asked for.
func (c *Client) do(ctx context.Context, u *url.URL) (body []byte, wait time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, -1, fmt.Errorf("twilio api: %w", err)
	}
	req.SetBasicAuth(c.AccountSid, c.AuthToken)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", cmp.Or(c.UserAgent, "smstrack"))
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, -1, ctx.Err()
		}
		return nil, 0, fmt.Errorf("twilio api: GET %s: %w", u.Path, err)
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, 0, fmt.Errorf("twilio api: GET %s: reading answer: %w", u.Path, err)
	}
	if len(body) > maxResponse {
		return nil, -1, fmt.Errorf("twilio api: GET %s: answer larger than %d bytes", u.Path, maxResponse)
	}
	if resp.StatusCode/100 == 2 {
		return body, 0, nil
	}
	apiErr := &APIError{}
	if json.Unmarshal(body, apiErr) != nil || apiErr.Message == "" && apiErr.Code == 0 {
		apiErr = &APIError{Message: shorten(strings.TrimSpace(string(bytes.ToValidUTF8(body, []byte("?")))), 200)}
	}
	apiErr.Status = resp.StatusCode
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500 {
		return nil, -1, apiErr
	}
	wait, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now())
	if ok && wait > cmp.Or(c.MaxRetryAfter, 2*time.Minute) {
		return nil, -1, fmt.Errorf("%w; Twilio asks to wait %v before retrying", apiErr, wait.Round(time.Second))
	}
	return nil, wait, apiErr
}

var defaultHTTP = &http.Client{Timeout: 60 * time.Second}

// retryAfter reads a Retry-After header: delay seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return max(time.Duration(n)*time.Second, time.Millisecond), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), time.Millisecond), true
	}
	return 0, false
}

// backoff is the wait before retry attempt+1: exponential from MinBackoff,
// capped at MaxBackoff, with jitter so many clients do not retry in step.
func (c *Client) backoff(attempt int) time.Duration {
	lo, hi := cmp.Or(c.MinBackoff, 500*time.Millisecond), cmp.Or(c.MaxBackoff, 30*time.Second)
	d := lo << min(attempt, 20)
	if d > hi || d <= 0 {
		d = hi
	}
	// Between half and all of d.
	return d/2 + rand.N(d/2+1)
}

func (c *Client) pause(ctx context.Context, d time.Duration) error {
	if c.sleep != nil {
		return c.sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
