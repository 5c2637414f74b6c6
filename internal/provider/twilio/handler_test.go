package twilio

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/provider/providertest"
	"github.com/smstrack/smstrack/internal/webhook"
)

const testToken = "12345678901234567890123456789012"

func newHarness(t *testing.T, cfg Config) *providertest.Harness {
	return providertest.New(t, receivedAt, func(w providertest.Wiring) {
		hd := NewHandler(cfg, w.Ing, w.Rej, w.Log)
		hd.cb.Now = w.Now
		hd.Register(w.Mux)
	})
}

// formRequest builds a signed form request as Twilio sends it to
// https://track.example.com<target>.
func formRequest(t *testing.T, target, form, token string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "https://track.example.com"+target, strings.NewReader(form))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set(SignatureHeader, Sign(token, "https://track.example.com"+target, providertest.Form(t, form)))
	return r
}

func jsonRequest(t *testing.T, target, body, token string) *http.Request {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
	}
	target += sep + "bodySHA256=" + hex.EncodeToString(sum[:])
	r := httptest.NewRequest(http.MethodPost, "https://track.example.com"+target, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set(SignatureHeader, Sign(token, "https://track.example.com"+target, nil))
	return r
}

func TestHandler(t *testing.T) {
	cfg := Config{Accounts: map[string]string{testAccount: testToken}}
	jsonBody := `{"MessageSid":"` + testSID + `","MessageStatus":"failed","ErrorCode":30007,"AccountSid":"` + testAccount + `"}`
	tests := []struct {
		name       string
		cfg        Config
		req        func(t *testing.T) *http.Request
		wantStatus int
		wantBody   string // JSON error, TwiML or empty
		wantEvent  smstrack.Status
		wantField  string // recorded rejection's field, "-" for none recorded
	}{
		{
			name:       "status callback stored",
			req:        func(t *testing.T) *http.Request { return formRequest(t, StatusPath, deliveredForm, testToken) },
			wantStatus: http.StatusNoContent,
			wantEvent:  smstrack.StatusDelivered,
			wantField:  "-",
		},
		{
			name:       "inbound answered with empty TwiML",
			req:        func(t *testing.T) *http.Request { return formRequest(t, InboundPath, inboundForm, testToken) },
			wantStatus: http.StatusOK,
			wantBody:   emptyTwiML,
			wantEvent:  smstrack.StatusReceived,
			wantField:  "-",
		},
		{
			name: "status callback with a query string and a TLS request",
			cfg:  Config{Accounts: cfg.Accounts},
			req: func(t *testing.T) *http.Request {
				r := httptest.NewRequest(http.MethodPost, "/webhooks/twilio/status?tenant=acme&x=%2F", strings.NewReader(undeliveredForm))
				r.Host = "track.example.com"
				r.TLS = &tls.ConnectionState{}
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
				r.Header.Set(SignatureHeader, Sign(testToken, "https://track.example.com:443/webhooks/twilio/status?tenant=acme&x=%2F", providertest.Form(t, undeliveredForm)))
				return r
			},
			wantStatus: http.StatusNoContent,
			wantEvent:  smstrack.StatusUndelivered,
			wantField:  "-",
		},
		{
			name: "behind a proxy with a public URL",
			cfg:  Config{Accounts: cfg.Accounts, PublicURL: "https://sms.example.org/"},
			req: func(t *testing.T) *http.Request {
				r := httptest.NewRequest(http.MethodPost, "http://10.0.0.5:8080"+StatusPath, strings.NewReader(deliveredForm))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				r.Header.Set(SignatureHeader, Sign(testToken, "https://sms.example.org"+StatusPath, providertest.Form(t, deliveredForm)))
				return r
			},
			wantStatus: http.StatusNoContent,
			wantEvent:  smstrack.StatusDelivered,
			wantField:  "-",
		},
		{
			name:       "JSON body",
			req:        func(t *testing.T) *http.Request { return jsonRequest(t, StatusPath, jsonBody, testToken) },
			wantStatus: http.StatusNoContent,
			wantEvent:  smstrack.StatusFailed,
			wantField:  "-",
		},
		{
			name: "JSON body changed after signing",
			req: func(t *testing.T) *http.Request {
				r := jsonRequest(t, StatusPath, jsonBody, testToken)
				tampered := strings.Replace(jsonBody, "failed", "delivered", 1)
				r.Body = httpBody(tampered)
				r.ContentLength = int64(len(tampered))
				return r
			},
			wantStatus: http.StatusForbidden,
			wantField:  SignatureHeader,
		},
		{
			name: "JSON body without bodySHA256",
			req: func(t *testing.T) *http.Request {
				r := httptest.NewRequest(http.MethodPost, "https://track.example.com"+StatusPath, strings.NewReader(jsonBody))
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set(SignatureHeader, Sign(testToken, "https://track.example.com"+StatusPath, nil))
				return r
			},
			wantStatus: http.StatusForbidden,
			wantField:  SignatureHeader,
		},
		{
			name:       "wrong token",
			req:        func(t *testing.T) *http.Request { return formRequest(t, StatusPath, deliveredForm, "not-the-token") },
			wantStatus: http.StatusForbidden,
			wantField:  SignatureHeader,
		},
		{
			name: "field changed after signing",
			req: func(t *testing.T) *http.Request {
				r := formRequest(t, StatusPath, undeliveredForm, testToken)
				tampered := strings.Replace(undeliveredForm, "undelivered", "delivered", 2)
				r.Body = httpBody(tampered)
				r.ContentLength = int64(len(tampered))
				return r
			},
			wantStatus: http.StatusForbidden,
			wantField:  SignatureHeader,
		},
		{
			name: "missing signature",
			req: func(t *testing.T) *http.Request {
				r := formRequest(t, StatusPath, deliveredForm, testToken)
				r.Header.Del(SignatureHeader)
				return r
			},
			wantStatus: http.StatusForbidden,
			wantBody:   `{"error":"missing X-Twilio-Signature header","field":"X-Twilio-Signature"}`,
			wantField:  SignatureHeader,
		},
		{
			name: "account not configured",
			req: func(t *testing.T) *http.Request {
				form := strings.ReplaceAll(deliveredForm, testAccount, "ACffffffffffffffffffffffffffffffff")
				return formRequest(t, StatusPath, form, testToken)
			},
			wantStatus: http.StatusForbidden,
			wantBody:   `{"error":"Twilio account ACffffffffffffffffffffffffffffffff is not configured here","field":"AccountSid"}`,
			wantField:  "AccountSid",
		},
		{
			name: "unknown status word",
			req: func(t *testing.T) *http.Request {
				return formRequest(t, StatusPath, strings.Replace(deliveredForm, "MessageStatus=delivered", "MessageStatus=vanished", 1), testToken)
			},
			wantStatus: http.StatusBadRequest,
			wantBody:   `{"error":"unknown message status \"vanished\"","field":"MessageStatus"}`,
			wantField:  "MessageStatus",
		},
		{
			name: "no message id",
			req: func(t *testing.T) *http.Request {
				return formRequest(t, StatusPath, "MessageStatus=sent&AccountSid="+testAccount, testToken)
			},
			wantStatus: http.StatusBadRequest,
			wantField:  "MessageSid",
		},
		{
			name: "no account id",
			req: func(t *testing.T) *http.Request {
				return formRequest(t, StatusPath, "MessageSid="+testSID+"&MessageStatus=sent", testToken)
			},
			wantStatus: http.StatusBadRequest,
			wantField:  "AccountSid",
		},
		{
			name: "bad form encoding",
			req: func(t *testing.T) *http.Request {
				r := httptest.NewRequest(http.MethodPost, StatusPath, strings.NewReader("MessageSid=%zz&AccountSid="+testAccount))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				return r
			},
			wantStatus: http.StatusBadRequest,
			wantField:  "",
		},
		{
			name: "unsupported content type",
			req: func(t *testing.T) *http.Request {
				r := httptest.NewRequest(http.MethodPost, StatusPath, strings.NewReader("<xml/>"))
				r.Header.Set("Content-Type", "text/xml")
				return r
			},
			wantStatus: http.StatusBadRequest,
			wantField:  "Content-Type",
		},
		{
			name: "oversized body",
			req: func(t *testing.T) *http.Request {
				body := deliveredForm + "&Padding=" + strings.Repeat("x", webhook.MaxBody)
				return formRequest(t, StatusPath, body, testToken)
			},
			wantStatus: http.StatusBadRequest,
			wantField:  "",
		},
		{
			name: "skip verification accepts unsigned requests",
			cfg:  Config{SkipVerification: true},
			req: func(t *testing.T) *http.Request {
				r := formRequest(t, StatusPath, deliveredForm, testToken)
				r.Header.Del(SignatureHeader)
				return r
			},
			wantStatus: http.StatusNoContent,
			wantEvent:  smstrack.StatusDelivered,
			wantField:  "-",
		},
		{
			name: "skip verification still limits accounts when some are listed",
			cfg:  Config{SkipVerification: true, Accounts: map[string]string{"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": "t"}},
			req: func(t *testing.T) *http.Request {
				return formRequest(t, StatusPath, deliveredForm, testToken)
			},
			wantStatus: http.StatusForbidden,
			wantField:  "AccountSid",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.cfg
			if c.Accounts == nil && !c.SkipVerification {
				c = cfg
			}
			h := newHarness(t, c)
			w := h.Run(t, providertest.Case{Req: func() *http.Request { return tt.req(t) }, WantStatus: tt.wantStatus,
				WantEvents: providertest.One(tt.wantEvent), WantField: tt.wantField})
			if tt.wantBody != "" {
				if got := strings.TrimSpace(w.Body.String()); got != tt.wantBody {
					t.Errorf("body = %s, want %s", got, tt.wantBody)
				}
			}
			if recs := h.Rec.All(); len(recs) == 1 && (recs[0].Path == "" || recs[0].Reason == "") {
				t.Errorf("recorded %+v, want path and reason", recs[0])
			}
		})
	}
}

