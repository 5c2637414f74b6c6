package telnyx

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
	"github.com/smstrack/smstrack/internal/webhook"
)

func newHarness(t *testing.T, cfg Config) *providertest.Harness {
	return providertest.New(t, receivedAt, func(w providertest.Wiring) {
		hd := NewHandler(cfg, w.Ing, w.Rej, w.Log)
		hd.cb.Now = w.Now
		hd.Register(w.Mux)
	})
}

// signedRequest is a webhook as Telnyx sends it, signed at ts.
func signedRequest(body string, ts time.Time) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "https://track.example.com"+Path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	stamp := strconv.FormatInt(ts.Unix(), 10)
	r.Header.Set(TimestampHeader, stamp)
	r.Header.Set(SignatureHeader, Sign(testKey, stamp, []byte(body)))
	return r
}

func TestHandler(t *testing.T) {
	cfg := Config{PublicKey: testPublicKey()}
	tests := []struct {
		name       string
		cfg        Config
		req        func() *http.Request
		ingErr     error
		wantStatus int
		wantEvents []smstrack.Status
		wantField  string // recorded rejection's field; "-" for none recorded
	}{
		{
			name:       "finalized stored",
			req:        func() *http.Request { return signedRequest(finalizedBody, receivedAt) },
			wantStatus: http.StatusOK,
			wantEvents: []smstrack.Status{smstrack.StatusUndelivered},
			wantField:  "-",
		},
		{
			name:       "inbound stored",
			req:        func() *http.Request { return signedRequest(receivedBody, receivedAt.Add(-time.Minute)) },
			wantStatus: http.StatusOK,
			wantEvents: []smstrack.Status{smstrack.StatusReceived},
			wantField:  "-",
		},
		{
			name:       "group stored per recipient",
			req:        func() *http.Request { return signedRequest(groupBody, receivedAt) },
			wantStatus: http.StatusOK,
			wantEvents: []smstrack.Status{smstrack.StatusDelivered, smstrack.StatusSent},
			wantField:  "-",
		},
		{
			name: "body changed after signing",
			req: func() *http.Request {
				r := signedRequest(finalizedBody, receivedAt)
				tampered := strings.Replace(finalizedBody, "delivery_failed", "delivered", 1)
				r.Body = httpBody(tampered)
				r.ContentLength = int64(len(tampered))
				return r
			},
			wantStatus: http.StatusForbidden,
			wantField:  SignatureHeader,
		},
		{
			name: "no signature",
			req: func() *http.Request {
				r := signedRequest(finalizedBody, receivedAt)
				r.Header.Del(SignatureHeader)
				return r
			},
			wantStatus: http.StatusForbidden,
			wantField:  SignatureHeader,
		},
		{
			name:       "replayed an hour later",
			req:        func() *http.Request { return signedRequest(finalizedBody, receivedAt.Add(-time.Hour)) },
			wantStatus: http.StatusForbidden,
			wantField:  TimestampHeader,
		},
		{
			name:       "not configured",
			cfg:        Config{},
			req:        func() *http.Request { return signedRequest(finalizedBody, receivedAt) },
			wantStatus: http.StatusForbidden,
			wantField:  SignatureHeader,
		},
		{
			name: "verification off accepts unsigned",
			cfg:  Config{SkipVerification: true},
			req: func() *http.Request {
				return httptest.NewRequest(http.MethodPost, Path, strings.NewReader(finalizedBody))
			},
			wantStatus: http.StatusOK,
			wantEvents: []smstrack.Status{smstrack.StatusUndelivered},
			wantField:  "-",
		},
		{
			name: "unknown status",
			req: func() *http.Request {
				return signedRequest(strings.Replace(finalizedBody, "delivery_failed", "exploded", 1), receivedAt)
			},
			wantStatus: http.StatusBadRequest,
			wantField:  "data.payload.to.status",
		},
		{
			name:       "malformed body",
			req:        func() *http.Request { return signedRequest(`{"data":`, receivedAt) },
			wantStatus: http.StatusBadRequest,
			wantField:  "",
		},
		{
			name: "oversized body",
			req: func() *http.Request {
				return signedRequest(`{"data":{"x":"`+strings.Repeat("x", webhook.MaxBody)+`"}}`, receivedAt)
			},
			wantStatus: http.StatusBadRequest,
			wantField:  "",
		},
		{
			name:       "store failure",
			req:        func() *http.Request { return signedRequest(finalizedBody, receivedAt) },
			ingErr:     errors.New("disk full"),
			wantStatus: http.StatusInternalServerError,
			wantField:  "-",
		},
		{
			name:       "store gave up",
			req:        func() *http.Request { return signedRequest(finalizedBody, receivedAt) },
			ingErr:     context.DeadlineExceeded,
			wantStatus: http.StatusServiceUnavailable,
			wantField:  "-",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cfg
			if tt.cfg.PublicKey != nil || tt.cfg.SkipVerification || tt.name == "not configured" {
				c = tt.cfg
			}
			h := newHarness(t, c)
			h.Run(t, providertest.Case{Req: tt.req, IngErr: tt.ingErr, WantStatus: tt.wantStatus, WantEvents: tt.wantEvents, WantField: tt.wantField})
			if c.SkipVerification && !strings.Contains(h.Logs.String(), "without checking") {
				t.Error("no warning logged with verification off")
			}
		})
	}
}

func httpBody(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

// Only POST is served.
func TestHandlerMethods(t *testing.T) {
	h := newHarness(t, Config{PublicKey: testPublicKey()})
	w := h.Do(httptest.NewRequest(http.MethodGet, Path, nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET %s = %d, want 405", Path, w.Code)
	}
}
