package twilio

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// fakeAPI answers like Twilio's REST API from testdata/rest: the message
// list in three pages (page0.json, page1.json, page2.json, chained by
// their next_page_uri) and one message (message.json). Scripted failures
// come first, one per request.
type fakeAPI struct {
	t     *testing.T
	srv   *httptest.Server
	mu    sync.Mutex
	fail  []scripted // answered, in order, before any real answer
	calls []*http.Request
	token string
}

// scripted is one failure answer.
type scripted struct {
	status     int
	retryAfter string
	file       string // testdata/rest file for the body; empty for a plain text body
}

func newFakeAPI(t *testing.T) *fakeAPI {
	t.Helper()
	f := &fakeAPI{t: t, token: testToken}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) client() *Client {
	c := NewClient(testAccount, f.token)
	c.BaseURL = f.srv.URL
	c.sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	return c
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "rest", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.calls = append(f.calls, r)
	var fail *scripted
	if len(f.fail) > 0 {
		fail = &f.fail[0]
		f.fail = f.fail[1:]
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if user, pass, ok := r.BasicAuth(); !ok || user != testAccount || pass != testToken {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write(readTestdata(f.t, "error401.json"))
		return
	}
	if fail != nil {
		if fail.retryAfter != "" {
			w.Header().Set("Retry-After", fail.retryAfter)
		}
		w.WriteHeader(fail.status)
		if fail.file != "" {
			w.Write(readTestdata(f.t, fail.file))
		} else {
			w.Write([]byte("upstream trouble"))
		}
		return
	}
	prefix := "/2010-04-01/Accounts/" + testAccount + "/"
	switch {
	case r.URL.Path == prefix+"Messages.json":
		page := r.URL.Query().Get("Page")
		if page == "" {
			page = "0"
		}
		w.Write(readTestdata(f.t, "page"+page+".json"))
	case r.URL.Path == prefix+"Messages/SM00000000000000000000000000000001.json":
		w.Write(readTestdata(f.t, "message.json"))
	default:
		w.WriteHeader(http.StatusNotFound)
		w.Write(readTestdata(f.t, "error404.json"))
	}
}

func (f *fakeAPI) requests() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.calls...)
}

func listAll(t *testing.T, c *Client, p ListParams) ([]*MessageResource, int, error) {
	t.Helper()
	var all []*MessageResource
	pages := 0
	err := c.ListMessages(context.Background(), p, func(page []*MessageResource) error {
		pages++
		all = append(all, page...)
		return nil
	})
	return all, pages, err
}

