package kannel

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
	"github.com/smstrack/smstrack/internal/webhook"
)

const testToken = "kannel-shared-secret-0123456789"

func newHarness(t *testing.T, cfg Config) *providertest.Harness {
	return providertest.New(t, receivedAt, func(w providertest.Wiring) {
		hd := NewHandler(cfg, w.Ing, w.Rej, w.Log)
		hd.cb.Now = w.Now
		hd.Register(w.Mux)
	})
}

func getDLR(q url.Values) *http.Request {
	return httptest.NewRequest(http.MethodGet, StatusPath+"?"+q.Encode(), nil)
}

func TestHandler(t *testing.T) {
	cfg := Config{Token: testToken}
	tests := []struct {
		name       string
		cfg        Config
		req        func() *http.Request
		ingErr     error
		wantStatus int
		wantEvent  smstrack.Status
		wantField  string // of the recorded refusal; "-" for none
	}{
		{name: "GET stored", req: func() *http.Request { return getDLR(dlr()) }, wantStatus: 200, wantEvent: smstrack.StatusDelivered, wantField: "-"},
		{
			name: "POST form with the token in the query",
			req: func() *http.Request {
				q := dlr()
				q.Del("token")
				r := httptest.NewRequest(http.MethodPost, StatusPath+"?token="+testToken, strings.NewReader(q.Encode()))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				return r
			},
			wantStatus: 200, wantEvent: smstrack.StatusDelivered, wantField: "-",
		},
		{name: "missing token", req: func() *http.Request { return getDLR(dlr("token", "<del>")) }, wantStatus: 403, wantField: "token"},
		{name: "wrong token", req: func() *http.Request { return getDLR(dlr("token", "guess")) }, wantStatus: 403, wantField: "token"},
		{name: "token of another length", req: func() *http.Request { return getDLR(dlr("token", testToken+"x")) }, wantStatus: 403, wantField: "token"},
		{name: "not configured", cfg: Config{}, req: func() *http.Request { return getDLR(dlr()) }, wantStatus: 403, wantField: ""},
		{name: "unknown type", req: func() *http.Request { return getDLR(dlr("type", "64")) }, wantStatus: 400, wantField: "type"},
		{name: "no id", req: func() *http.Request { return getDLR(dlr("id", "<del>", "smsc_id", "<del>")) }, wantStatus: 400, wantField: "id"},
		{
			name: "malformed query",
			req: func() *http.Request {
				return httptest.NewRequest(http.MethodGet, StatusPath+"?token="+testToken+"&type=%zz", nil)
			},
			wantStatus: 400, wantField: "",
		},
		{
			name: "JSON body refused",
			req: func() *http.Request {
				r := httptest.NewRequest(http.MethodPost, StatusPath+"?"+dlr().Encode(), strings.NewReader(`{"a":1}`))
				r.Header.Set("Content-Type", "application/json")
				return r
			},
			wantStatus: 400, wantField: "Content-Type",
		},
		{
			name: "oversized body",
			req: func() *http.Request {
				return httptest.NewRequest(http.MethodPost, StatusPath+"?"+dlr().Encode(), strings.NewReader(strings.Repeat("a", webhook.MaxBody+1)))
			},
			wantStatus: 400, wantField: "",
		},
		{name: "store down", req: func() *http.Request { return getDLR(dlr()) }, ingErr: errors.New("disk on fire"), wantStatus: 500, wantField: "-"},
		{name: "store unavailable", req: func() *http.Request { return getDLR(dlr()) }, ingErr: smstrack.Errorf(smstrack.EUNAVAILABLE, "shutting down"), wantStatus: 500, wantField: "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cfg
			if tt.cfg != (Config{}) || tt.name == "not configured" {
				c = tt.cfg
			}
			h := newHarness(t, c)
			w := h.Run(t, providertest.Case{Req: tt.req, IngErr: tt.ingErr, WantStatus: tt.wantStatus,
				WantEvents: providertest.One(tt.wantEvent), WantField: tt.wantField})
			if tt.wantEvent != "" && w.Body.String() != "OK\n" {
				t.Errorf("body %q", w.Body)
			}
			if recs := h.Rec.All(); len(recs) == 1 && strings.Contains(recs[0].Body, testToken) {
				t.Errorf("recorded body %q keeps the token", recs[0].Body)
			}
		})
	}
}

func TestHandlerRoutes(t *testing.T) {
	h := newHarness(t, Config{Token: testToken})
	for _, m := range []string{http.MethodPut, http.MethodDelete} {
		w := h.Do(httptest.NewRequest(m, StatusPath, nil))
		if w.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s: %d, want 405", m, w.Code)
		}
	}
}
