package bird

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
)

func newHarness(t *testing.T, cfg Config) *providertest.Harness {
	return providertest.New(t, receivedAt, func(w providertest.Wiring) {
		hd := NewHandler(cfg, w.Ing, w.Rej, w.Log)
		hd.cb.Now = w.Now
		hd.Register(w.Mux)
	})
}

const publicURL = "https://track.example.com"

// reportRequest is a legacy status report as MessageBird sends it, by GET,
// signed with a JWT issued at issued.
func reportRequest(query string, issued time.Time) *http.Request {
	target := StatusPath + "?" + query
	r := httptest.NewRequest(http.MethodGet, publicURL+target, nil)
	r.Header.Set(JWTHeader, SignJWT(testKey, publicURL+target, nil, issued, "jti-"+query[:8]))
	return r
}

// eventRequest is a Channels API webhook, signed with a JWT.
func eventRequest(body string, issued time.Time) *http.Request {
	r := httptest.NewRequest(http.MethodPost, publicURL+EventsPath, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set(JWTHeader, SignJWT(testKey, publicURL+EventsPath, []byte(body), issued, "jti-event"))
	return r
}

func TestHandler(t *testing.T) {
	cfg := Config{SigningKey: testKey}
	tests := []struct {
		name       string
		cfg        *Config
		req        func() *http.Request
		ingErr     error
		wantStatus int
		wantEvents []smstrack.Status
		wantField  string // recorded rejection's field; "-" for none recorded
	}{
		{name: "status report by GET", req: func() *http.Request { return reportRequest(reportQuery, receivedAt) },
			wantStatus: http.StatusOK, wantEvents: []smstrack.Status{smstrack.StatusUndelivered}, wantField: "-"},
		{name: "status report by POST form", req: func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, publicURL+StatusPath, strings.NewReader(reportQuery))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set(JWTHeader, SignJWT(testKey, publicURL+StatusPath, []byte(reportQuery), receivedAt, "j"))
			return r
		}, wantStatus: http.StatusOK, wantEvents: []smstrack.Status{smstrack.StatusUndelivered}, wantField: "-"},
		{name: "status report with the legacy signature", req: func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, publicURL+StatusPath+"?"+reportQuery, nil)
			ts := strconv.FormatInt(receivedAt.Unix(), 10)
			r.Header.Set(TimestampHeader, ts)
			r.Header.Set(SignatureHeader, SignLegacy(testKey, ts, r.URL.Query(), nil))
			return r
		}, wantStatus: http.StatusOK, wantEvents: []smstrack.Status{smstrack.StatusUndelivered}, wantField: "-"},
		{name: "outbound event", req: func() *http.Request { return eventRequest(outboundEvent, receivedAt) },
			wantStatus: http.StatusOK, wantEvents: []smstrack.Status{smstrack.StatusUndelivered}, wantField: "-"},
		{name: "inbound event", req: func() *http.Request { return eventRequest(inboundEvent, receivedAt) },
			wantStatus: http.StatusOK, wantEvents: []smstrack.Status{smstrack.StatusReceived}, wantField: "-"},
		{name: "query changed after signing", req: func() *http.Request {
			r := reportRequest(reportQuery, receivedAt)
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "delivery_failed", "delivered", 1)
			return r
		}, wantStatus: http.StatusForbidden, wantField: JWTHeader},
		{name: "unsigned", req: func() *http.Request {
			return httptest.NewRequest(http.MethodGet, publicURL+StatusPath+"?"+reportQuery, nil)
		}, wantStatus: http.StatusForbidden, wantField: JWTHeader},
		{name: "replayed later", req: func() *http.Request { return reportRequest(reportQuery, receivedAt.Add(-time.Hour)) },
			wantStatus: http.StatusForbidden, wantField: JWTHeader},
		{name: "not configured", cfg: &Config{}, req: func() *http.Request { return reportRequest(reportQuery, receivedAt) },
			wantStatus: http.StatusForbidden, wantField: JWTHeader},
		{name: "verification off", cfg: &Config{SkipVerification: true}, req: func() *http.Request {
			return httptest.NewRequest(http.MethodGet, StatusPath+"?"+reportQuery, nil)
		}, wantStatus: http.StatusOK, wantEvents: []smstrack.Status{smstrack.StatusUndelivered}, wantField: "-"},
		{name: "unknown status", req: func() *http.Request {
			return reportRequest(strings.Replace(reportQuery, "delivery_failed", "exploded", 1), receivedAt)
		}, wantStatus: http.StatusBadRequest, wantField: "status"},
		{name: "malformed event", req: func() *http.Request { return eventRequest(`{"event":`, receivedAt) },
			wantStatus: http.StatusBadRequest, wantField: ""},
		{name: "store failure", req: func() *http.Request { return reportRequest(reportQuery, receivedAt) },
			ingErr: errors.New("disk full"), wantStatus: http.StatusInternalServerError, wantField: "-"},
		{name: "store gave up", req: func() *http.Request { return eventRequest(outboundEvent, receivedAt) },
			ingErr: context.DeadlineExceeded, wantStatus: http.StatusServiceUnavailable, wantField: "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cfg
			if tt.cfg != nil {
				c = *tt.cfg
			}
			c.PublicURL = publicURL
			h := newHarness(t, c)
			h.Run(t, providertest.Case{Req: tt.req, IngErr: tt.ingErr, WantStatus: tt.wantStatus, WantEvents: tt.wantEvents, WantField: tt.wantField})
		})
	}
}