func TestListMessagesFollowsPages(t *testing.T) {
	api := newFakeAPI(t)
	since := time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC)
	until := since.Add(24 * time.Hour)
	msgs, pages, err := listAll(t, api.client(), ListParams{DateSentAfter: since, DateSentBefore: until, PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if pages != 3 || len(msgs) != 5 {
		t.Fatalf("got %d messages in %d pages, want 5 in 3", len(msgs), pages)
	}
	for i, m := range msgs {
		if want := "SM0000000000000000000000000000000" + string(rune('1'+i)); m.Sid() != want {
			t.Errorf("message %d: sid %q, want %q", i, m.Sid(), want)
		}
	}
	reqs := api.requests()
	first := reqs[0].URL.Query()
	if got, want := first.Get("DateSent>"), "2025-03-04T00:00:00Z"; got != want {
		t.Errorf("DateSent> = %q, want %q", got, want)
	}
	if got, want := first.Get("DateSent<"), "2025-03-05T00:00:00Z"; got != want {
		t.Errorf("DateSent< = %q, want %q", got, want)
	}
	if got := first.Get("PageSize"); got != "2" {
		t.Errorf("PageSize = %q, want 2", got)
	}
	if got := reqs[2].URL.Query().Get("PageToken"); got != "PASM00000000000000000000000000000004" {
		t.Errorf("third request PageToken = %q: next_page_uri not followed", got)
	}
	for _, r := range reqs {
		if r.Method != http.MethodGet || r.Header.Get("Accept") != "application/json" {
			t.Errorf("%s %s accept %q", r.Method, r.URL, r.Header.Get("Accept"))
		}
	}
}

func TestDecodeMessageResource(t *testing.T) {
	m, err := DecodeMessageResource(readTestdata(t, "message.json"))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"sid": "SM00000000000000000000000000000001", "account_sid": testAccount, "status": "delivered",
		"num_segments": "1", "price": "-0.00790", "direction": "outbound-api", "body": "Your code is 123456",
		"date_updated": "Tue, 04 Mar 2025 10:15:02 +0000",
	} {
		if got := m.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	for _, name := range []string{"error_code", "error_message"} {
		if _, ok := m.Fields[name]; ok {
			t.Errorf("null field %s kept as %q; want it absent", name, m.Fields[name])
		}
	}
	again, _ := DecodeMessageResource([]byte(strings.ReplaceAll(string(readTestdata(t, "message.json")), "\n", "")))
	if string(again.Payload) != string(m.Payload) {
		t.Errorf("payload depends on formatting:\n%s\n%s", m.Payload, again.Payload)
	}
	for _, bad := range []string{"", "null", "[]", `{"sid":`, "\xff"} {
		if _, err := DecodeMessageResource([]byte(bad)); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func TestFetchMessage(t *testing.T) {
	api := newFakeAPI(t)
	m, err := api.client().FetchMessage(context.Background(), "SM00000000000000000000000000000001")
	if err != nil {
		t.Fatal(err)
	}
	if m.Status() != "delivered" {
		t.Errorf("status %q", m.Status())
	}
	_, err = api.client().FetchMessage(context.Background(), "SM00000000000000000000000000000099")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 404 || apiErr.Code != 20404 {
		t.Errorf("unknown message: got %v, want an APIError 404/20404", err)
	}
	if _, err := api.client().FetchMessage(context.Background(), "../Calls"); err == nil {
		t.Error("a sid with a path in it must be refused before any request")
	}
}

// TestRetries: 429 and 5xx answers are retried (honouring Retry-After),
// other errors come back at once with Twilio's error JSON.
func TestRetries(t *testing.T) {
	cases := []struct {
		name       string
		fail       []scripted
		token      string
		maxRetries int
		wantErr    *APIError // nil: success
		wantCalls  int       // requests for the first page
		wantWaits  []time.Duration
	}{
		{name: "429 with Retry-After then success", fail: []scripted{{status: 429, retryAfter: "3", file: "error429.json"}},
			wantCalls: 2, wantWaits: []time.Duration{3 * time.Second}},
		{name: "500 then success", fail: []scripted{{status: 500}}, wantCalls: 2},
		{name: "503 twice then success", fail: []scripted{{status: 503}, {status: 503}}, wantCalls: 3},
		{name: "401 passed back", token: "wrong", wantCalls: 1,
			wantErr: &APIError{Status: 401, Code: 20003, Message: "Authenticate", MoreInfo: "https://www.twilio.com/docs/errors/20003"}},
		{name: "400 passed back", fail: []scripted{{status: 400}}, wantCalls: 1,
			wantErr: &APIError{Status: 400, Message: "upstream trouble"}},
		{name: "retries bounded", maxRetries: 2, fail: []scripted{{status: 502}, {status: 502}, {status: 502}, {status: 502}}, wantCalls: 3,
			wantErr: &APIError{Status: 502, Message: "upstream trouble"}},
		{name: "Retry-After beyond the cap fails", fail: []scripted{{status: 429, retryAfter: "3600", file: "error429.json"}}, wantCalls: 1,
			wantErr: &APIError{Status: 429, Code: 20429, Message: "Too Many Requests", MoreInfo: "https://www.twilio.com/docs/errors/20429"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := newFakeAPI(t)
			api.fail = tc.fail
			c := api.client()
			if tc.token != "" {
				c.AuthToken = tc.token
			}
			c.MaxRetries = tc.maxRetries
			var waits []time.Duration
			c.sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			var pages int
			err := c.ListMessages(context.Background(), ListParams{}, func([]*MessageResource) error {
				pages++
				return errors.New("stop after the first page")
			})
			calls := len(api.requests())
			if calls != tc.wantCalls {
				t.Errorf("got %d requests, want %d", calls, tc.wantCalls)
			}
			if tc.wantErr == nil {
				if pages != 1 {
					t.Fatalf("got %d pages (err %v), want the first page after retries", pages, err)
				}
			} else {
				var got *APIError
				if !errors.As(err, &got) || *got != *tc.wantErr {
					t.Fatalf("got error %#v (%v), want %#v", got, err, tc.wantErr)
				}
			}
			if tc.wantWaits != nil && !equalDurations(waits, tc.wantWaits) {
				t.Errorf("waits %v, want %v", waits, tc.wantWaits)
			}
			for _, w := range waits {
				if w <= 0 || w > 30*time.Second {
					t.Errorf("wait %v out of bounds", w)
				}
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	c := &Client{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}
	for attempt, hi := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		hi *= time.Millisecond
		for range 50 {
			if d := c.backoff(attempt); d < hi/2 || d > hi {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, d, hi/2, hi)
			}
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false}, {"5", 5 * time.Second, true}, {" 0 ", time.Millisecond, true}, {"-1", 0, false}, {"soon", 0, false},
		{"Tue, 04 Mar 2025 10:00:30 GMT", 30 * time.Second, true},
	}
	for _, tc := range cases {
		got, ok := retryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestNextPageStaysOnHost: a next_page_uri naming another host must not
// receive the account's credentials.
func TestNextPageStaysOnHost(t *testing.T) {
	c := NewClient(testAccount, testToken)
	c.BaseURL = "https://api.twilio.com"
	for _, next := range []string{"https://evil.example/steal", "//evil.example/x", "http://api.twilio.com/2010-04-01/x"} {
		if _, err := c.resolve(next); err == nil {
			t.Errorf("resolve(%q): want a refusal", next)
		}
	}
	u, err := c.resolve("/2010-04-01/Accounts/AC1/Messages.json?Page=1&PageToken=PA1")
	if err != nil || u.String() != "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?Page=1&PageToken=PA1" {
		t.Errorf("relative next page: %v %v", u, err)
	}
}

func TestRepeatedNextPageStops(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"messages":[],"next_page_uri":"/2010-04-01/Accounts/` + testAccount + `/Messages.json?Page=1"}`))
	}))
	defer srv.Close()
	c := NewClient(testAccount, testToken)
	c.BaseURL = srv.URL
	err := c.ListMessages(context.Background(), ListParams{}, func([]*MessageResource) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "repeats") {
		t.Errorf("got %v, want a loop refused", err)
	}
}

// TestResourcePayloadAsEncodingJSON: the payload kept of a Message
// resource is byte for byte what encoding/json makes of it, as before the
// hand-written encoder, so dedupe keys do not change.
func TestResourcePayloadAsEncodingJSON(t *testing.T) {
	inputs := []string{
		`{"sid": "SM1", "body": "a < b && c > d \u2028 é \"q\" \\ /", "price": null, "num_segments": "1",
		  "subresource_uris": {"media": "/x.json",  "feedback": "/y.json"}, "error_code": 30003, "x-odd key": [1, 2 ,3],
		  "émoji": "😀", "nested": {"b": {"a": true}}}`,
		`{}`,
		`{"z": "", "a": "\u003c\u0026", "m": -1.5e3}`,
		`{"k\"ey": "v", "dup": 1, "dup": "two", "arr": ["}", "{\"", [{"x": "]"}]], "t": true, "f":false,"n":null }`,
	}
	for _, f := range []string{"message.json", "page0.json"} {
		raw, err := os.ReadFile(filepath.Join("testdata", "rest", f))
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, string(raw))
	}
	for _, in := range inputs {
		checkResourceAsEncodingJSON(t, []byte(in))
	}
}

// checkResourceAsEncodingJSON decodes in both ways and compares.
func checkResourceAsEncodingJSON(t *testing.T, in []byte) {
	t.Helper()
	var obj map[string]json.RawMessage
	refErr := json.Unmarshal(in, &obj)
	m, err := DecodeMessageResource(in)
	if refErr != nil || obj == nil || !utf8.Valid(in) {
		if err == nil {
			t.Errorf("%q decoded, want an error (encoding/json: %v)", in, refErr)
		}
		return
	}
	if err != nil {
		t.Fatalf("%q: %v", in, err)
	}
	want, _ := json.Marshal(obj)
	if string(m.Payload) != string(want) {
		t.Errorf("payload\n got %s\nwant %s", m.Payload, want)
	}
	for k, v := range obj {
		var s string
		if json.Unmarshal(v, &s) == nil && m.Get(k) != s {
			t.Errorf("field %s = %q, want %q", k, m.Get(k), s)
		}
	}
	if len(m.Fields) > len(obj) {
		t.Errorf("%d fields, want at most %d", len(m.Fields), len(obj))
	}
}

func FuzzDecodeMessageResource(f *testing.F) {
	f.Add([]byte(`{"sid": "SM1", "n": [1, {"a": "}"}], "s": "\u00e9\"<"}`))
	f.Add([]byte(`{"a":1,"a":2}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, in []byte) { checkResourceAsEncodingJSON(t, in) })
}
