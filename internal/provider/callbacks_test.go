package provider_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider"
	"github.com/smstrack/smstrack/internal/provider/providertest"
	"github.com/smstrack/smstrack/internal/webhook"
)

var receivedAt = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

// A made-up provider whose callbacks are forms "id=...&status=...", with
// a token in the query, to drive Serve through every way out.
func newHarness(t *testing.T, tune func(*provider.Callbacks)) *providertest.Harness {
	return providertest.New(t, receivedAt, func(w providertest.Wiring) {
		cb := provider.NewCallbacks("fake", w.Ing, w.Rej, w.Log)
		cb.Now = w.Now
		if tune != nil {
			tune(&cb)
		}
		tok := webhook.URLToken{Param: "token", Secret: "secret-secret-secret", Provider: "Fake", Setting: "SMSTRACK_FAKE_TOKEN", Where: "the URL"}
		read := func(c *provider.Call) ([]*smstrack.EventInput, error) {
			fields, err := c.TokenFields(tok, c.Request.URL.RawQuery)
			if err != nil {
				return nil, err
			}
			switch fields.Get("status") {
			case "ours":
				return nil, provider.Fail(http.StatusBadGateway, errors.New("upstream down"))
			case "nothing":
				return nil, nil
			case "":
				return nil, smstrack.FieldError("status", "missing status")
			}
			var evs []*smstrack.EventInput
			for _, id := range fields["id"] {
				evs = append(evs, &smstrack.EventInput{Key: smstrack.Key{Provider: "fake", Account: "a", ProviderID: id},
					Event: smstrack.Event{Status: smstrack.Status(fields.Get("status")), ReceivedAt: c.ReceivedAt}})
			}
			return evs, nil
		}
		w.Mux.HandleFunc("/fake", func(rw http.ResponseWriter, r *http.Request) {
			cb.Serve(rw, r, read, provider.Text("OK"))
		})
	})
}

func get(q string) func() *http.Request {
	return func() *http.Request { return httptest.NewRequest(http.MethodGet, "/fake?"+q, nil) }
}

func TestServe(t *testing.T) {
	const tok = "token=secret-secret-secret&"
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		tune func(*provider.Callbacks)
		providertest.Case
		wantBody string // of a 2xx answer
	}{
		{name: "every event stored, then OK", Case: providertest.Case{Req: get(tok + "id=1&id=2&status=delivered"),
			WantStatus: 200, WantEvents: []smstrack.Status{"delivered", "delivered"}, WantField: "-"}, wantBody: "OK"},
		{name: "nothing to store", Case: providertest.Case{Req: get(tok + "status=nothing"), WantStatus: 200, WantField: "-"}, wantBody: "OK"},
		{name: "refused and recorded", Case: providertest.Case{Req: get(tok + "id=1"), WantStatus: 400, WantField: "status"}},
		{name: "wrong token", Case: providertest.Case{Req: get("token=guess&id=1&status=sent"), WantStatus: 403, WantField: "token"}},
		{name: "failed on our side", Case: providertest.Case{Req: get(tok + "status=ours"), WantStatus: http.StatusBadGateway, WantField: "-"}},
		{name: "store failure", Case: providertest.Case{Req: get(tok + "id=1&status=sent"), IngErr: errors.New("disk full"),
			WantStatus: 500, WantField: "-"}},
		{name: "store refused the event", Case: providertest.Case{Req: get(tok + "id=1&status=sent"),
			IngErr: smstrack.Errorf(smstrack.EINVALID, "no"), WantStatus: 400, WantField: "-"}},
		{name: "store refusal answered by StoreStatus", tune: func(cb *provider.Callbacks) {
			cb.StoreStatus = func(error) int { return http.StatusInternalServerError }
		}, Case: providertest.Case{Req: get(tok + "id=1&status=sent"), IngErr: smstrack.Errorf(smstrack.EINVALID, "no"),
			WantStatus: 500, WantField: "-"}},
		{name: "store timed out", tune: func(cb *provider.Callbacks) {
			cb.StoreStatus = func(error) int { return http.StatusInternalServerError }
		}, Case: providertest.Case{Req: get(tok + "id=1&status=sent"), IngErr: context.DeadlineExceeded, WantStatus: 503, WantField: "-"}},
		{name: "request gone", Case: providertest.Case{Req: func() *http.Request {
			return get(tok + "id=1&status=sent")().WithContext(canceled)
		}, IngErr: errors.New("interrupted"), WantStatus: 503, WantField: "-"}},
		{name: "oversized body", Case: providertest.Case{Req: func() *http.Request {
			return httptest.NewRequest(http.MethodPost, "/fake", strings.NewReader(strings.Repeat("x", webhook.MaxBody+1)))
		}, WantStatus: 400, WantField: ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.tune)
			w := h.Run(t, tt.Case)
			if w.Code < 300 && w.Body.String() != tt.wantBody {
				t.Errorf("body %q, want %q", w.Body, tt.wantBody)
			}
			for _, rec := range h.Rec.All() {
				if strings.Contains(rec.Body, "secret-secret-secret") {
					t.Errorf("recorded body %q keeps the token", rec.Body)
				}
			}
		})
	}
}

// A GET's fields are its query: with QueryIsBody a refusal before the
// token is known records it; once fields are read, without the token.
func TestServeRecordsQueries(t *testing.T) {
	h := newHarness(t, func(cb *provider.Callbacks) { cb.QueryIsBody = true })
	h.Do(get("token=secret-secret-secret&id=1")())
	if recs := h.Rec.All(); len(recs) != 1 || recs[0].Body != "id=1" {
		t.Errorf("recorded %+v, want the query without its token", recs)
	}
	h = newHarness(t, func(cb *provider.Callbacks) { cb.QueryIsBody = true })
	h.Do(get("a=%zz")())
	if recs := h.Rec.All(); len(recs) != 1 || recs[0].Body != "a=%zz" {
		t.Errorf("recorded %+v, want the query", recs)
	}
	h = newHarness(t, nil)
	h.Do(get("a=%zz")())
	if recs := h.Rec.All(); len(recs) != 1 || recs[0].Body != "" {
		t.Errorf("recorded %+v, want no body", recs)
	}
}

func TestServeLogs(t *testing.T) {
	h := newHarness(t, func(cb *provider.Callbacks) {
		cb.Unverified = "accepting a callback without checking it"
		cb.IDKey, cb.StoredKey = "fake_id", "message_id"
	})
	h.Do(get("token=secret-secret-secret&id=m1&status=sent")())
	logs := h.Logs.String()
	for _, want := range []string{`msg="fake: accepting a callback without checking it"`, `msg="fake: event stored"`,
		"fake_id=m1", "message_id=1", "path=/fake"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s:\n%s", want, logs)
		}
	}
}
