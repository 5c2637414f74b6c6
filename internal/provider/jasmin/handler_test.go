package jasmin

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

func get(path string, q url.Values) *http.Request {
	return httptest.NewRequest(http.MethodGet, path+"?"+q.Encode(), nil)
}

// post sends the fields as a form, the token in the URL as configured.
func post(path string, q url.Values) *http.Request {
	q = with(q, "token", "<del>")
	r := httptest.NewRequest(http.MethodPost, path+"?token="+testToken, strings.NewReader(q.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func TestHandler(t *testing.T) {
	tests := []struct {
		name       string
		cfg        *Config
		req        func() *http.Request
		ingErr     error
		wantStatus int
		wantEvent  smstrack.Status
		wantField  string // of the recorded refusal; "-" for none
	}{
		{name: "GET receipt", req: func() *http.Request { return get(StatusPath, receipt()) }, wantStatus: 200, wantEvent: smstrack.StatusDelivered, wantField: "-"},
		{name: "POST receipt", req: func() *http.Request { return post(StatusPath, receipt()) }, wantStatus: 200, wantEvent: smstrack.StatusDelivered, wantField: "-"},
		{name: "POST level 1", req: func() *http.Request { return post(StatusPath, level1()) }, wantStatus: 200, wantEvent: smstrack.StatusSent, wantField: "-"},
		{
			name: "GET appended after the URL's own query with a second '?'",
			req: func() *http.Request {
				q := with(receipt(), "token", "<del>")
				return httptest.NewRequest(http.MethodGet, StatusPath+"?token="+testToken+"?"+q.Encode(), nil)
			},
			wantStatus: 200, wantEvent: smstrack.StatusDelivered, wantField: "-",
		},
		{name: "GET inbound", req: func() *http.Request { return get(InboundPath, mo()) }, wantStatus: 200, wantEvent: smstrack.StatusReceived, wantField: "-"},
		{name: "POST inbound", req: func() *http.Request { return post(InboundPath, mo()) }, wantStatus: 200, wantEvent: smstrack.StatusReceived, wantField: "-"},
		{name: "missing token", req: func() *http.Request { return get(StatusPath, receipt("token", "<del>")) }, wantStatus: 403, wantField: "token"},
		{name: "wrong token", req: func() *http.Request { return get(StatusPath, receipt("token", "guess")) }, wantStatus: 403, wantField: "token"},
		{name: "wrong token on inbound", req: func() *http.Request { return get(InboundPath, mo("token", "x")) }, wantStatus: 403, wantField: "token"},
		{name: "not configured", cfg: &Config{}, req: func() *http.Request { return get(StatusPath, receipt()) }, wantStatus: 403, wantField: ""},
		{name: "unknown status", req: func() *http.Request { return get(StatusPath, receipt("message_status", "NOPE")) }, wantStatus: 400, wantField: "message_status"},
		{name: "inbound without id", req: func() *http.Request { return post(InboundPath, mo("id", "<del>")) }, wantStatus: 400, wantField: "id"},
		{
			name: "JSON body refused",
			req: func() *http.Request {
				r := httptest.NewRequest(http.MethodPost, StatusPath+"?token="+testToken, strings.NewReader(`{}`))
				r.Header.Set("Content-Type", "application/json")
				return r
			},
			wantStatus: 400, wantField: "Content-Type",
		},
		{
			name: "oversized body",
			req: func() *http.Request {
				return httptest.NewRequest(http.MethodPost, StatusPath+"?token="+testToken, strings.NewReader(strings.Repeat("a", webhook.MaxBody+1)))
			},
			wantStatus: 400, wantField: "",
		},
		{name: "store down", req: func() *http.Request { return get(StatusPath, receipt()) }, ingErr: errors.New("disk on fire"), wantStatus: 500, wantField: "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Token: testToken}
			if tt.cfg != nil {
				cfg = *tt.cfg
			}
			h := newHarness(t, cfg)
			w := h.Run(t, providertest.Case{Req: tt.req, IngErr: tt.ingErr, WantStatus: tt.wantStatus,
				WantEvents: providertest.One(tt.wantEvent), WantField: tt.wantField})
			if tt.wantEvent != "" && w.Body.String() != Ack {
				t.Errorf("body %q, want %q", w.Body, Ack)
			}
			if w.Code >= 400 && w.Body.String() == Ack {
				t.Error("a refusal acknowledged")
			}
			if recs := h.Rec.All(); len(recs) == 1 && strings.Contains(recs[0].Body, testToken) {
				t.Errorf("recorded body %q keeps the token", recs[0].Body)
			}
		})
	}
}
