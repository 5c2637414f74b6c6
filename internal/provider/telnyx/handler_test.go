package telnyx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/webhook"
	"github.com/smstrack/smstrack/internal/webhook/webhooktest"
)

type harness struct {
	mux  *http.ServeMux
	ing  *webhooktest.Ingester
	rec  *webhooktest.Rejections
	rej  *webhook.Rejector
	logs *bytes.Buffer
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	h := &harness{mux: http.NewServeMux(), ing: &webhooktest.Ingester{}, rec: &webhooktest.Rejections{}, logs: &bytes.Buffer{}}
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.rej = webhook.NewRejector(h.rec, log)
	hd := NewHandler(cfg, h.ing, h.rej, log)
	hd.cb.Now = func() time.Time { return receivedAt }
	hd.Register(h.mux)
	return h
}

func (h *harness) do(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.mux.ServeHTTP(w, r)
	h.rej.Wait()
	return w
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
			h.ing.Err = tt.ingErr
			w := h.do(tt.req())
			if w.Code != tt.wantStatus {
				t.Fatalf("status %d (%s), want %d", w.Code, w.Body, tt.wantStatus)
			}
			if w.Code != http.StatusOK {
				var e struct{ Error, Field string }
				if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error == "" {
					t.Errorf("error body %q is not a JSON error", w.Body)
				}
			}
			var got []smstrack.Status
			for _, ev := range h.ing.Events() {
				got = append(got, ev.Status)
			}
			if !slices.Equal(got, tt.wantEvents) {
				t.Errorf("stored %v, want %v", got, tt.wantEvents)
			}
			recs := h.rec.All()
			switch {
			case tt.wantField == "-" && len(recs) != 0:
				t.Errorf("recorded %+v, want nothing", recs)
			case tt.wantField != "-" && len(recs) != 1:
				t.Errorf("recorded %d rejections, want 1", len(recs))
			case tt.wantField != "-" && recs[0].Field != tt.wantField:
				t.Errorf("recorded field %q, want %q", recs[0].Field, tt.wantField)
			}
			if c.SkipVerification && !strings.Contains(h.logs.String(), "without checking") {
				t.Error("no warning logged with verification off")
			}
		})
	}
}

func httpBody(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

// Only POST is served.
func TestHandlerMethods(t *testing.T) {
	h := newHarness(t, Config{PublicKey: testPublicKey()})
	w := h.do(httptest.NewRequest(http.MethodGet, Path, nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET %s = %d, want 405", Path, w.Code)
	}
}
