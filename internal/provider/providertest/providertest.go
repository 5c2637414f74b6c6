// Package providertest holds the scaffolding the provider packages' tests
// share: a harness serving a handler over the webhooktest doubles, checks
// of what a callback stored, refused and answered, and the invariants of
// an error catalogue and of a parsed event. What is checked (payloads,
// signatures, statuses, codes) stays in each provider's own tests.
// It must never be imported by product code.
package providertest

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/webhook"
	"github.com/smstrack/smstrack/internal/webhook/webhooktest"
)

// Harness serves one provider's handler over a mux, with doubles that keep
// what it stored and refused.
type Harness struct {
	Mux  *http.ServeMux
	Ing  *webhooktest.Ingester
	Rec  *webhooktest.Rejections
	Rej  *webhook.Rejector
	Logs *bytes.Buffer // the handler's log, debug lines included
}

// Wiring is what a provider's handler is built from in a harness.
type Wiring struct {
	Ing *webhooktest.Ingester
	Rej *webhook.Rejector
	Log *slog.Logger
	Mux *http.ServeMux
	Now func() time.Time // the harness's clock, fixed
}

// New returns a Harness whose clock stands at now; build makes the
// provider's handler from the wiring and registers it on the mux.
func New(t testing.TB, now time.Time, build func(Wiring)) *Harness {
	t.Helper()
	h := &Harness{Mux: http.NewServeMux(), Ing: &webhooktest.Ingester{}, Rec: &webhooktest.Rejections{}, Logs: &bytes.Buffer{}}
	log := slog.New(slog.NewTextHandler(h.Logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.Rej = webhook.NewRejector(h.Rec, log)
	build(Wiring{Ing: h.Ing, Rej: h.Rej, Log: log, Mux: h.Mux, Now: func() time.Time { return now }})
	return h
}

// Do serves r and waits until its refusal, if any, is recorded.
func (h *Harness) Do(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.Mux.ServeHTTP(w, r)
	h.Rej.Wait()
	return w
}

// Statuses returns the statuses of the events stored so far, in order.
func (h *Harness) Statuses() []smstrack.Status {
	var got []smstrack.Status
	for _, ev := range h.Ing.Events() {
		got = append(got, ev.Status)
	}
	return got
}

// CheckStored fails t unless the events stored so far have the statuses
// want, in order.
func (h *Harness) CheckStored(t testing.TB, want []smstrack.Status) {
	t.Helper()
	if got := h.Statuses(); !slices.Equal(got, want) {
		t.Errorf("stored %v, want %v", got, want)
	}
}

// CheckRecorded fails t unless the refusals recorded are none, for field
// "-", or exactly one, naming field; it returns that one.
func (h *Harness) CheckRecorded(t testing.TB, field string) smstrack.RejectedRequest {
	t.Helper()
	recs := h.Rec.All()
	if field == "-" {
		if len(recs) != 0 {
			t.Errorf("recorded %+v, want nothing", recs)
		}
		return smstrack.RejectedRequest{}
	}
	if len(recs) != 1 || recs[0].Field != field {
		t.Fatalf("recorded %+v, want one refusal on field %q", recs, field)
	}
	return recs[0]
}

// ErrorAnswer is the JSON body of an error answer.
type ErrorAnswer struct{ Error, Field string }

// ErrorBody returns the JSON error body of w, an error answer, stopping t
// unless it is one naming the problem.
func ErrorBody(t testing.TB, w *httptest.ResponseRecorder) ErrorAnswer {
	t.Helper()
	var e ErrorAnswer
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error == "" {
		t.Fatalf("error body %q is not a JSON error", w.Body)
	}
	return e
}

// Case is one request of a handler's case table and what must follow.
type Case struct {
	Req        func() *http.Request
	IngErr     error             // what the ingester fails with
	WantStatus int               // the answer's status
	WantEvents []smstrack.Status // the statuses stored, in order
	WantField  string            // the recorded refusal's field; "-" for none
}

// Run serves c's request and checks the answer's status, the JSON body of
// an error, the events stored and the refusal recorded; it returns the
// answer for the provider's own checks.
func (h *Harness) Run(t *testing.T, c Case) *httptest.ResponseRecorder {
	t.Helper()
	h.Ing.Err = c.IngErr
	w := h.Do(c.Req())
	if w.Code != c.WantStatus {
		t.Fatalf("status %d (%s), want %d", w.Code, w.Body, c.WantStatus)
	}
	if w.Code >= 400 {
		ErrorBody(t, w)
	}
	h.CheckStored(t, c.WantEvents)
	h.CheckRecorded(t, c.WantField)
	return w
}

// One is the WantEvents of a case that stores one event of status s, or
// none when s is empty.
func One(s smstrack.Status) []smstrack.Status {
	if s == "" {
		return nil
	}
	return []smstrack.Status{s}
}

// TokenRequest is a gateway callback to path with the shared secret token
// in its query as param (added unless q names it already), the query q and,
// when body is not empty, a form body by POST. It is nil when the fuzzer
// made a URL that cannot be requested.
func TokenRequest(path, param, token, q, body string) *http.Request {
	if fields, err := url.ParseQuery(q); err == nil && fields.Get(param) == "" {
		q = param + "=" + token + "&" + q
	}
	method := http.MethodGet
	if body != "" {
		method = http.MethodPost
	}
	r, err := http.NewRequest(method, "http://track.example.com"+path+"?"+q, strings.NewReader(body))
	if err != nil {
		return nil
	}
	if body != "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return r
}

// CheckFuzzed fails t unless w answers a fuzzed request as a handler must:
// 200 with one event stored, or a 4xx with none and, but for the mux's
// 404, a JSON error; never a 5xx.
func (h *Harness) CheckFuzzed(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	stored := len(h.Ing.Events())
	switch {
	case w.Code == http.StatusOK:
		if stored != 1 {
			t.Fatalf("answered 200 %q with %d events stored", w.Body, stored)
		}
	case w.Code >= 400 && w.Code < 500:
		if stored != 0 || w.Code != http.StatusNotFound && !json.Valid(bytes.TrimSpace(w.Body.Bytes())) {
			t.Fatalf("answered %d %q with %d events stored", w.Code, w.Body, stored)
		}
	default:
		t.Fatalf("answered %d %q", w.Code, w.Body)
	}
}

// Form decodes a test's form payload, stopping t if it is not one.
func Form(t testing.TB, s string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(s)
	if err != nil {
		t.Fatalf("test payload %q: %v", s, err)
	}
	return v
}

// With is the form s changed by set: each name set to its value, or
// removed for the value "-".
func With(t testing.TB, s string, set map[string]string) url.Values {
	t.Helper()
	v := Form(t, s)
	for k, val := range set {
		if val == "-" {
			v.Del(k)
		} else {
			v.Set(k, val)
		}
	}
	return v
}

// StoreFailure is a failure of the ingester and the status a handler must
// answer it with.
type StoreFailure struct {
	Name   string
	Err    error
	Status int
}

// CheckStoreFailures serves req to a fresh harness for each failure, the
// ingester failing with it, and checks the answer: its status, no word of
// the internal error, and no refusal recorded, since the fault is ours.
func CheckStoreFailures(t *testing.T, harness func() *Harness, req func() *http.Request, failures ...StoreFailure) {
	t.Helper()
	for _, f := range failures {
		t.Run(f.Name, func(t *testing.T) {
			h := harness()
			h.Ing.Err = f.Err
			w := h.Do(req())
			if w.Code != f.Status {
				t.Errorf("Ingest error %v: status %d, want %d", f.Err, w.Code, f.Status)
			}
			if strings.Contains(w.Body.String(), f.Err.Error()) {
				t.Errorf("body %s leaks the internal error", w.Body)
			}
			if n := len(h.Rec.All()); n != 0 {
				t.Errorf("recorded %d rejections for a store failure, want none", n)
			}
		})
	}
}