func TestHandlerResponses(t *testing.T) {
	h := newHarness(t, Config{Accounts: map[string]string{testAccount: testToken}})
	w := h.Do(formRequest(t, InboundPath, inboundMMSForm, testToken))
	if got := w.Header().Get("Content-Type"); got != "text/xml" {
		t.Errorf("inbound Content-Type = %q, want text/xml", got)
	}
	w = h.Do(formRequest(t, StatusPath, deliveredForm, testToken))
	if w.Body.Len() != 0 {
		t.Errorf("status callback answer body = %q, want empty", w.Body)
	}
	r := httptest.NewRequest(http.MethodGet, StatusPath, nil)
	if w := h.Do(r); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET status = %d, want 405", w.Code)
	}
}

func TestHandlerIngestErrors(t *testing.T) {
	providertest.CheckStoreFailures(t,
		func() *providertest.Harness {
			return newHarness(t, Config{Accounts: map[string]string{testAccount: testToken}})
		},
		func() *http.Request { return formRequest(t, StatusPath, deliveredForm, testToken) },
		providertest.StoreFailure{Name: "store down", Err: errors.New("database is locked"), Status: http.StatusInternalServerError},
		providertest.StoreFailure{Name: "request canceled", Err: context.Canceled, Status: http.StatusServiceUnavailable},
		providertest.StoreFailure{Name: "deadline", Err: context.DeadlineExceeded, Status: http.StatusServiceUnavailable})
}

func TestSkipVerificationWarnsEveryRequest(t *testing.T) {
	h := newHarness(t, Config{SkipVerification: true})
	for range 3 {
		h.Do(formRequest(t, StatusPath, deliveredForm, ""))
	}
	if got := strings.Count(h.Logs.String(), "SkipVerification is on"); got != 3 {
		t.Errorf("%d warnings for 3 requests, want 3", got)
	}
}

func httpBody(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }
