package sinch

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
)

func newHarness(t *testing.T, cfg Config) *providertest.Harness {
	return providertest.New(t, receivedAt, func(w providertest.Wiring) {
		hd := NewHandler(cfg, w.Ing, w.Rej, w.Log)
		hd.cb.Now = w.Now
		hd.Register(w.Mux)
	})
}

// signedRequest is a callback as Sinch sends it, signed at ts and with
// Basic credentials.
func signedRequest(body string, ts time.Time) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "https://track.example.com"+Path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	stamp := strconv.FormatInt(ts.Unix(), 10)
	r.Header.Set(TimestampHeader, stamp)
	r.Header.Set(NonceHeader, "01FJA8B4A7BM43YGWSG9GBV067")
	r.Header.Set(AlgorithmHeader, "HmacSHA256")
	r.Header.Set(SignatureHeader, Sign(testSecret, "HmacSHA256", "01FJA8B4A7BM43YGWSG9GBV067", stamp, []byte(body)))
	r.SetBasicAuth("sinch", "basic-pw")
	return r
}

func TestHandler(t *testing.T) {
	both := Config{ServicePlanID: testPlan, Secret: testSecret, Username: "sinch", Password: "basic-pw"}
	tests := []struct {
		name       string
		cfg        Config
		req        func() *http.Request
		ingErr     error
		wantStatus int
		wantEvents []smstrack.Status
		wantField  string // recorded rejection's field; "-" for none recorded
	}{
		{name: "recipient report stored", cfg: both, req: func() *http.Request { return signedRequest(deliveredReport, receivedAt) },
			wantStatus: http.StatusOK, wantEvents: []smstrack.Status{smstrack.StatusDelivered}, wantField: "-"},
		{name: "inbound stored", cfg: both, req: func() *http.Request { return signedRequest(moText, receivedAt.Add(-time.Minute)) },
			wantStatus: http.StatusOK, wantEvents: []smstrack.Status{smstrack.StatusReceived}, wantField: "-"},
		{name: "full batch stored per recipient", cfg: both, req: func() *http.Request { return signedRequest(fullReport, receivedAt) },
			wantStatus: http.StatusOK, wantEvents: []smstrack.Status{smstrack.StatusDelivered, smstrack.StatusDelivered, smstrack.StatusUndelivered}, wantField: "-"},
		{name: "signature alone", cfg: Config{ServicePlanID: testPlan, Secret: testSecret},
			req: func() *http.Request {
				r := signedRequest(deliveredReport, receivedAt)
				r.Header.Del("Authorization")
				return r
			},
			wantStatus: http.StatusOK, wantEvents: []smstrack.Status{smstrack.StatusDelivered}, wantField: "-"},
		{name: "basic alone", cfg: Config{ServicePlanID: testPlan, Username: "sinch", Password: "basic-pw"},
			req: func() *http.Request {
				r := signedRequest(deliveredReport, receivedAt)
				r.Header.Del(SignatureHeader)
				return r
			},
			wantStatus: http.StatusOK, wantEvents: []smstrack.Status{smstrack.StatusDelivered}, wantField: "-"},
		{name: "wrong password", cfg: both,
			req: func() *http.Request {
				r := signedRequest(deliveredReport, receivedAt)
				r.SetBasicAuth("sinch", "guess")
				return r
			},
			wantStatus: http.StatusForbidden, wantField: "Authorization"},
		{name: "body changed after signing", cfg: both,
			req: func() *http.Request {
				r := signedRequest(deliveredReport, receivedAt)
				tampered := strings.Replace(deliveredReport, "Delivered", "Failed", 1)
				r.Body = httpBody(tampered)
				r.ContentLength = int64(len(tampered))
				return r
			},
			wantStatus: http.StatusForbidden, wantField: SignatureHeader},
		{name: "replayed an hour later", cfg: both, req: func() *http.Request { return signedRequest(deliveredReport, receivedAt.Add(-time.Hour)) },
			wantStatus: http.StatusForbidden, wantField: TimestampHeader},
		{name: "not configured", cfg: Config{}, req: func() *http.Request { return signedRequest(deliveredReport, receivedAt) },
			wantStatus: http.StatusForbidden, wantField: "type"},
		{name: "verification off", cfg: Config{ServicePlanID: testPlan, SkipVerification: true},
			req: func() *http.Request {
				return httptest.NewRequest(http.MethodPost, Path, strings.NewReader(deliveredReport))
			},
			wantStatus: http.StatusOK, wantEvents: []smstrack.Status{smstrack.StatusDelivered}, wantField: "-"},
		{name: "summary report", cfg: both, req: func() *http.Request { return signedRequest(summaryReport, receivedAt) },
			wantStatus: http.StatusBadRequest, wantField: "statuses.recipients"},
		{name: "malformed body", cfg: both, req: func() *http.Request { return signedRequest(`{"type":`, receivedAt) },
			wantStatus: http.StatusBadRequest, wantField: ""},
		{name: "store failure", cfg: both, req: func() *http.Request { return signedRequest(deliveredReport, receivedAt) },
			ingErr: errors.New("disk full"), wantStatus: http.StatusInternalServerError, wantField: "-"},
		{name: "store gave up", cfg: both, req: func() *http.Request { return signedRequest(deliveredReport, receivedAt) },
			ingErr: context.Canceled, wantStatus: http.StatusServiceUnavailable, wantField: "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.cfg)
			h.Run(t, providertest.Case{Req: tt.req, IngErr: tt.ingErr, WantStatus: tt.wantStatus, WantEvents: tt.wantEvents, WantField: tt.wantField})
			if tt.cfg.SkipVerification && !strings.Contains(h.Logs.String(), "without checking") {
				t.Error("no warning logged with verification off")
			}
		})
	}
}

func httpBody(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

// Only POST is served.
func TestHandlerMethods(t *testing.T) {
	h := newHarness(t, Config{ServicePlanID: testPlan, Secret: testSecret})
	w := h.Do(httptest.NewRequest(http.MethodGet, Path, nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET %s = %d, want 405", Path, w.Code)
	}
}
